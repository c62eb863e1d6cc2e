"""The REST API (/api/v1): thin views over the same selectors, predicates, forms and services as the
pages. Every read goes through the user's scope (an id outside it answers 404, recorded as a
refusal like the pages'); every write through the service the page calls, with its refusal in its
own words (luoshi/api/errors.py gives the shape)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django import forms
from django.db.models import Case, QuerySet, When
from django.http import Http404, HttpResponse, HttpResponseBase
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from luoshi.api import serializers as s
from luoshi.api.errors import ApiConflict
from luoshi.api.pagination import Pagination
from luoshi.audit.http import out_of_scope, scoped_object_or_404
from luoshi.bulletins import selectors as bulletin_selectors
from luoshi.bulletins import services as bulletin_services
from luoshi.bulletins.models import Bulletin
from luoshi.core import clock
from luoshi.core.selectors import work_calendar
from luoshi.items import rules, selectors, services
from luoshi.items.forms import (
    InstructionForm,
    ItemFilterForm,
    ItemForm,
    MilestoneForm,
    RejectForm,
    ReportForm,
    SupervisionActionForm,
    TransitionForm,
    VerifyForm,
)
from luoshi.items.http import evidence_response
from luoshi.items.models import DONE_STATUSES, Evidence, Item, ProgressReport, Status
from luoshi.items.services import MilestoneInput
from luoshi.items.workflow import Action
from luoshi.notifications.selectors import notifications_for
from luoshi.notifications.services import notifications_mark_read
from luoshi.org.http import acting_region
from luoshi.org.models import Role
from luoshi.org.selectors import (
    leader_list_for,
    person_list_for,
    region_list_for,
    scope_for,
    unit_list_for,
)

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="请求有误（invalid）或被业务规则拒绝（refused）"),
    403: OpenApiResponse(s.ErrorSerializer, description="没有权限"),
    404: OpenApiResponse(s.ErrorSerializer, description="不存在或不在可见范围内"),
}
CONFLICT = {409: OpenApiResponse(s.ErrorSerializer, description="已被他人修改：current_version 为当前版本")}


# ---------------------------------------------------------------------------------------------
# What every view shares


# What a form post carries besides its fields: the CSRF token of a call made with a session.
NOT_FIELDS = frozenset({"csrfmiddlewaretoken"})


def unknown_fields_refuse(data: object, accepted: type[Serializer] | None, *, prefix: str = "") -> None:
    """A field the endpoint does not know (not one of its input serializer's; none when `accepted`
    is None) is a 400 that names it, never ignored: a misspelt `titel` would otherwise be a request
    that succeeds and changes nothing."""
    if not isinstance(data, Mapping):
        return
    known = set(accepted().fields) if accepted is not None else set()
    unknown = [f"{prefix}{name}" for name in data if name not in known and name not in NOT_FIELDS]
    if unknown:
        error = ValidationError({name: [f"接口不认识字段“{name}”。"] for name in unknown})
        error.summary = f"接口不认识字段“{'”“'.join(unknown)}”，请按接口文档填写字段名。"
        raise error


def form_data(
    request: Request, *, accepted: type[Serializer] | None, base: Mapping[str, Any] | None = None
) -> Any:
    """The request's fields for a Django form: a form post as it came, JSON as a dict (lists stay
    lists: a multiple-choice field reads them), over `base` (an edit's current values). A field
    that `accepted`, the endpoint's input serializer, does not have is refused."""
    data = request.data
    unknown_fields_refuse(data, accepted)
    if isinstance(data, MultiValueDict):
        merged = MultiValueDict(
            {
                key: list(value) if isinstance(value, list | tuple) else [value]
                for key, value in (base or {}).items()
            }
        )
        for key in data:
            merged.setlist(key, data.getlist(key))
        return merged
    if not isinstance(data, Mapping):
        raise ValidationError({"non_field_errors": ["请求内容应为 JSON 对象或表单。"]})
    return {**(base or {}), **data}


def invalid(form: forms.BaseForm) -> ValidationError:
    error = ValidationError(
        {field or "non_field_errors": list(errors) for field, errors in form.errors.items()}
    )
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    error.summary = f"{label}：{errors[0]}" if label else str(errors[0])
    return error


def initials(form_class: type[forms.Form]) -> dict[str, Any]:
    """A new object's defaults: what the page's form starts with (type, source, cycle…)."""
    return {
        name: field.initial
        for name, field in form_class.base_fields.items()
        if field.initial is not None and not callable(field.initial)
    }


def checked(form: forms.BaseForm) -> dict[str, Any]:
    if not form.is_valid():
        raise invalid(form)
    return form.cleaned_data


def paginate(
    request: Request, view: APIView, rows: QuerySet[Any] | Sequence[Any]
) -> tuple[Pagination, list[Any]]:
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator, list(page or [])


def _item(request: Request, pk: int) -> Item:
    try:
        return selectors.item_detail_for(request.user, pk)
    except Item.DoesNotExist:
        out_of_scope(Item, pk=pk)
        raise Http404 from None


def _reports(request: Request) -> QuerySet[ProgressReport]:
    return (
        selectors.report_list_for(request.user)
        .prefetch_related("evidence")
        .select_related("verification__verifier", "unit__region")
    )


def _acting_region(request: Request) -> Any:
    """The region whose office the caller works for (org.http.acting_region), 403 otherwise."""
    try:
        return acting_region(request)
    except PermissionError:
        raise services.NotAllowed("只有督查办可以执行这个操作。") from None


def _milestones(data: Any) -> list[MilestoneInput] | None:
    rows = data.get("milestones") if isinstance(data, Mapping) else None
    if rows is None:
        return None
    if not isinstance(rows, list):
        raise ValidationError({"milestones": ["节点应为列表。"]})
    result = []
    for index, row in enumerate(rows):
        unknown_fields_refuse(row, s.MilestoneInputSerializer, prefix=f"milestones[{index}].")
        form = MilestoneForm(row if isinstance(row, Mapping) else {})
        if not form.is_valid():
            raise ValidationError({f"milestones[{index}].{k}": list(v) for k, v in form.errors.items()})
        d = form.cleaned_data
        result.append(MilestoneInput(name=d["name"], due=d["due"], done_on=d.get("done_on"), pk=d.get("id")))
    return result


# ---------------------------------------------------------------------------------------------
# Items


def _filter_parameters() -> list[OpenApiParameter]:
    described = {
        "text": "关键词（名称、编号、内容）",
        "kind": "类型（台账）",
        "source": "来源",
        "status": "状态；active 正在督办，done 已办结或销号",
        "colour": "预警：red、yellow、green，none 未评定",
        "unit": "单位 id（牵头或配合）",
        "leader": "包抓领导 id",
        "deadline_from": "时限自（YYYY-MM-DD）",
        "deadline_to": "时限至（YYYY-MM-DD）",
        "month": "某月的预警（YYYY-MM）",
        "overdue": "超过完成时限（true）",
        "report": "overdue：本期逾期未报",
        "lead": "牵头单位 id",
        "region": "行政区 id",
    }
    types = {"unit": int, "leader": int, "lead": int, "region": int, "overdue": bool}
    dates = {"deadline_from", "deadline_to"}
    return [
        OpenApiParameter(
            name,
            OpenApiTypes.DATE if name in dates else types.get(name, str),
            description=text,
        )
        for name, text in described.items()
    ] + [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]


def item_rows(request: Request) -> QuerySet[Item]:
    """The item list's rows for the caller: the page's filter form and selector, in the page's order."""
    form = ItemFilterForm(
        request.query_params,
        units=unit_list_for(request.user).filter(is_active=True),
        leaders=leader_list_for(request.user).filter(is_active=True),
        regions=region_list_for(request.user),
        many_regions=selectors.sees_many_regions(request.user),
    )
    checked(form)
    items = selectors.item_list_filtered(request.user, form.filters(), today=clock.today())
    ended = list(DONE_STATUSES | {Status.WITHDRAWN, Status.REPLACED})
    finished = Case(When(status__in=ended, then=1), default=0)
    return items.order_by(finished, "deadline", "code", "pk")


class ItemListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="items_list",
        summary="事项列表（与事项页面相同的筛选）",
        parameters=_filter_parameters(),
        responses={200: s.ItemSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        paginator, page = paginate(request, self, item_rows(request))
        return paginator.get_paginated_response(s.ItemSerializer(page, many=True).data)

    @extend_schema(
        operation_id="items_create",
        summary="立项（督查办）",
        request=s.ItemInputSerializer,
        responses={201: s.ItemDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        region = _acting_region(request)
        data = form_data(request, accepted=s.ItemInputSerializer, base=initials(ItemForm))
        form = ItemForm(data, region=region)
        cleaned = checked(form)
        milestones = _milestones(data) or []
        item = services.item_create(actor=request.user, region=region, data=form.to_input(milestones))
        if cleaned.get("assign"):
            item = services.item_take(
                actor=request.user, item=item, action=Action.ASSIGN, as_of=clock.today()
            )
        item = selectors.item_detail_for(request.user, item.pk)
        return Response(s.ItemDetailSerializer(item).data, status=201)


class ItemDetailView(APIView):
    @extend_schema(
        operation_id="items_retrieve",
        summary="事项",
        responses={200: s.ItemDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ItemDetailSerializer(_item(request, pk)).data)

    @extend_schema(
        operation_id="items_update",
        summary="修改事项（带 version；已被他人修改时 409）",
        request=s.ItemInputSerializer,
        responses={200: s.ItemDetailSerializer, **ERRORS, **CONFLICT},
    )
    def patch(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        if not rules.can_edit_item(request.user, item):
            raise services.NotAllowed(rules.cannot_edit_reason(request.user, item))
        initial = ItemForm.initial_from(item)
        base = {
            key: (
                [unit.pk for unit in value]
                if key == "support_units"
                else value.pk
                if hasattr(value, "pk")
                else value
            )
            for key, value in initial.items()
            if value is not None
        }
        data = form_data(request, accepted=s.ItemInputSerializer, base=base)
        if "version" not in request.data:
            raise ValidationError({"version": ["修改需要带上读取时的版本号 version。"]})
        as_of = clock.today()
        form = ItemForm(data, region=item.region, as_of=as_of)
        cleaned = checked(form)
        milestones = _milestones(data)
        if milestones is None:
            milestones = [
                MilestoneInput(name=m.name, due=m.due, done_on=m.done_on, pk=m.pk)
                for m in item.milestones.all()
            ]
        try:
            services.item_update(
                actor=request.user,
                item=item,
                expected_version=cleaned.get("version") or 0,
                data=form.to_input(milestones),
                as_of=as_of,
            )
        except services.Conflict as conflict:
            current = Item.objects.filter(pk=item.pk).values_list("version", flat=True).first() or 0
            raise ApiConflict(conflict.message, current_version=current) from None
        return Response(s.ItemDetailSerializer(_item(request, pk)).data)


class ItemActionView(APIView):
    @extend_schema(
        operation_id="items_act",
        summary="事项流转：交办、签收、退回、申请办结、办结、销号、暂缓、恢复、替换、撤销",
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=s.ACTIONS)],
        request=s.TransitionInputSerializer,
        responses={200: s.ItemDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        item = _item(request, pk)
        if action not in Action.__members__.values():
            raise Http404
        d = checked(TransitionForm(form_data(request, accepted=s.TransitionInputSerializer)))
        successor = None
        code = (d.get("successor") or "").strip()
        if code:
            successor = selectors.item_list_for(request.user).filter(region=item.region, code=code).first()
            if successor is None:
                raise ValidationError({"successor": [f"找不到编号为 {code} 的事项。"]})
        services.item_take(
            actor=request.user,
            item=item,
            action=action,
            as_of=clock.today(),
            reason=d.get("reason") or "",
            successor=successor,
            confirm_past_deadline=bool(d.get("confirm_past_deadline")),
        )
        return Response(s.ItemDetailSerializer(_item(request, pk)).data)


# ---------------------------------------------------------------------------------------------
# Reports, evidence, verification


class ItemReportsView(APIView):
    @extend_schema(
        operation_id="items_reports_list",
        summary="事项的进度报告，及可以报送的期",
        responses={200: s.ReportListSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        periods = (
            selectors.report_periods_to_offer(item, as_of=clock.today(), calendar=work_calendar())
            if rules.can_report(request.user, item)
            else []
        )
        reports = selectors.item_reports(item).select_related("verification__verifier", "unit__region")
        return Response(
            {
                "periods": [{"start": p.start, "end": p.end, "due": p.due} for p in periods],
                "reports": s.ReportSerializer(reports, many=True).data,
            }
        )

    @extend_schema(
        operation_id="items_reports_create",
        summary="报送进度（可附佐证材料，multipart/form-data 的 evidence）",
        request={"application/json": s.ReportInputSerializer, "multipart/form-data": s.ReportInputSerializer},
        responses={201: s.ReportSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        if not rules.can_report(request.user, item):
            raise services.NotAllowed(services.cannot_report_reason(item))
        as_of = clock.today()
        periods = selectors.report_periods_to_offer(item, as_of=as_of, calendar=work_calendar())
        form = ReportForm(
            form_data(request, accepted=s.ReportInputSerializer),
            request.FILES or None,
            item=item,
            periods=periods,
        )
        checked(form)
        report = services.report_submit(
            actor=request.user,
            item=item,
            data=form.to_input(),
            files=form.cleaned_data.get("evidence") or [],
            as_of=as_of,
        )
        return Response(s.ReportSerializer(_reports(request).get(pk=report.pk)).data, status=201)


class ReportDetailView(APIView):
    @extend_schema(
        operation_id="reports_retrieve",
        summary="进度报告",
        responses={200: s.ReportSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ReportSerializer(scoped_object_or_404(_reports(request), pk=pk)).data)


class ReportVerifyView(APIView):
    @extend_schema(
        operation_id="reports_verify",
        summary="核实进度报告（督查办）",
        request=s.VerifyInputSerializer,
        responses={200: s.ReportSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        report = scoped_object_or_404(_reports(request), pk=pk)
        if not rules.can_verify(request.user, report):
            raise services.NotAllowed(rules.cannot_verify_reason(request.user, report))
        d = checked(VerifyForm(form_data(request, accepted=s.VerifyInputSerializer)))
        services.report_verify(
            actor=request.user,
            report=report,
            method=d["method"],
            verdict=d["verdict"],
            note=d["note"],
            as_of=clock.today(),
        )
        return Response(s.ReportSerializer(_reports(request).get(pk=pk)).data)


class ReportApproveView(APIView):
    @extend_schema(
        operation_id="reports_approve",
        summary="单位负责人审核通过，报送督查办",
        request=None,
        responses={200: s.ReportSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        report = scoped_object_or_404(_reports(request), pk=pk)
        unknown_fields_refuse(request.data, None)
        services.report_approve(actor=request.user, report=report, as_of=clock.today())
        return Response(s.ReportSerializer(_reports(request).get(pk=pk)).data)


class ReportRejectView(APIView):
    @extend_schema(
        operation_id="reports_reject",
        summary="单位负责人退回填报人",
        request=s.RejectInputSerializer,
        responses={200: s.ReportSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        report = scoped_object_or_404(_reports(request), pk=pk)
        d = checked(RejectForm(form_data(request, accepted=s.RejectInputSerializer)))
        services.report_reject(actor=request.user, report=report, reason=d["reason"])
        return Response(s.ReportSerializer(_reports(request).get(pk=pk)).data)


class EvidenceFileView(APIView):
    @extend_schema(
        operation_id="evidence_retrieve",
        summary="佐证材料文件（与页面同样检查事项的权限）",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        evidence = scoped_object_or_404(
            Evidence.objects.select_related("report").filter(
                report__item__in=selectors.item_list_for(request.user).values("pk")
            ),
            pk=pk,
        )
        return evidence_response(evidence)


# ---------------------------------------------------------------------------------------------
# Instructions, supervision, notifications


class InstructionListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="instructions_list",
        summary="领导批示",
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: s.InstructionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.instruction_list_for(request.user).order_by("-given_on", "-pk")
        paginator, page = paginate(request, self, rows)
        return paginator.get_paginated_response(s.InstructionSerializer(page, many=True).data)


class ItemInstructView(APIView):
    @extend_schema(
        operation_id="items_instruct",
        summary="领导批示（包抓领导）",
        request=s.InstructionInputSerializer,
        responses={201: s.InstructionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        d = checked(InstructionForm(form_data(request, accepted=s.InstructionInputSerializer)))
        instruction = services.instruction_give(
            actor=request.user, item=item, text=d["text"], as_of=clock.today()
        )
        return Response(s.InstructionSerializer(instruction).data, status=201)


class InstructionAcknowledgeView(APIView):
    @extend_schema(
        operation_id="instructions_acknowledge",
        summary="阅知批示（牵头单位）",
        request=None,
        responses={200: s.InstructionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        instruction = scoped_object_or_404(selectors.instruction_list_for(request.user), pk=pk)
        unknown_fields_refuse(request.data, None)
        instruction = services.instruction_acknowledge(actor=request.user, instruction=instruction)
        return Response(s.InstructionSerializer(instruction).data)


def _visible_items(request: Request, actions: Sequence[Any]) -> frozenset[int]:
    ids = {item.pk for action in actions for item in action.items.all()}
    return frozenset(selectors.item_list_for(request.user).filter(pk__in=ids).values_list("pk", flat=True))


class SupervisionListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="supervision_list",
        summary="督办记录（督办函、约谈、现场督查……）",
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: s.SupervisionActionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.supervision_list_for(request.user).order_by("-held_on", "-pk")
        paginator, page = paginate(request, self, rows)
        context = {"visible_items": _visible_items(request, page)}
        return paginator.get_paginated_response(
            s.SupervisionActionSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        operation_id="supervision_create",
        summary="记录督办（督查办）",
        request=s.SupervisionInputSerializer,
        responses={201: s.SupervisionActionSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        region = _acting_region(request)
        form = SupervisionActionForm(
            form_data(request, accepted=s.SupervisionInputSerializer),
            region=region,
            items=selectors.item_list_for(request.user),
        )
        d = checked(form)
        action = services.supervision_action_record(
            actor=request.user,
            region=region,
            kind=d["kind"],
            title=d["title"],
            held_on=d["held_on"],
            items=list(d["items"]),
            units=list(d["units"]),
            findings=d["findings"],
            demands=d["demands"],
            respond_by=d["respond_by"],
        )
        action = selectors.supervision_list_for(request.user).get(pk=action.pk)
        context = {"visible_items": _visible_items(request, [action])}
        return Response(s.SupervisionActionSerializer(action, context=context).data, status=201)


class SupervisionDetailView(APIView):
    @extend_schema(
        operation_id="supervision_retrieve",
        summary="督办记录",
        responses={200: s.SupervisionActionSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        action = scoped_object_or_404(selectors.supervision_list_for(request.user), pk=pk)
        context = {"visible_items": _visible_items(request, [action])}
        return Response(s.SupervisionActionSerializer(action, context=context).data)


class NotificationListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="notifications_list",
        summary="我的通知",
        parameters=[
            OpenApiParameter("unread", bool, description="只看未读"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: s.NotificationSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = notifications_for(request.user).order_by("-created_at", "-pk")
        if request.query_params.get("unread") in ("1", "true", "True"):
            rows = rows.filter(read_at__isnull=True)
        paginator, page = paginate(request, self, rows)
        return paginator.get_paginated_response(s.NotificationSerializer(page, many=True).data)


class NotificationReadView(APIView):
    @extend_schema(
        operation_id="notifications_mark_read",
        summary="标为已读",
        request=s.MarkReadInputSerializer,
        responses={200: s.MarkReadSerializer, 400: ERRORS[400]},
    )
    def post(self, request: Request) -> Response:
        unknown_fields_refuse(request.data, s.MarkReadInputSerializer)
        serializer = s.MarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        marked = notifications_mark_read(user=request.user, ids=ids)
        return Response({"marked": marked})


# ---------------------------------------------------------------------------------------------
# Units, people, leaders


def _list_params() -> list[OpenApiParameter]:
    return [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]


class UnitListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="units_list",
        summary="单位（可见范围内）",
        parameters=_list_params(),
        responses={200: s.UnitSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = unit_list_for(request.user).order_by("region_id", "sort_order", "pk")
        paginator, page = paginate(request, self, rows)
        return paginator.get_paginated_response(s.UnitSerializer(page, many=True).data)


class UnitDetailView(APIView):
    @extend_schema(
        operation_id="units_retrieve", summary="单位", responses={200: s.UnitSerializer, 404: ERRORS[404]}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.UnitSerializer(scoped_object_or_404(unit_list_for(request.user), pk=pk)).data)


class PersonListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="people_list",
        summary="人员（电话打码）",
        parameters=_list_params(),
        responses={200: s.PersonSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = person_list_for(request.user).order_by("unit_id", "sort_order", "pk")
        paginator, page = paginate(request, self, rows)
        return paginator.get_paginated_response(s.PersonSerializer(page, many=True).data)


class LeaderListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="leaders_list",
        summary="领导",
        parameters=_list_params(),
        responses={200: s.LeaderSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = leader_list_for(request.user).order_by("region_id", "rank", "pk")
        paginator, page = paginate(request, self, rows)
        return paginator.get_paginated_response(s.LeaderSerializer(page, many=True).data)


# ---------------------------------------------------------------------------------------------
# Bulletins


def _bulletin(request: Request, pk: int) -> Bulletin:
    try:
        return bulletin_selectors.bulletin_detail_for(request.user, pk)
    except Bulletin.DoesNotExist:
        out_of_scope(Bulletin, pk=pk)
        raise Http404 from None


class BulletinListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="bulletins_list",
        summary="督查通报（已印发的；督查办另见本县草稿）",
        parameters=_list_params(),
        responses={200: s.BulletinSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = bulletin_selectors.bulletin_list_for(request.user).order_by("-as_of", "-number", "-pk")
        paginator, page = paginate(request, self, rows)
        return paginator.get_paginated_response(s.BulletinSerializer(page, many=True).data)


class BulletinDetailView(APIView):
    @extend_schema(
        operation_id="bulletins_retrieve",
        summary="督查通报",
        responses={200: s.BulletinDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.BulletinDetailSerializer(_bulletin(request, pk)).data)


class BulletinDocxView(APIView):
    @extend_schema(
        operation_id="bulletins_docx",
        summary="通报的 Word 文件（已印发的为印发时保存的文件；草稿只有督查办可见，按当前内容生成）",
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiTypes.BINARY,
            404: ERRORS[404],
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        bulletin = _bulletin(request, pk)
        content = (
            bulletin_services.stored(bulletin.docx)
            if bulletin.is_published
            else bulletin_services.render_docx(bulletin)
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.pk}.docx"'
        return response


class BulletinHtmlView(APIView):
    @extend_schema(
        operation_id="bulletins_html",
        summary="通报的网页文件（与 Word 文件同样：已印发的不再随数据变化）",
        responses={(200, "text/html"): OpenApiTypes.STR, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        bulletin = _bulletin(request, pk)
        document = bulletin.html if bulletin.is_published else bulletin_services.render_html(bulletin)
        page = bulletin_services.standalone_html(bulletin, document)
        response = HttpResponse(page, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.pk}.html"'
        return response


# ---------------------------------------------------------------------------------------------
# Helpers shared with the ledger views


def as_of_param(request: Request) -> date:
    raw = request.query_params.get("as_of")
    if not raw:
        return clock.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"as_of": [f"日期“{raw}”格式不对，应为 2023-07-25。"]}) from None


def is_office(request: Request) -> bool:
    scope = scope_for(request.user)
    return scope.everything or any(seat.role == Role.SUPERVISOR for seat in scope.seats)
