"""The bulletins' pages: thin; the selectors read, the services write, the rules decide."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from luoshi.bulletins import pack, rules, selectors, services
from luoshi.bulletins.drafting import SECTIONS
from luoshi.bulletins.forms import DecisionForm, DraftForm, EditForm, MeetingForm, PublishForm
from luoshi.bulletins.models import Bulletin, Decision, Meeting
from luoshi.bulletins.pdf import PdfUnavailable
from luoshi.bulletins.periods import previous_month
from luoshi.core import clock
from luoshi.items.http import run_service
from luoshi.items.services import Conflict, ServiceError
from luoshi.org.http import AuthedRequest
from luoshi.org.models import Region

KEYS = [key for key, _label in SECTIONS]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _bulletin(request: AuthedRequest, pk: int) -> Bulletin:
    try:
        return selectors.bulletin_detail_for(request.user, pk)
    except Bulletin.DoesNotExist:
        raise Http404 from None


def _managed(request: AuthedRequest, pk: int) -> Bulletin:
    """A bulletin the user's office edits; 404 for one he may not read, 403 for one he only reads."""
    bulletin = _bulletin(request, pk)
    if not rules.can_manage(request.user, bulletin.region_id):
        raise PermissionError
    return bulletin


def _refused(request: AuthedRequest, message: str = services.NOT_OFFICE) -> HttpResponse:
    return render(request, "items/refused.html", {"message": message}, status=403)


def bulletin_list(request: AuthedRequest) -> HttpResponse:
    bulletins = selectors.bulletin_list_for(request.user).order_by("-as_of", "-number", "-pk")
    offices = rules.office_region_ids(request.user)
    return render(request, "bulletins/list.html", {"bulletins": bulletins[:200], "may_draft": bool(offices)})


def bulletin_create(request: AuthedRequest) -> HttpResponse:
    offices = sorted(rules.office_region_ids(request.user))
    if not offices:
        return _refused(request)
    region = Region.objects.get(pk=offices[0])
    today = clock.today()
    initial = {"period": previous_month(today).code if today.day <= 10 else f"{today:%Y-%m}", "as_of": today}
    form = DraftForm(request.POST or None, initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.bulletin_draft(
                actor=request.user,
                region=region,
                period=form.cleaned_data["period"],
                as_of=form.cleaned_data["as_of"],
                today=today,
                topic=form.cleaned_data["topic"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已根据数据起草通报，请审改正文后印发。")
            return redirect("bulletins:edit", bulletin.pk)
    return render(request, "bulletins/create.html", {"form": form, "region": region})


def bulletin_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    # The stored page of a published bulletin is our own template's output, escaped when rendered.
    shown = mark_safe(bulletin.html) if bulletin.is_published else services.render_html(bulletin)  # noqa: S308
    context = {
        "bulletin": bulletin,
        "document": shown,
        "may_manage": rules.can_manage(request.user, bulletin.region_id),
    }
    return render(request, "bulletins/detail.html", context)


def bulletin_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        bulletin = _managed(request, pk)
    except PermissionError:
        return _refused(request)
    if bulletin.is_published:
        return _refused(request, services.PUBLISHED)
    form = EditForm(request.POST or None, initial=EditForm.initial_for(bulletin))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.bulletin_edit(
                actor=request.user,
                bulletin=bulletin,
                version=data["version"],
                title=data["title"],
                recipients=data["recipients"],
                copies_to=data["copies_to"],
                sections={key: data.get(key, "") for key in KEYS},
            )
        except Conflict as conflict:
            # The user's text stays in the form; the page says why it was not saved.
            form.add_error(None, conflict.message)
            status = 409
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "正文已保存。")
            return redirect("bulletins:detail", bulletin.pk)
    context = {"bulletin": bulletin, "form": form, "preview": services.render_html(bulletin)}
    return render(request, "bulletins/edit.html", context, status=status)


def bulletin_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    """The document as the editor's text would make it, unsaved (the editor's live preview)."""
    try:
        bulletin = _managed(request, pk)
    except PermissionError:
        return _refused(request)
    if request.method == "POST" and not bulletin.is_published:
        form = EditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                bulletin.title = services.clean_text(data["title"])
                bulletin.recipients = services.clean_text(data["recipients"]).rstrip("：:")
                bulletin.copies_to = services.clean_text(data["copies_to"]).rstrip("。")
                bulletin.sections = {key: services.clean_paragraphs(data.get(key, "")) for key in KEYS}
            except ServiceError as error:
                return HttpResponse(f'<div class="alert alert-warning">{error.message}</div>')
    return HttpResponse(services.render_html(bulletin))


@require_POST
def bulletin_refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        bulletin = _managed(request, pk)
    except PermissionError:
        return _refused(request)
    redraft = request.POST.get("redraft") == "1"
    run_service(
        request,
        lambda: services.bulletin_refresh(
            actor=request.user, bulletin=bulletin, as_of=clock.today(), redraft_text=redraft
        ),
        "已按最新数据重新生成" + ("，正文也已重新起草。" if redraft else "（正文保持不变）。"),
    )
    return redirect("bulletins:edit", bulletin.pk)


def bulletin_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish, after a confirmation: the number it will take and what publishing means."""
    try:
        bulletin = _managed(request, pk)
    except PermissionError:
        return _refused(request)
    if bulletin.is_published:
        return redirect("bulletins:detail", bulletin.pk)
    form = PublishForm(request.POST or None)
    today = clock.today()
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: services.bulletin_publish(actor=request.user, bulletin=bulletin, on=today),
            "通报已印发，已通知领导、各单位和督查办。",
        )
    ):
        return redirect("bulletins:detail", bulletin.pk)
    context = {
        "bulletin": bulletin,
        "form": form,
        "next_number": services.next_number_label(bulletin, on=today),
        "same_period": selectors.published_of_same_period(bulletin),
        "readers": len(services.readers_of(bulletin.region_id)),
    }
    return render(request, "bulletins/publish.html", context)


def attachment(name: str) -> str:
    """A download's Content-Disposition: the name percent-encoded whole, "/" included (quote's
    default keeps it, and Django's content_disposition_header uses that default)."""
    return f"attachment; filename*=UTF-8''{quote(name, safe='')}"


def _filename(bulletin: Bulletin, suffix: str) -> str:
    return attachment(f"{bulletin.number_label or '通报草稿'} {bulletin.title}{suffix}")


def bulletin_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    content = services.stored(bulletin.docx) if bulletin.is_published else services.render_docx(bulletin)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = _filename(bulletin, ".docx")
    return response


def bulletin_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    try:
        content = services.bulletin_pdf(bulletin=bulletin)
    except PdfUnavailable as unavailable:
        return render(
            request, "bulletins/pdf_unavailable.html", {"bulletin": bulletin, "message": str(unavailable)}
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = _filename(bulletin, ".pdf")
    return response


def bulletin_html(request: AuthedRequest, pk: int) -> HttpResponse:
    """The web page as a file of its own (to mail or to put on the government's site)."""
    bulletin = _bulletin(request, pk)
    document = bulletin.html if bulletin.is_published else services.render_html(bulletin)
    page = services.standalone_html(bulletin, document)
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = _filename(bulletin, ".html")
    return response


# ---------------------------------------------------------------------------------------------
# Meeting packs (调度会材料) and the decisions entered against them


def _meeting(request: AuthedRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_detail_for(request.user, pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _meeting_refused(request: AuthedRequest) -> HttpResponse:
    return _refused(request, services.NOT_MEETING_OFFICE)


def meeting_list(request: AuthedRequest) -> HttpResponse:
    meetings = selectors.meeting_list_for(request.user).order_by("-held_on", "-pk")
    offices = rules.office_region_ids(request.user)
    return render(
        request, "bulletins/meetings/list.html", {"meetings": meetings[:200], "may_create": bool(offices)}
    )


def meeting_create(request: AuthedRequest) -> HttpResponse:
    offices = sorted(rules.office_region_ids(request.user))
    if not offices:
        return _meeting_refused(request)
    region = Region.objects.get(pk=offices[0])
    today = clock.today()
    initial = {"held_on": today, "leaders": list(selectors.meeting_leaders_for(region))}
    form = MeetingForm(request.POST or None, initial=initial, region=region, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                region=region,
                kind=data["kind"],
                held_on=data["held_on"],
                as_of=data["as_of"],
                leaders=list(data["leaders"]),
                title=data["title"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已根据数据生成会议材料。会后请录入议定事项并交办。")
            return redirect("bulletins:meeting", meeting.pk)
    return render(request, "bulletins/meetings/create.html", {"form": form, "region": region})


def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting,
        "doc": services.pack_document_of(meeting),
        "needs_decision": pack.needs_decision_count(meeting.data) if meeting.data else 0,
        "decisions": selectors.decisions_of(meeting),
        "may_manage": rules.can_manage(request.user, meeting.region_id),
    }
    return render(request, "bulletins/meetings/detail.html", context)


def meeting_decisions(request: AuthedRequest, pk: int) -> HttpResponse:
    """Enter the meeting's decisions (one at a time) and assign them: each, or all at once."""
    meeting = _meeting(request, pk)
    if not rules.can_manage(request.user, meeting.region_id):
        return _meeting_refused(request)
    form = DecisionForm(request.POST or None, region=meeting.region)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def add() -> None:
            services.decision_add(
                actor=request.user,
                meeting=meeting,
                data=services.DecisionInput(
                    text=data["text"],
                    detail=data["detail"],
                    lead_unit=data["lead_unit"],
                    patron_leader=data["patron_leader"],
                    support_units=list(data["support_units"]),
                    deadline=data["deadline"],
                ),
            )

        if run_service(request, add, "已录入议定事项，核对后请点“交办”。"):
            return redirect("bulletins:meeting_decisions", meeting.pk)
    context = {"meeting": meeting, "form": form, "decisions": selectors.decisions_of(meeting)}
    return render(request, "bulletins/meetings/decisions.html", context)


@require_POST
def meeting_refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not rules.can_manage(request.user, meeting.region_id):
        return _meeting_refused(request)
    run_service(
        request,
        lambda: services.meeting_refresh(actor=request.user, meeting=meeting),
        "已按最新数据更新会议材料。",
    )
    return redirect("bulletins:meeting", meeting.pk)


@require_POST
def meeting_finalise(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not rules.can_manage(request.user, meeting.region_id):
        return _meeting_refused(request)
    run_service(
        request,
        lambda: services.meeting_finalise(actor=request.user, meeting=meeting, on=clock.today()),
        "会议材料已定稿，此后不随数据变化。",
    )
    return redirect("bulletins:meeting", meeting.pk)


def meeting_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    response = HttpResponse(services.meeting_docx(meeting), content_type=DOCX)
    suffix = "" if meeting.is_final else "（准备中）"
    response["Content-Disposition"] = attachment(f"{meeting.title}材料{suffix}.docx")
    return response


@require_POST
def decision_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        decision = selectors.decision_for(request.user, pk)
    except Decision.DoesNotExist:
        raise Http404 from None
    if not rules.can_manage(request.user, decision.meeting.region_id):
        return _meeting_refused(request)
    run_service(
        request,
        lambda: services.decision_assign(actor=request.user, decision=decision, as_of=clock.today()),
        f"已交办：{decision.text}。",
    )
    return redirect("bulletins:meeting_decisions", decision.meeting_id)


@require_POST
def meeting_assign_all(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not rules.can_manage(request.user, meeting.region_id):
        return _meeting_refused(request)
    run_service(
        request,
        lambda: services.decisions_assign_all(actor=request.user, meeting=meeting, as_of=clock.today()),
        "议定事项已全部交办。",
    )
    return redirect("bulletins:meeting_decisions", meeting.pk)
