"""The organisation: regions, their units, people, leaders, users and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Region(models.Model):
    """A government whose work is tracked: a county, or a city that holds counties."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（区）"

    name = models.CharField("名称", max_length=50)
    short_name = models.CharField("简称", max_length=10, blank=True, help_text="用于文号，如“柞”")
    code = models.CharField("行政区划代码", max_length=12, unique=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "行政区"
        verbose_name_plural = "行政区"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "上级不能是自己或自己的下级。"})
            ancestor = ancestor.parent


DEFAULT_PORTS = {"http": 80, "https": 443}


def webhook_origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an address, or None when it is not a plain http(s) address."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    try:
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    return parts.scheme, host, port or DEFAULT_PORTS[parts.scheme]


def is_webhook_gateway(origin: tuple[str, str, int]) -> bool:
    """Whether (scheme, host, port) is the on-premise robot gateway the system administrator set."""
    gateway = settings.LUOSHI_WEBHOOK_GATEWAY
    return bool(gateway) and webhook_origin(gateway) == origin


@dataclass(frozen=True)
class AddressRule:
    """Which outgoing addresses a kind of address may hold: https on the hosts of a setting, or the
    configured gateway. The group robots' addresses follow one; a region's event subscriptions
    (luoshi.webhooks) another, with their own hosts and the same checks."""

    noun: str  # what the address is called in messages: 群机器人地址
    hosts_setting: str  # the setting that lists the allowed hosts
    only_hosts: str  # what the refusal says may be written instead

    @property
    def hosts(self) -> list[str]:
        return list(getattr(settings, self.hosts_setting))


ROBOT_ADDRESSES = AddressRule("群机器人地址", "LUOSHI_WEBHOOK_HOSTS", "只能填写企业微信或钉钉群机器人的地址")


def webhook_address_problem(url: str, rule: AddressRule = ROBOT_ADDRESSES) -> str | None:
    """Why an outgoing address (a group robot's by default) is refused, in words for the page that
    saves it; None when it is allowed.

    The job worker posts to these addresses from inside the government network: only the rule's
    https hosts and the configured gateway are allowed, never an address of the machine or the
    network it runs in. The worker asks again before each post.
    """
    noun = rule.noun
    origin = webhook_origin(url)
    if origin is None or "://" not in url:
        return f"{noun}格式不正确，应以 https:// 开头，且不能含用户名或密码。"
    if is_webhook_gateway(origin):
        return None
    scheme, host, port = origin
    if scheme != "https":
        return f"{noun}必须以 https:// 开头。"
    hosts = rule.hosts
    if host not in hosts:
        return f"{rule.only_hosts}（允许的主机：{'、'.join(hosts) or '无'}）。"
    if port != DEFAULT_PORTS["https"]:
        return f"{noun}不能指定端口。"
    return None


def validate_webhook_url(value: str) -> None:
    problem = webhook_address_problem(value)
    if problem:
        raise ValidationError(problem, code="webhook_not_allowed")


class Unit(models.Model):
    """A department, a town or street office, the supervision office, or another body of a region."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门"
        TOWN = "town", "镇"
        STREET = "street", "街道办"
        SUPERVISION = "supervision", "督查办"
        OTHER = "other", "其他"

    region = models.ForeignKey(Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("全称", max_length=80)
    code = models.CharField(
        "单位代码",
        max_length=30,
        blank=True,
        help_text="如统一社会信用代码或本县自定的编号；导入组织机构时按代码（没有代码时按名称）更新",
    )
    short_name = models.CharField("简称", max_length=40, help_text="台账和通报中使用的名称，如“县发改局”")
    aliases = models.CharField(
        "其他叫法", max_length=200, blank=True, help_text="讲话和表格里可能出现的其他名称，用顿号或逗号分隔"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)
    reports_need_approval = models.BooleanField(
        "进度报告需单位负责人审核",
        default=False,
        help_text="勾选后，填报员的进度报告经单位负责人审核后才报送督查办",
    )
    wecom_webhook = models.URLField(
        "企业微信群机器人地址",
        max_length=300,
        blank=True,
        validators=[validate_webhook_url],
        help_text="催办和交办消息会推送到这个群",
    )
    dingtalk_webhook = models.URLField(
        "钉钉群机器人地址", max_length=300, blank=True, validators=[validate_webhook_url]
    )
    dingtalk_secret = models.CharField("钉钉机器人加签密钥", max_length=100, blank=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region__sort_order", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="org_unit_unique_name_per_region"),
            models.UniqueConstraint(
                fields=["region", "short_name"], name="org_unit_unique_short_name_per_region"
            ),
            models.UniqueConstraint(
                fields=["region", "code"], condition=~Q(code=""), name="org_unit_unique_code_per_region"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.parent is not None and self.parent.region_id != self.region_id:
            raise ValidationError({"parent": "上级单位必须属于同一行政区。"})
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "上级单位不能是自己或自己的下级。"})
            ancestor = ancestor.parent

    @property
    def is_town_or_street(self) -> bool:
        return self.kind in {self.Kind.TOWN, self.Kind.STREET}

    def alias_list(self) -> list[str]:
        return split_names(self.aliases)


class Person(models.Model):
    """Someone in the directory: a leader, a unit head, a responsible person."""

    name = models.CharField("姓名", max_length=30)
    aliases = models.CharField(
        "其他称呼", max_length=100, blank=True, help_text="讲话中的称呼，如只称名不称姓时的“茂荣”，用逗号分隔"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    post = models.CharField("职务", max_length=60, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在职", default=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def alias_list(self) -> list[str]:
        return split_names(self.aliases)


class Leader(models.Model):
    """A person with a leading post in a region, who oversees units (分管) and patrons items (包抓)."""

    person = models.OneToOneField(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="leader"
    )
    region = models.ForeignKey(
        Region, verbose_name="行政区", on_delete=models.PROTECT, related_name="leaders"
    )
    title = models.CharField("领导职务", max_length=40, help_text="如“县长”“常务副县长”“副县长”")
    areas = models.CharField("分管领域", max_length=300, blank=True)
    oversees = models.ManyToManyField(Unit, verbose_name="分管单位", blank=True, related_name="overseen_by")
    rank = models.PositiveIntegerField("排序", default=0, help_text="按班子排序，数字小的在前")
    is_active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "县级领导"
        verbose_name_plural = "县级领导"
        ordering = ["region__sort_order", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.title}）"

    @property
    def name(self) -> str:
        return self.person.name


class User(AbstractUser):
    """A login. Belongs to one or more units, with a role in each (see Membership)."""

    name = models.CharField("姓名", max_length=30, blank=True)
    person = models.OneToOneField(
        Person, verbose_name="对应人员", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    must_change_password = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="一次性密码（初始化、导入组织机构时生成）：登录后须先修改密码，才能使用系统",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username


class Role(models.TextChoices):
    LEADER = "leader", "领导"
    SUPERVISOR = "supervisor", "督查办"
    UNIT_HEAD = "unit_head", "单位负责人"
    REPORTER = "reporter", "单位填报员"
    ADMIN = "admin", "管理员"
    VIEWER = "viewer", "观察员"
    AUDITOR = "auditor", "审计员"


# Roles that see a whole region (and the regions under it); the others see their own unit.
REGION_WIDE_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.VIEWER})
UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.REPORTER})
# The auditor (三员分立) sees none of the work: only the audit log of his region and the regions
# under it. He holds no other role.
AUDIT_ROLES = frozenset({Role.AUDITOR})


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        ordering = ["user_id", "unit__sort_order", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="org_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.role == Role.SUPERVISOR and self.unit_id and self.unit.kind != Unit.Kind.SUPERVISION:
            raise ValidationError({"unit": "督查办角色只能属于督查办单位。"})


def split_names(value: str) -> list[str]:
    for separator in "、，,；;":
        value = value.replace(separator, " ")
    return [part for part in value.split() if part]


def mask_email(email: str) -> str:
    """w***@example.com: the first letter of the mailbox and the domain."""
    mailbox, at, domain = email.strip().rpartition("@")
    if not at:
        return mask_phone(email)
    return f"{mailbox[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile number; keep only the last four digits of anything else."""
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]
