from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luoshi.audit.http import scoped_object_or_404
from luoshi.core import clock
from luoshi.extraction import services
from luoshi.extraction.forms import DocumentForm, ProposedTaskForm, ReviewAction
from luoshi.extraction.models import ProposalStatus, ProposedTask, SourceDocument
from luoshi.extraction.reading import UnreadableDocument, read_text
from luoshi.extraction.selectors import ReviewOptions, document_list_for, review_options_for
from luoshi.extraction.services import NEEDS_LEAD_UNIT
from luoshi.items import rules
from luoshi.items.services import ServiceError
from luoshi.org.http import AuthedRequest, acting_region
from luoshi.org.models import Role
from luoshi.org.selectors import scope_for


@dataclass(frozen=True)
class Segment:
    text: str
    task: ProposedTask | None = None


def segments(document: SourceDocument, tasks: list[ProposedTask]) -> list[Segment]:
    """The document's text cut at the tasks' spans, for highlighting."""
    parts = []
    cursor = 0
    for task in sorted(tasks, key=lambda t: t.start):
        if task.start < cursor:
            continue
        parts.append(Segment(document.text[cursor : task.start]))
        parts.append(Segment(document.text[task.start : task.end], task))
        cursor = task.end
    parts.append(Segment(document.text[cursor:]))
    return parts


def document_list(request: AuthedRequest) -> HttpResponse:
    documents = document_list_for(request.user).annotate(
        waiting=Count("tasks", filter=Q(tasks__status=ProposalStatus.PROPOSED)),
        accepted=Count("tasks", filter=Q(tasks__status=ProposalStatus.ACCEPTED)),
        total=Count("tasks"),
    )
    can_upload = any(seat.role == Role.SUPERVISOR for seat in scope_for(request.user).seats)
    return render(request, "extraction/documents.html", {"documents": documents, "can_upload": can_upload})


def document_new(request: AuthedRequest) -> HttpResponse:
    try:
        region = acting_region(request)
    except PermissionError:
        return render(
            request, "items/refused.html", {"message": "只有督查办可以分解讲话和会议纪要。"}, status=403
        )
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"meeting_date": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        try:
            text = read_text(upload.read(), upload.name) if upload else data["text"]
            document = services.document_extract(
                actor=request.user,
                region=region,
                title=data["title"],
                kind=data["kind"],
                meeting_date=data["meeting_date"],
                text=text,
                file_name=upload.name if upload else "",
                use_model=bool(data.get("use_model")),
            )
        except (UnreadableDocument, ServiceError) as error:
            messages.error(request, getattr(error, "message", str(error)))
        else:
            count = document.tasks.count()
            messages.success(request, f"分解出 {count} 项任务，请逐项审核。")
            return redirect("extraction:review", pk=document.pk)
    return render(request, "extraction/document_form.html", {"form": form, "region": region})


def _document(request: AuthedRequest, pk: int) -> SourceDocument:
    return scoped_object_or_404(document_list_for(request.user), pk=pk)


def document_review(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    tasks = list(
        document.tasks.select_related("patron_leader__person", "lead_unit", "item").prefetch_related(
            "support_units"
        )
    )
    can_review = rules.is_supervisor_of(request.user, document.region_id)
    options = review_options_for(document.region) if can_review else None
    cards = [_card(task, document, options) for task in tasks]
    waiting = sum(1 for t in tasks if t.status == ProposalStatus.PROPOSED)
    return render(
        request,
        "extraction/review.html",
        {
            "document": document,
            "segments": segments(document, tasks),
            "cards": cards,
            "waiting": waiting,
            "can_review": can_review,
            "options": options,
        },
    )


def _card(
    task: ProposedTask,
    document: SourceDocument,
    options: ReviewOptions | None,
    form: ProposedTaskForm | None = None,
    notices: list[tuple[str, str]] | None = None,
) -> dict[str, object]:
    """A task's card; `options` when the user may review (the form's choices are on the page once)."""
    editable = options is not None and task.status == ProposalStatus.PROPOSED
    if editable and form is None:
        form = ProposedTaskForm(instance=task, region=document.region, options=options, prefix=f"t{task.pk}")
    return {
        "task": task,
        "form": form if editable else None,
        "editable": editable,
        "needs_lead_unit": NEEDS_LEAD_UNIT if editable and task.lead_unit_id is None else "",
        "notices": notices or [],
    }


@require_POST
def task_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    task = scoped_object_or_404(
        ProposedTask.objects.filter(document__in=document_list_for(request.user)), pk=pk
    )
    document = task.document
    action = ReviewAction.of(request.POST.get("action"))
    options = review_options_for(document.region)
    form = ProposedTaskForm(
        request.POST,
        instance=ProposedTask.objects.get(pk=task.pk),
        region=document.region,
        options=options,
        assigning=action.assigns,
        prefix=f"t{task.pk}",
    )
    notices: list[tuple[str, str]] = []
    try:
        if action == ReviewAction.REJECT:
            services.proposed_task_reject(actor=request.user, task=task)
        elif form.is_valid():
            data = form.cleaned_data
            item = services.proposed_task_decide(
                actor=request.user,
                task=task,
                changes=services.TaskChanges(
                    title=data["title"],
                    kind=data["kind"],
                    patron_leader=data["patron_leader"],
                    lead_unit=data["lead_unit"],
                    support_units=list(data["support_units"]),
                    deadline=data["deadline"],
                    target_value=data["target_value"],
                    value_unit=data["value_unit"],
                ),
                accept=action.accepts,
                assign=action.assigns,
                as_of=clock.today(),
            )
            if item is not None:
                notices.append(("success", f"已建立督办事项 {item.code}。"))
            else:
                notices.append(("success", "已保存修改。"))
        elif action.assigns:
            notices.append(("error", "未能交办：请补充标红的内容。"))
        else:
            notices.append(("error", "请检查这条任务的填写。"))
    except ServiceError as error:
        notices.append(("error", f"未能交办：{error.message}" if action.assigns else error.message))
    task.refresh_from_db()
    if not request.headers.get("HX-Request"):
        for level, text in notices:
            messages.add_message(request, messages.SUCCESS if level == "success" else messages.ERROR, text)
        return redirect(f"/extraction/{document.pk}/#task-{task.pk}")
    can_review = rules.is_supervisor_of(request.user, document.region_id)
    failed = any(level == "error" for level, _ in notices) and action != ReviewAction.REJECT
    # a card that could not be decided keeps what the user chose, with the errors beside it
    card = _card(task, document, options if can_review else None, form if failed else None, notices)
    return render(request, "extraction/_card.html", {"card": card, "document": document})


@require_POST
def document_decide_all(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    action = ReviewAction.of(request.POST.get("action"))
    accept = action.accepts
    try:
        done, problems = services.document_decide_all(
            actor=request.user,
            document=document,
            accept=accept,
            assign=action.assigns,
            as_of=clock.today(),
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("extraction:review", pk=document.pk)
    messages.success(request, f"已{'采纳' if accept else '不采纳'} {done} 项。")
    for problem in problems:
        messages.warning(request, problem)
    return redirect("extraction:review", pk=document.pk)


def document_text(request: AuthedRequest, pk: int) -> HttpResponse:
    """The document with one span marked: where an item's words came from."""
    document = _document(request, pk)
    try:
        start, end = int(request.GET.get("start", "-1")), int(request.GET.get("end", "-1"))
    except ValueError:
        raise Http404 from None
    marked = 0 <= start < end <= len(document.text)
    context = {
        "document": document,
        "before": document.text[:start] if marked else document.text,
        "marked": document.text[start:end] if marked else "",
        "after": document.text[end:] if marked else "",
    }
    return render(request, "extraction/text.html", context)
