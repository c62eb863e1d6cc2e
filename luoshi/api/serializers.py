"""The API's explicit output serializers (what a client reads) and the input serializers that
document what it sends. Input is checked by the same forms as the pages (luoshi/api/views.py), so a
client meets the same rules, in the same words."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luoshi.api.models import ApiToken
from luoshi.bulletins.models import Bulletin
from luoshi.core import registry
from luoshi.items.models import (
    ActionKind,
    Colour,
    Confidence,
    Evidence,
    Instruction,
    Item,
    Measure,
    Method,
    Milestone,
    ProgressReport,
    ReportCycle,
    Source,
    Status,
    SupervisionAction,
    Verdict,
    Verification,
)
from luoshi.items.workflow import Action
from luoshi.notifications.models import Notification
from luoshi.org.models import Leader, Person, Region, Unit, mask_phone


class IdField(serializers.IntegerField):
    """An id (or a version) sent to the API: a whole number a database column can hold, so a value
    beyond it is a 400 of the field, never a query that overflows."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RegionRef(RefSerializer):
    def to_representation(self, instance: Region) -> dict[str, Any]:
        return {"id": instance.pk, "name": instance.name}


class UnitRef(RefSerializer):
    region = serializers.IntegerField()

    def to_representation(self, instance: Unit) -> dict[str, Any]:
        return {"id": instance.pk, "name": instance.short_name or instance.name, "region": instance.region_id}


class LeaderRef(RefSerializer):
    title = serializers.CharField()

    def to_representation(self, instance: Leader) -> dict[str, Any]:
        return {"id": instance.pk, "name": instance.person.name, "title": instance.title}


class UserRef(RefSerializer):
    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {"id": instance.pk, "name": str(instance)}


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due", "done_on"]


class ItemSerializer(serializers.ModelSerializer):
    """An item as the item list shows it."""

    kind = serializers.CharField(help_text="台账类型，见 /api/v1/ledgers/")
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    region = RegionRef()
    lead_unit = UnitRef(allow_null=True)
    support_units = UnitRef(many=True)
    patron_leader = LeaderRef(allow_null=True)
    colour = serializers.ChoiceField(choices=[*Colour.choices, ("", "未评定")])
    colour_reason = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "kind_label",
            "source",
            "year",
            "status",
            "status_label",
            "region",
            "lead_unit",
            "support_units",
            "patron_leader",
            "planned_start",
            "deadline",
            "assigned_on",
            "accepted_on",
            "completed_on",
            "measure",
            "target_value",
            "value_unit",
            "progress_percent",
            "progress_value",
            "colour",
            "colour_reason",
            "last_reported_at",
            "version",
        ]

    def get_kind_label(self, item: Item) -> str:
        return registry.kind_label(item.kind)

    def get_colour_reason(self, item: Item) -> str:
        return item.assessed_reason if item.assessed_colour else item.computed_reason


class ItemDetailSerializer(ItemSerializer):
    milestones = MilestoneSerializer(many=True)
    responsible_person = serializers.SerializerMethodField()

    class Meta(ItemSerializer.Meta):
        fields = [
            *ItemSerializer.Meta.fields,
            "description",
            "target_text",
            "report_cycle",
            "report_due_day",
            "responsible_person",
            "parent",
            "replaced_by",
            "milestones",
        ]

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_responsible_person(self, item: Item) -> dict[str, Any] | None:
        person = item.responsible_person
        return {"id": person.pk, "name": person.name} if person else None


class MilestoneInputSerializer(serializers.Serializer):
    id = IdField(required=False, allow_null=True, help_text="已有节点的 id；新节点不填")
    name = serializers.CharField(max_length=200)
    due = serializers.DateField()
    done_on = serializers.DateField(required=False, allow_null=True)


class ItemInputSerializer(serializers.Serializer):
    """立项 (POST) and 修改 (PATCH, with `version`): the fields of the item form."""

    code = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text="留空时自动编号")
    title = serializers.CharField(max_length=200)
    kind = serializers.CharField(required=False, help_text="事项类型（台账），见 /api/v1/ledgers/")
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    description = serializers.CharField(required=False, allow_blank=True)
    patron_leader = IdField(required=False, allow_null=True)
    lead_unit = IdField(required=False, allow_null=True)
    support_units = serializers.ListField(child=IdField(), required=False)
    responsible_person = IdField(required=False, allow_null=True)
    planned_start = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    measure = serializers.ChoiceField(choices=Measure.choices, required=False)
    target_value = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, allow_null=True)
    value_unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    target_text = serializers.CharField(max_length=100, required=False, allow_blank=True)
    report_cycle = serializers.ChoiceField(choices=ReportCycle.choices, required=False)
    report_due_day = serializers.IntegerField(min_value=0, max_value=31, required=False)
    milestones = MilestoneInputSerializer(many=True, required=False)
    assign = serializers.BooleanField(required=False, help_text="立项后立即交办")
    version = IdField(min_value=0, required=False, help_text="修改时必填：读取时的版本号")


class TransitionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    successor = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="替换：接替事项的编号"
    )
    confirm_past_deadline = serializers.BooleanField(required=False)


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "kind_label", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, evidence: Evidence) -> str:
        return f"/api/v1/evidence/{evidence.pk}/"


class VerificationSerializer(serializers.ModelSerializer):
    verifier = UserRef()

    class Meta:
        model = Verification
        fields = ["id", "method", "verdict", "note", "verifier", "verified_on"]


class ReportSerializer(serializers.ModelSerializer):
    unit = UnitRef()
    author = UserRef()
    evidence = EvidenceSerializer(many=True)
    verification = serializers.SerializerMethodField()
    period_label = serializers.CharField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "item",
            "unit",
            "period_start",
            "period_end",
            "period_label",
            "due_on",
            "done",
            "problems",
            "next_steps",
            "percent",
            "value",
            "confidence",
            "status",
            "version",
            "supersedes",
            "author",
            "submitted_at",
            "is_late",
            "rejection_reason",
            "evidence",
            "verification",
        ]

    @extend_schema_field(VerificationSerializer(allow_null=True))
    def get_verification(self, report: ProgressReport) -> dict[str, Any] | None:
        verification = getattr(report, "verification", None)
        return VerificationSerializer(verification).data if verification else None


class ReportInputSerializer(serializers.Serializer):
    """A progress report: JSON, or multipart/form-data with `evidence` files (one or more)."""

    period_start = serializers.DateField(help_text="报送期的第一天（GET 本接口的 periods 列出可报的期）")
    done = serializers.CharField()
    problems = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, allow_null=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    milestones_done = serializers.ListField(child=IdField(), required=False)
    evidence = serializers.ListField(child=serializers.FileField(), required=False)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    due = serializers.DateField()


class ReportListSerializer(serializers.Serializer):
    periods = PeriodSerializer(many=True, help_text="可以报送的期（有权报送时）")
    reports = ReportSerializer(many=True)


class VerifyInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Method.choices)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, help_text="部分属实或不属实时必填")


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class InstructionSerializer(serializers.ModelSerializer):
    leader = LeaderRef(allow_null=True)
    acknowledged_by = UserRef(allow_null=True)

    class Meta:
        model = Instruction
        fields = ["id", "item", "leader", "text", "given_on", "acknowledged_by", "acknowledged_at"]


class InstructionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class SupervisionActionSerializer(serializers.ModelSerializer):
    region = RegionRef()
    units = UnitRef(many=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionAction
        fields = [
            "id",
            "region",
            "kind",
            "title",
            "held_on",
            "units",
            "items",
            "findings",
            "demands",
            "respond_by",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_items(self, action: SupervisionAction) -> list[int]:
        """Only the items the reader may see (an action may name other units' items)."""
        visible = self.context.get("visible_items", frozenset())
        return [item.pk for item in action.items.all() if item.pk in visible]


class SupervisionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    items = serializers.ListField(child=IdField(), required=False)
    units = serializers.ListField(child=IdField(), required=False)
    findings = serializers.CharField(required=False, allow_blank=True)
    demands = serializers.CharField(required=False, allow_blank=True)
    respond_by = serializers.DateField(required=False, allow_null=True)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "item", "title", "body", "created_at", "read_at"]


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), required=False, help_text="不填：全部标为已读")


class MarkReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class UnitSerializer(serializers.ModelSerializer):
    region = RegionRef()

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "region", "parent", "is_active"]


class PersonSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "unit", "post", "phone", "is_active"]

    def get_phone(self, person: Person) -> str:
        """Masked, as in the lists of the pages (139****5678)."""
        return mask_phone(person.phone)


class LeaderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")
    region = RegionRef()

    class Meta:
        model = Leader
        fields = ["id", "name", "title", "areas", "region", "rank", "is_active"]


class BulletinSerializer(serializers.ModelSerializer):
    region = RegionRef()
    number_label = serializers.CharField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "region",
            "title",
            "status",
            "period_kind",
            "period_start",
            "period_end",
            "as_of",
            "topic",
            "year",
            "number_label",
            "published_on",
            "version",
            "files",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_files(self, bulletin: Bulletin) -> dict[str, str]:
        return {
            "docx": f"/api/v1/bulletins/{bulletin.pk}/bulletin.docx",
            "html": f"/api/v1/bulletins/{bulletin.pk}/bulletin.html",
        }


class BulletinDetailSerializer(BulletinSerializer):
    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "sections", "recipients", "copies_to", "issuer"]


class LedgerSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    app_label = serializers.CharField()
    summary = serializers.CharField()
    detail_model = serializers.CharField()
    url = serializers.CharField()


class LedgerItemSerializer(ItemSerializer):
    detail = serializers.SerializerMethodField()

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "detail"]

    @extend_schema_field(serializers.DictField(allow_null=True, help_text="台账的明细字段（随台账而定）"))
    def get_detail(self, item: Item) -> dict[str, Any] | None:
        details = self.context.get("details", {})
        return details.get(item.pk)


class StatsSerializer(serializers.Serializer):
    region = serializers.CharField()
    as_of = serializers.DateField()
    sections = serializers.DictField(help_text="每个台账（及驾驶舱）的统计，与 luoshi stats 相同")


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_on", "last_used_on", "revoked_at"]


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    current_version = serializers.IntegerField(required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetail()


ACTIONS = [action.value for action in Action]
STATUSES = Status.values
