"""The help pages, their sections, and which section each page of the app links to.

Every named URL of the project is given a topic here, by its name (``items:report``) or, for a
ledger or a page family, by its namespace (``projects``); ``tests/test_sections.py`` walks the
URL configuration and fails on a page without one, so a new page cannot forget its help. A topic
lives in one or more places (a guide and its anchor); the header's 帮助 link opens the place in
the guide of the user's own role when that guide has it, else the first place listed.

Pure: no database. The context processor of the shell (luoshi.web) asks ``help_url``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

INDEX = "index"


@dataclass(frozen=True)
class Guide:
    slug: str  # the role's code (org.models.Role), or INDEX
    label: str
    icon: str
    summary: str


GUIDES: tuple[Guide, ...] = (
    Guide("supervisor", "督查办", "clipboard-check", "立项交办、核实进度、盯住红黄灯、起草通报、办结销号。"),
    Guide("unit_head", "单位负责人", "person-badge", "签收交办的事项、审核本单位报告、落实批示、申请办结。"),
    Guide("reporter", "填报员", "pencil-square", "按期报送进度和佐证材料，报错了就更正。"),
    Guide("leader", "领导", "speedometer2", "看驾驶舱、盯包抓的事项、作批示、定会上的处置。"),
    Guide("viewer", "观察员", "eye", "查看全县督办情况和通报，不改动任何数据。"),
    Guide("admin", "系统管理员", "gear", "维护单位、人员、账号、节假日和预警规则。"),
    Guide("auditor", "审计员", "shield-check", "查阅和导出审计日志，不接触业务数据。"),
)
GUIDE_BY_SLUG = {guide.slug: guide for guide in GUIDES}

# The anchors each page has (tests check every one is an id on the rendered page).
ANCHORS: dict[str, tuple[str, ...]] = {
    INDEX: (
        "roles",
        "start",
        "flow",
        "items",
        "item",
        "directory",
        "notifications",
        "password",
        "ledgers",
        "api",
        "faq",
        "faq-red",
        "faq-correct",
        "faq-evidence",
        "faq-holiday",
    ),
    "supervisor": (
        "month",
        "assign",
        "import",
        "verify",
        "complete",
        "colours",
        "supervision",
        "extraction",
        "bulletins",
        "meetings",
        "ledgers",
        "assessment",
        "yearend",
    ),
    "unit_head": ("month", "sign", "approve", "correct", "instructions", "complete", "ledgers", "appeal"),
    "reporter": ("month", "report", "correct", "returned", "ledgers"),
    "leader": ("month", "dashboard", "patronage", "instruct", "meetings", "assessment"),
    "viewer": ("month", "dashboard", "bulletins", "survey"),
    "admin": ("month", "accounts", "units", "calendar", "rules", "setup", "webhooks"),
    "auditor": ("month", "audit", "export"),
}

Place = tuple[str, str]  # (guide slug, anchor)

# Each topic's places, the general one first.
TOPICS: dict[str, tuple[Place, ...]] = {
    "start": ((INDEX, "start"),),
    "month": tuple((guide.slug, "month") for guide in GUIDES),
    "password": ((INDEX, "password"),),
    "directory": ((INDEX, "directory"), ("admin", "units")),
    "notifications": ((INDEX, "notifications"),),
    "items": ((INDEX, "items"),),
    "item": ((INDEX, "item"), ("unit_head", "sign"), ("supervisor", "complete")),
    "assign": (("supervisor", "assign"),),
    "import": (("supervisor", "import"),),
    "report": (("reporter", "report"), ("unit_head", "approve")),
    "correct": ((INDEX, "faq-correct"), ("reporter", "correct"), ("unit_head", "correct")),
    "approve": (("unit_head", "approve"),),
    "verify": (("supervisor", "verify"),),
    "evidence": ((INDEX, "faq-evidence"),),
    "instruct": (("leader", "instruct"), ("unit_head", "instructions")),
    "instructions": (("unit_head", "instructions"), ("leader", "instruct")),
    "supervision": (("supervisor", "supervision"),),
    "colours": ((INDEX, "faq-red"), ("supervisor", "colours")),
    "consequences": (("supervisor", "colours"),),
    "dashboard": (("leader", "dashboard"), ("viewer", "dashboard"), ("supervisor", "colours")),
    "extraction": (("supervisor", "extraction"),),
    "ledgers": (
        (INDEX, "ledgers"),
        ("supervisor", "ledgers"),
        ("unit_head", "ledgers"),
        ("reporter", "ledgers"),
    ),
    "survey": (("viewer", "survey"), (INDEX, "ledgers")),
    "bulletins": (("supervisor", "bulletins"), ("viewer", "bulletins")),
    "meetings": (("supervisor", "meetings"), ("leader", "meetings")),
    "assessment": (("supervisor", "assessment"), ("leader", "assessment"), ("unit_head", "appeal")),
    "appeal": (("unit_head", "appeal"), ("supervisor", "assessment")),
    "audit": (("auditor", "audit"),),
    "audit_export": (("auditor", "export"),),
    "help": ((INDEX, "roles"),),
    "api": ((INDEX, "api"),),
    "setup": (("admin", "setup"),),
    "webhooks": (("admin", "webhooks"),),
    "yearend": (("supervisor", "yearend"),),
}

# Pages by their full URL name; they take precedence over their namespace's topic.
BY_URL_NAME: dict[str, str] = {
    "home": "month",
    "work": "month",
    "login": "start",
    "logout": "password",
    "password_change": "password",
    "password_change_done": "password",
    "pending": "ledgers",
    "healthz": "start",
    "audit_log": "audit",
    "audit_export": "audit_export",
    "items:list": "items",
    "items:create": "assign",
    "items:edit": "assign",
    "items:import": "import",
    "items:import_job": "import",
    "items:template": "import",
    "items:export": "items",
    "items:detail": "item",
    "items:act": "item",
    "items:report": "report",
    "items:report_correct": "correct",
    "items:report_approve": "approve",
    "items:report_reject": "approve",
    "items:verify": "verify",
    "items:instruct": "instruct",
    "items:instruction_ack": "instructions",
    "items:evidence": "evidence",
    "items:evidence_thumb": "evidence",
    "items:supervision_list": "supervision",
    "items:supervision_create": "supervision",
    "items:supervision_detail": "supervision",
    "alerts:consequences": "consequences",
    "alerts:decide": "consequences",
    "commitments:survey": "survey",
    "bulletins:meetings": "meetings",
    "bulletins:meeting_create": "meetings",
    "bulletins:meeting": "meetings",
    "bulletins:meeting_decisions": "meetings",
    "bulletins:meeting_refresh": "meetings",
    "bulletins:meeting_finalise": "meetings",
    "bulletins:meeting_assign_all": "meetings",
    "bulletins:meeting_docx": "meetings",
    "bulletins:decision_assign": "meetings",
    "assessment:unit": "appeal",
    "assessment:appeal_new": "appeal",
    "assessment:appeals": "appeal",
    "assessment:appeal_decide": "appeal",
    "setup": "setup",
    "org:import": "setup",
    "org:template": "setup",
    "org:export": "setup",
}

# Whole families of pages: a ledger's pages all open the ledgers' part of the guide.
BY_NAMESPACE: dict[str, str] = {
    "dashboard": "dashboard",
    "org": "directory",
    "items": "item",
    "notifications": "notifications",
    "alerts": "colours",
    "extraction": "extraction",
    "indicators": "ledgers",
    "projects": "ledgers",
    "investment": "ledgers",
    "enterprises": "ledgers",
    "creations": "ledgers",
    "commitments": "ledgers",
    "rectification": "ledgers",
    "bulletins": "bulletins",
    "assessment": "assessment",
    "help": "help",
    "webhooks": "webhooks",
    "yearend": "yearend",
    # Django's admin (系统管理): the system administrator's guide.
    "admin": "month",
}
# A page none of the above names (only reached when a test has not caught it): the help index.
DEFAULT_TOPIC = "help"


def topic_for(url_name: str | None, namespace: str | None) -> str | None:
    """The topic of a page, from its URL name; None when neither name nor namespace has one."""
    full = f"{namespace}:{url_name}" if namespace else (url_name or "")
    if full in BY_URL_NAME:
        return BY_URL_NAME[full]
    if namespace:
        return BY_NAMESPACE.get(namespace.split(":")[0])
    if full.startswith("api_"):
        return "api"  # the REST API's routes (api_items, api_tokens…), named without a namespace
    return None


def guides_for(roles: Iterable[str], *, is_superuser: bool = False) -> list[Guide]:
    """The guides of a user's roles, in the order given; a superuser's is the administrator's."""
    slugs = [role for role in roles if role in GUIDE_BY_SLUG]
    if is_superuser and "admin" not in slugs:
        slugs.append("admin")
    return [GUIDE_BY_SLUG[slug] for slug in dict.fromkeys(slugs)]


def place_for(topic: str, roles: Iterable[str], *, is_superuser: bool = False) -> Place:
    """Where a topic is explained for this user: in his own role's guide when it is there."""
    places = TOPICS[topic]
    for guide in guides_for(roles, is_superuser=is_superuser):
        for place in places:
            if place[0] == guide.slug:
                return place
    return places[0]


def url_of(place: Place) -> str:
    slug, anchor = place
    base = reverse("help:index") if slug == INDEX else reverse("help:guide", args=[slug])
    return f"{base}#{anchor}"


def help_url(
    url_name: str | None, namespace: str | None, roles: Iterable[str], *, is_superuser: bool = False
) -> str:
    """The address of the help for the page `url_name` (of `namespace`), as this user needs it."""
    topic = topic_for(url_name, namespace) or DEFAULT_TOPIC
    return url_of(place_for(topic, list(roles), is_superuser=is_superuser))
