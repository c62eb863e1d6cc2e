"""Items under supervision (督办事项), their milestones, progress reports, evidence, verifications,
supervision actions, leader instructions and events; and the jobs that import a large sheet of them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from luoshi.core import clock, registry
from luoshi.items.schedule import Cycle, period_label
from luoshi.org.models import Leader, Person, Region, Unit


class Kind(models.TextChoices):
    """The kinds of item this app keeps itself. A ledger app adds its own kind through the ledger
    registry (luoshi.core.registry); `Item.kind` takes its choices from there."""

    TASK = "task", "重点工作"
    COMMITMENT = "commitment", "承诺事项"
    RECTIFICATION = "rectification", "问题整改"


class Source(models.TextChoices):
    MEETING = "meeting", "会议交办"
    CITY_PLEDGE = "city_pledge", "军令状"
    LIVELIHOOD = "livelihood", "民生实事"
    COMMITMENT = "commitment", "承诺书"
    WORK_REPORT = "work_report", "政府工作报告"
    INSTRUCTION = "instruction", "领导批示"
    HIGHER_FEEDBACK = "higher_feedback", "上级反馈"
    INSPECTION = "inspection", "督查发现"
    SELF_CHECK = "self_check", "自查发现"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    ASSIGNED = "assigned", "已交办"
    ACCEPTED = "accepted", "已签收"
    IN_PROGRESS = "in_progress", "推进中"
    COMPLETION_REQUESTED = "completion_requested", "申请办结"
    COMPLETED = "completed", "已办结"
    CLOSED = "closed", "已销号"
    SUSPENDED = "suspended", "暂缓"
    REPLACED = "replaced", "已替换"
    RETURNED = "returned", "退回"
    WITHDRAWN = "withdrawn", "已撤销"


# Work the units are expected to be doing (reports expected, reminders sent, colours computed).
ACTIVE_STATUSES = frozenset(
    {Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETION_REQUESTED, Status.RETURNED}
)
DONE_STATUSES = frozenset({Status.COMPLETED, Status.CLOSED})


class Measure(models.TextChoices):
    PERCENT = "percent", "完成百分比"
    VALUE = "value", "数值（目标值与计量单位）"
    MILESTONES = "milestones", "按节点"
    DONE = "done", "完成与否"


class Colour(models.TextChoices):
    GREEN = "green", "绿色"
    YELLOW = "yellow", "黄色"
    RED = "red", "红色"


class Confidence(models.TextChoices):
    """The owner's own view of the item, reported with each progress report."""

    GREEN = "green", "能按期完成"
    YELLOW = "yellow", "有一定困难"
    RED = "red", "难以按期完成"


class ReportCycle(models.TextChoices):
    WEEKLY = Cycle.WEEKLY.value, "每周"
    SEMIMONTHLY = Cycle.SEMIMONTHLY.value, "每半月"
    MONTHLY = Cycle.MONTHLY.value, "每月"
    ONCE = Cycle.ONCE.value, "一次性"


class Item(models.Model):
    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="items")
    code = models.CharField("编号", max_length=30, help_text="如 DB-2023-0042；留空时自动编号")
    kind = models.CharField("类型", max_length=20, choices=registry.kind_choices, default=Kind.TASK)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.MEETING)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("事项名称", max_length=200)
    description = models.TextField("具体内容", blank=True)
    patron_leader = models.ForeignKey(
        Leader,
        verbose_name="包抓县级领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_items",
    )
    support_units = models.ManyToManyField(
        Unit, verbose_name="配合单位", blank=True, related_name="supported_items"
    )
    responsible_person = models.ForeignKey(
        Person, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    planned_start = models.DateField("计划开始", null=True, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    accepted_on = models.DateField("签收日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)

    measure = models.CharField("衡量方式", max_length=20, choices=Measure.choices, default=Measure.PERCENT)
    target_value = models.DecimalField("目标值", max_digits=16, decimal_places=4, null=True, blank=True)
    value_unit = models.CharField("计量单位", max_length=20, blank=True, help_text="如 个、家、万元、天")
    target_text = models.CharField("目标原文", max_length=100, blank=True, help_text="如“不少于200个”")

    report_cycle = models.CharField(
        "报送周期", max_length=20, choices=ReportCycle.choices, default=ReportCycle.MONTHLY
    )
    report_due_day = models.PositiveSmallIntegerField(
        "报送日",
        default=25,
        help_text="每月：几号；每周：星期几（1—7）；每半月：上半月几号（下半月顺延15天）；一次性：不用填",
    )

    status = models.CharField("状态", max_length=30, choices=Status.choices, default=Status.DRAFT)
    status_before_suspension = models.CharField(max_length=30, choices=Status.choices, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="替换为",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    origin_action = models.ForeignKey(
        "SupervisionAction",
        verbose_name="来自督办",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opened_items",
    )

    # Filled by the warning rules (app alerts) and by the supervision office.
    computed_colour = models.CharField("预警（计算）", max_length=10, choices=Colour.choices, blank=True)
    computed_reason = models.CharField("预警原因", max_length=300, blank=True)
    assessed_colour = models.CharField(
        "预警（督查办研判）", max_length=10, choices=Colour.choices, blank=True
    )
    assessed_reason = models.CharField("研判理由", max_length=300, blank=True)
    assessed_on = models.DateField("研判日期", null=True, blank=True)
    confidence = models.CharField("责任单位信心", max_length=10, choices=Confidence.choices, blank=True)
    # The latest verification that found a report untrue (不属实): a red flag until a later true one.
    untrue_on = models.DateField("核实不属实日期", null=True, blank=True)
    # Latest reported progress, kept with the item so that lists need no extra query per row.
    progress_percent = models.DecimalField("进度（%）", max_digits=6, decimal_places=2, null=True, blank=True)
    progress_value = models.DecimalField("完成值", max_digits=16, decimal_places=4, null=True, blank=True)
    last_reported_at = models.DateTimeField("最近报送", null=True, blank=True)
    # The newest current report while no one has verified it: the supervision office's queue is
    # the items holding one (an indexed look-up, not an anti-join over every report). Kept by the
    # report services with the progress above (services.reports._refresh_progress).
    report_to_verify = models.OneToOneField(
        "ProgressReport",
        verbose_name="待核实的报告",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="awaiting_item",
    )

    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="items_item_unique_code_per_region"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="withdrawn")
                | Q(lead_unit__isnull=False, deadline__isnull=False),
                name="items_item_assigned_has_lead_unit_and_deadline",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(deadline__isnull=True)
                | Q(planned_start__lte=models.F("deadline")),
                name="items_item_start_before_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="replaced") | Q(replaced_by__isnull=False),
                name="items_item_replaced_has_successor",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True) | Q(progress_percent__gte=0),
                name="items_item_progress_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["lead_unit", "status"]),
            models.Index(fields=["deadline"]),
            models.Index(
                fields=["region", "report_to_verify"],
                condition=Q(report_to_verify__isnull=False),
                name="items_item_to_verify_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def colour(self) -> str:
        """The colour lists show: the supervision office's where it assessed one, else the computed one."""
        return self.assessed_colour or self.computed_colour

    @property
    def colour_is_assessed(self) -> bool:
        return bool(self.assessed_colour)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def cycle(self) -> Cycle:
        return Cycle(self.report_cycle)


class Milestone(models.Model):
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField("节点", max_length=200)
    due = models.DateField("计划完成")
    done_on = models.DateField("实际完成", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["sort_order", "due", "id"]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "待单位负责人审核"
    SUBMITTED = "submitted", "已报送"
    REJECTED = "rejected", "单位退回修改"


class ProgressReport(models.Model):
    """A unit's report of progress for one period. Never edited: a correction is a new version."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField("报送期")
    period_end = models.DateField("报送期止")
    due_on = models.DateField("应报日期")
    done = models.TextField("本期完成情况")
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    percent = models.DecimalField(
        "完成进度（%）",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    value = models.DecimalField("累计完成值", max_digits=16, decimal_places=4, null=True, blank=True)
    confidence = models.CharField("按期完成的把握", max_length=10, choices=Confidence.choices)
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="更正的报告",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("填报时间", default=clock.now)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    is_late = models.BooleanField("逾期报送", default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.CharField("退回理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "进度反馈"
        verbose_name_plural = "进度反馈"
        ordering = ["-period_start", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="items_report_period_order"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="items_report_percent_range",
            ),
            # One report of each version per unit and period: a correction is the next version of
            # the one it supersedes, so the versions of a period form one line and its newest is
            # the current report. A report the unit head sent back leaves the line: the unit
            # reports the period again, as a first version, or corrects the one sent back.
            models.UniqueConstraint(
                fields=["item", "unit", "period_start", "version"],
                condition=~Q(status=ReportStatus.REJECTED),
                name="items_report_one_version",
                violation_error_message="这一期的进度已经报送过了。",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "period_start"]),
            # The year's reports on time (the dashboard's unit ranking): a range of moments.
            models.Index(fields=["status", "submitted_at"], name="items_report_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.item.report_cycle == Cycle.ONCE:
            return "一次性报送"
        return period_label(self.item.report_cycle, self.period_start)

    @property
    def is_current(self) -> bool:
        """Not corrected by a later version (selectors.item_reports annotates it: no query per report)."""
        corrected = getattr(self, "corrected", None)
        if corrected is not None:
            return not corrected
        return not ProgressReport.objects.filter(supersedes=self).exists()


def evidence_path(instance: models.Model, filename: str) -> str:
    # A random name under the upload folder: never the uploader's name, never a guessable one.
    today = clock.today()
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class StoredEvidence(models.Model):
    """A stored evidence file (佐证材料), whatever it proves: checked by its content, kept under a
    random name outside the static files, served only through a view that checks permission first
    (services.reports.evidence_store stores one; http.evidence_response serves it)."""

    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    thumbnail = models.FileField("缩略图", upload_to=evidence_path, max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    kind_label = models.CharField("类型说明", max_length=30)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Evidence(StoredEvidence):
    """A file proving a report."""

    report = models.ForeignKey(
        ProgressReport, verbose_name="进度反馈", on_delete=models.PROTECT, related_name="evidence"
    )

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]


class Method(models.TextChoices):
    DOCUMENTS = "documents", "资料核实"
    ON_SITE = "on_site", "现场核实"
    UNANNOUNCED = "unannounced", "明察暗访"


class Verdict(models.TextChoices):
    TRUE = "true", "属实"
    PARTLY = "partly", "部分属实"
    UNTRUE = "untrue", "不属实"


class Verification(models.Model):
    report = models.OneToOneField(
        ProgressReport, verbose_name="进度反馈", on_delete=models.PROTECT, related_name="verification"
    )
    method = models.CharField("核实方式", max_length=20, choices=Method.choices)
    verdict = models.CharField("核实结论", max_length=10, choices=Verdict.choices)
    note = models.TextField("核实情况", blank=True)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核实人", on_delete=models.PROTECT, related_name="+"
    )
    verified_on = models.DateField("核实日期")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "核实"
        verbose_name_plural = "核实"
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict="true") | ~Q(note=""), name="items_verification_note_unless_true"
            ),
        ]
        # The year's untrue reports (the dashboard's unit ranking): few rows of one verdict.
        indexes = [models.Index(fields=["verdict", "verified_on"], name="items_verif_verdict_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()}：{self.get_verdict_display()}"


class ActionKind(models.TextChoices):
    THEMED = "themed", "专项督办"
    ON_SITE = "on_site", "现场督办"
    RANDOM = "random", "随机督办"
    UNANNOUNCED = "unannounced", "明察暗访"
    REMINDER = "reminder", "催办"
    INTERVIEW = "interview", "约谈"


class SupervisionAction(models.Model):
    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="supervision_actions"
    )
    kind = models.CharField("督办方式", max_length=20, choices=ActionKind.choices)
    title = models.CharField("督办主题", max_length=200)
    held_on = models.DateField("督办日期")
    items = models.ManyToManyField(
        Item, verbose_name="涉及事项", blank=True, related_name="supervision_actions"
    )
    units = models.ManyToManyField(
        Unit, verbose_name="涉及单位", blank=True, related_name="supervision_actions"
    )
    findings = models.TextField("发现问题", blank=True)
    demands = models.TextField("整改要求", blank=True)
    respond_by = models.DateField("反馈时限", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class Instruction(models.Model):
    """A leader's written instruction (批示) on an item, shown to its unit until acknowledged."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT, related_name="instructions")
    leader = models.ForeignKey(
        Leader, verbose_name="批示领导", on_delete=models.PROTECT, related_name="instructions"
    )
    text = models.TextField("批示内容")
    given_on = models.DateField("批示日期")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="阅知人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField("阅知时间", null=True, blank=True)

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.leader.name}批示：{self.text[:20]}"


class EventKind(models.TextChoices):
    CREATED = "created", "立项"
    UPDATED = "updated", "修改"
    ASSIGNED = "assigned", "交办"
    ACCEPTED = "accepted", "签收"
    DECLINED = "declined", "退回交办"
    STARTED = "started", "开始推进"
    REPORT_SUBMITTED = "report_submitted", "报送进度"
    REPORT_PENDING = "report_pending", "进度待审核"
    REPORT_APPROVED = "report_approved", "审核通过"
    REPORT_REJECTED = "report_rejected", "单位退回报告"
    REPORT_CORRECTED = "report_corrected", "更正进度"
    REPORT_VERIFIED = "report_verified", "核实"
    MILESTONE_DONE = "milestone_done", "完成节点"
    COMPLETION_REQUESTED = "completion_requested", "申请办结"
    COMPLETION_RETURNED = "completion_returned", "退回办结申请"
    COMPLETED = "completed", "办结"
    CLOSED = "closed", "销号"
    SUSPENDED = "suspended", "暂缓"
    RESUMED = "resumed", "恢复推进"
    REPLACED = "replaced", "替换"
    WITHDRAWN = "withdrawn", "撤销"
    INSTRUCTED = "instructed", "领导批示"
    INSTRUCTION_ACKNOWLEDGED = "instruction_acknowledged", "批示已阅"
    SUPERVISED = "supervised", "督办"
    REMINDED = "reminded", "催办"
    IMPORTED = "imported", "导入"
    COLOUR_CHANGED = "colour_changed", "预警变化"
    COLOUR_ASSESSED = "colour_assessed", "督查办研判"


class ItemEvent(models.Model):
    """Who did what to an item, when and why. Written by the services; the item's timeline reads it."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=clock.now)
    from_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "事项记录"
        verbose_name_plural = "事项记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["item", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    CHECKING = "checking", "正在检查"
    WRITING = "writing", "正在写入"
    DONE = "done", "已完成"
    FAILED = "failed", "未导入"


FINISHED_IMPORT_STATUSES = frozenset({ImportJobStatus.DONE, ImportJobStatus.FAILED})


def import_path(instance: ImportJob, filename: str) -> str:
    # Kept only until the job has read it; a random name, never the uploader's.
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """A sheet too large to import while the browser waits: checked and written by the job worker.

    The upload is kept in the storage (local disk or object storage) only until the job has run.
    The page of the job shows its progress, then what was imported or why nothing was.
    """

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("上传的表格", upload_to=import_path, max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    year = models.PositiveSmallIntegerField("表格年度")
    assign = models.BooleanField("导入后直接交办", default=False)
    dry_run = models.BooleanField("只检查，不导入", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField("表格行数", null=True, blank=True)  # when the sheet says it
    rows_checked = models.PositiveIntegerField("已检查行数", default=0)
    summary = models.CharField("结果", max_length=300, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)  # at most LUOSHI_IMPORT_MAX_ERRORS
    errors_not_listed = models.PositiveIntegerField("未列出的错误", default=0)
    created_at = models.DateTimeField("提交时间", default=clock.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_IMPORT_STATUSES

    @property
    def percent(self) -> int | None:
        """How far the check has come, when the sheet said how many rows it has."""
        if self.status == ImportJobStatus.WRITING or self.finished:
            return 100
        if not self.rows_total:
            return None
        return min(100, self.rows_checked * 100 // self.rows_total)
