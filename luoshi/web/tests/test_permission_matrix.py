"""The permission matrix: every URL of the project, asked by every role from another unit and from
another county than the object it is about.

Every URL pattern is classified in PATTERNS below. A pattern that is not (a new page, a new action)
fails `test_every_url_pattern_is_classified` with a message saying to classify it, so that no URL
reaches users without being walked here:

- OBJECT pages (an object in the URL) answer 403 or 404 to whoever may not see the object, and a
  POST to them (the insider's own valid form) changes nothing;
- ACTION URLs (POST only) are refused to whoever may not see the object, and a POST by a role that
  may see but not act (a leader, a viewer, the admin, a unit where the office decides) changes
  nothing;
- LIST pages (lists, dashboards, exports) show nothing of another county or of another unit's work;
- OFFICE pages (立项, 导入, 督办, 讲话分解, 预警处置) are refused to everyone but a supervision office,
  and a county's office sees only its own county on them;
- AUDIT pages (审计日志 and its export) are refused to everyone but an auditor (the system
  administrator and the office included), and a county's auditor sees nothing of another county;
- ORGANISATION pages (导入组织机构, its template and the export) are refused to everyone but a
  county's system administrator and its office, and each sees only its own county on them;
- SUPERUSER pages (初始化) are refused to every role of a county;
- PUBLIC pages answer without login; every other URL sends an anonymous visitor to the login page.

Each side of the matrix is checked with a positive control: the insider opens every object page and
a POST by the right role does change the data, so a refusal is never an artefact of a wrong URL.

The objects live in both counties of the demo (柞水县 with its whole demo history, and 镇安县), each
with a full cast of roles built here: 督查办, 领导, the lead unit's head and reporter, 观察员, 管理员,
审计员, and the head and reporter of another unit of the same county. The auditor walks every page
like the others: he changes nothing anywhere (三员分立), and sees nothing of the work.

A refusal is itself a row of the audit log: the fingerprint of "changed nothing" leaves that table out.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from pypdf import PdfReader

from luoshi import urls as project_urls
from luoshi.alerts.models import Proposal
from luoshi.api import services as api_services
from luoshi.api.models import ApiToken
from luoshi.assessment import services as assessment_services
from luoshi.assessment.models import Appeal, Criterion, GroupKind, Record, RecordEvidence, Scheme, ScoreLine
from luoshi.assessment.models import Group as AssessmentGroup
from luoshi.assessment.scoring import Period
from luoshi.bulletins import services as bulletin_services
from luoshi.bulletins.models import Bulletin, Decision, Meeting, MeetingKind
from luoshi.bulletins.periods import parse as parse_period
from luoshi.commitments import services as commitment_services
from luoshi.commitments.models import CityPledge, CommitmentLetter, Livelihood
from luoshi.conftest import client_for, demo_user
from luoshi.core import registry
from luoshi.creations import services as creation_services
from luoshi.creations.models import Creation, Material, OnSiteMeeting, ReadinessCheck, Site, StageTemplate
from luoshi.creations.selectors import meeting_list_for
from luoshi.creations.stages import Stage
from luoshi.enterprises.models import Enterprise
from luoshi.extraction.models import ProposedTask, SourceDocument
from luoshi.help import sections as help_sections
from luoshi.indicators import services as indicator_services
from luoshi.indicators.compute import Type as IndicatorType
from luoshi.indicators.models import Indicator, ValueEvidence
from luoshi.investment import services as investment_services
from luoshi.investment.models import IndustryChain, Lead
from luoshi.items import services
from luoshi.items.models import (
    ActionKind,
    Evidence,
    ImportJob,
    ImportJobStatus,
    Instruction,
    Item,
    ProgressReport,
    SupervisionAction,
)
from luoshi.items.selectors import item_list_for
from luoshi.items.services import ItemInput, ReportInput
from luoshi.items.tests.test_reports import photo
from luoshi.items.workflow import Action
from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User
from luoshi.projects import services as project_services
from luoshi.projects.models import Blocker, Project, SitePhoto
from luoshi.projects.selectors import project_list_for
from luoshi.projects.services import ProjectInput
from luoshi.rectification import services as rectification_services
from luoshi.rectification.models import Problem
from luoshi.web import navigation
from luoshi.webhooks.models import Subscription

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)
HOOKS = "https://hooks.example.gov.cn"  # a receiving system's host, allowed in `world`
REFUSED = {403, 404}


class Kind(StrEnum):
    PUBLIC = "public"  # answers without login
    HOME = "home"  # sends the user on to the page of their role
    SELF = "self"  # the user's own session, password or notifications
    LIST = "list"  # a list, dashboard or export of what the user may see
    OFFICE = "office"  # a supervision office's page with no object in the URL
    OBJECT = "object"  # the page of one object
    ACTION = "action"  # POST only, on one object
    AUDIT = "audit"  # the audit log: an auditor's only
    ORGANISATION = "organisation"  # a county's organisation in Excel: its administrator's and office's
    SUPERUSER = "superuser"  # a superuser's page (初始化): refused to every role of a county


# Who is who in each county's cast.
SUPERVISOR, LEADER, HEAD, REPORTER, VIEWER, ADMIN, AUDITOR = (
    "supervisor",
    "leader",
    "head",
    "reporter",
    "viewer",
    "admin",
    "auditor",
)
OTHER_HEAD, OTHER_REPORTER = "other_head", "other_reporter"  # another unit of the same county
IN_THE_UNIT = frozenset({HEAD, REPORTER})
LABELS = {
    SUPERVISOR: "supervisor",
    LEADER: "leader",
    HEAD: "unit head",
    REPORTER: "reporter",
    VIEWER: "viewer",
    ADMIN: "admin",
    AUDITOR: "auditor",
    OTHER_HEAD: "head of another unit",
    OTHER_REPORTER: "reporter of another unit",
}


@dataclass(frozen=True)
class Entry:
    kind: Kind
    target: str = ""  # the attribute of Targets whose pk fills <int:pk>
    insider: str = ""  # who may open it (GET 200) or do it (a POST that changes data)
    may_act: frozenset[str] = frozenset()  # roles that may change data through it (besides the insider)
    data: dict[str, Any] = field(default_factory=dict)  # what an ACTION posts
    form: dict[str, Any] | None = None  # a page with a form: POST the insider's form with these changes
    # values for the other <…> parts: each is tried (a function gives them when the test runs)
    slugs: dict[str, tuple[str, ...] | Callable[[], tuple[str, ...]]] = field(default_factory=dict)
    positive: dict[str, str] = field(default_factory=dict)  # the values the insider's POST uses
    queries: tuple[str, ...] = ("",)  # LIST: query strings tried, formatted with the target's pks
    walked: bool = True  # GET by every outsider in the leak walk
    note: str = ""


ACTIONS = tuple(action.value for action in Action)
# Pages with no object that every role but their own refuses with a 403.
REFUSING = (Kind.OFFICE, Kind.ORGANISATION, Kind.SUPERUSER)


def planned_ledger() -> tuple[str, ...]:
    """A ledger page that is not built yet (its URL shows a 待建 page)."""
    return tuple(page.key for page in navigation.pages() if not page.built)[:1]


# Every URL pattern of the project, by its route. Add a new URL here, with the object it is about.
PATTERNS: dict[str, Entry] = {
    "": Entry(Kind.HOME),
    "work/": Entry(Kind.LIST),
    "dashboard/": Entry(Kind.LIST),
    "login/": Entry(Kind.PUBLIC),
    "logout/": Entry(Kind.SELF, walked=False, note="POST only: ends the user's own session"),
    "password/": Entry(Kind.SELF, walked=False, note="the user's own password: a form, no data"),
    "password/done/": Entry(Kind.SELF, walked=False, note="a message, no data"),
    "org/": Entry(Kind.LIST),
    "org/units/<int:pk>/": Entry(Kind.OBJECT, target="unit", insider=SUPERVISOR),
    "org/people/": Entry(Kind.LIST),
    "org/people/<int:pk>/phone/": Entry(Kind.OBJECT, target="person", insider=SUPERVISOR),
    "org/import/": Entry(
        Kind.ORGANISATION, insider=ADMIN, note="an upload: refusal checked, no positive POST"
    ),
    "org/template.xlsx": Entry(Kind.ORGANISATION, insider=ADMIN),
    "org/export.xlsx": Entry(Kind.ORGANISATION, insider=SUPERVISOR),
    "setup/": Entry(Kind.SUPERUSER, note="初始化: a superuser's (test_first_day)"),
    "items/": Entry(Kind.LIST, queries=("", "?unit={unit}", "?region={region}&leader={leader}")),
    "items/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权立项的事项"}),
    "items/import/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, note="an upload: refusal checked, no positive POST"
    ),
    "items/imports/<int:pk>/": Entry(
        Kind.OBJECT, target="import_job", insider=SUPERVISOR, note="a large import's progress and result"
    ),
    "items/template.xlsx": Entry(Kind.OFFICE, insider=SUPERVISOR),
    "items/export.xlsx": Entry(Kind.LIST, queries=("?unit={unit}",)),
    "items/<int:pk>/": Entry(Kind.OBJECT, target="item", insider=SUPERVISOR),
    "items/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="item", insider=SUPERVISOR, form={"title": "越权修改的标题"}
    ),
    "items/<int:pk>/act/<slug:action>/": Entry(
        Kind.ACTION,
        target="item",
        insider=SUPERVISOR,
        may_act=frozenset({HEAD, REPORTER}),  # the lead unit signs for it and asks to complete
        data={"reason": "越权操作的理由", "confirm_past_deadline": "on"},
        slugs={"action": ACTIONS},
        positive={"action": Action.SUSPEND.value},
    ),
    "items/<int:pk>/report/": Entry(
        Kind.OBJECT, target="item", insider=HEAD, may_act=IN_THE_UNIT, form={"done": "越权报送的进度"}
    ),
    "items/<int:pk>/instruct/": Entry(Kind.ACTION, target="item", insider=LEADER, data={"text": "越权批示"}),
    "reports/<int:pk>/correct/": Entry(
        Kind.OBJECT, target="report", insider=HEAD, may_act=IN_THE_UNIT, form={"done": "越权更正的进度"}
    ),
    "reports/<int:pk>/verify/": Entry(Kind.OBJECT, target="report", insider=SUPERVISOR, form={}),
    "reports/<int:pk>/approve/": Entry(Kind.ACTION, target="pending_report", insider=HEAD),
    "reports/<int:pk>/reject/": Entry(
        Kind.ACTION, target="pending_report", insider=HEAD, data={"reason": "越权退回"}
    ),
    "evidence/<int:pk>/": Entry(Kind.OBJECT, target="evidence", insider=SUPERVISOR),
    "evidence/<int:pk>/thumb/": Entry(Kind.OBJECT, target="evidence", insider=SUPERVISOR),
    "instructions/<int:pk>/acknowledge/": Entry(
        Kind.ACTION, target="instruction", insider=HEAD, may_act=IN_THE_UNIT
    ),
    "supervision/": Entry(Kind.LIST),
    "supervision/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权记录的督办"}),
    "supervision/<int:pk>/": Entry(
        Kind.OBJECT, target="action", insider=SUPERVISOR, form={"title": "越权建立的整改事项"}
    ),
    "notifications/": Entry(Kind.SELF, note="the user's own notifications"),
    "notifications/unread/": Entry(Kind.SELF),
    "alerts/items/<int:pk>/colours/": Entry(Kind.OBJECT, target="item", insider=SUPERVISOR),
    "alerts/items/<int:pk>/assess/": Entry(
        Kind.ACTION, target="item", insider=SUPERVISOR, data={"colour": "red", "reason": "越权研判"}
    ),
    "alerts/proposals/<int:pk>/decide/": Entry(
        Kind.ACTION, target="proposal", insider=SUPERVISOR, data={"decision": "confirm"}
    ),
    "alerts/consequences/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"red-interview": "on"}),
    "extraction/": Entry(Kind.LIST),
    "extraction/new/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, form={"text": "县发改局要在8月底前完成越权上传的任务。"}
    ),
    "extraction/<int:pk>/": Entry(Kind.OBJECT, target="document", insider=SUPERVISOR),
    "extraction/<int:pk>/text/": Entry(Kind.OBJECT, target="document", insider=SUPERVISOR),
    "extraction/<int:pk>/decide/": Entry(
        Kind.ACTION, target="document", insider=SUPERVISOR, data={"action": "reject"}
    ),
    "extraction/tasks/<int:pk>/": Entry(
        Kind.ACTION, target="task", insider=SUPERVISOR, data={"action": "reject"}
    ),
    "audit/": Entry(Kind.AUDIT, insider=AUDITOR, queries=("", "?action=login", "?text={region}")),
    "audit/export.xlsx": Entry(Kind.AUDIT, insider=AUDITOR, queries=("", "?action=refused")),
    "pending/<slug:key>/": Entry(Kind.LIST, slugs={"key": planned_ledger}),
    # The REST API: the same objects through the same selectors (answers JSON; 401 without login).
    "account/api-tokens/": Entry(Kind.SELF, note="the user's own API tokens"),
    "account/api-tokens/<int:pk>/revoke/": Entry(Kind.ACTION, target="api_token", insider=HEAD),
    "api/v1/schema/": Entry(Kind.SELF, walked=False, note="the API's description: no data"),
    "api/v1/docs/": Entry(Kind.SELF, walked=False, note="the API's description: no data"),
    "api/v1/items/": Entry(Kind.LIST, note="another county's unit or leader in a filter: 400, see api/tests"),
    "api/v1/items/<int:pk>/": Entry(Kind.OBJECT, target="item", insider=SUPERVISOR),
    "api/v1/items/<int:pk>/actions/<slug:action>/": Entry(
        Kind.ACTION,
        target="item",
        insider=SUPERVISOR,
        may_act=frozenset({HEAD, REPORTER}),
        data={"reason": "越权操作的理由", "confirm_past_deadline": "on"},
        slugs={"action": ACTIONS},
        positive={"action": Action.SUSPEND.value},
    ),
    "api/v1/items/<int:pk>/reports/": Entry(
        Kind.OBJECT, target="item", insider=HEAD, note="its POST: luoshi/api/tests (multipart with evidence)"
    ),
    "api/v1/items/<int:pk>/instructions/": Entry(
        Kind.ACTION, target="item", insider=LEADER, data={"text": "越权批示"}
    ),
    "api/v1/reports/<int:pk>/": Entry(Kind.OBJECT, target="report", insider=SUPERVISOR),
    "api/v1/reports/<int:pk>/verify/": Entry(
        Kind.ACTION, target="report", insider=SUPERVISOR, data={"method": "documents", "verdict": "true"}
    ),
    "api/v1/reports/<int:pk>/approve/": Entry(Kind.ACTION, target="pending_report", insider=HEAD),
    "api/v1/reports/<int:pk>/reject/": Entry(
        Kind.ACTION, target="pending_report", insider=HEAD, data={"reason": "越权退回"}
    ),
    "api/v1/evidence/<int:pk>/": Entry(Kind.OBJECT, target="evidence", insider=SUPERVISOR),
    "api/v1/instructions/": Entry(Kind.LIST),
    "api/v1/instructions/<int:pk>/acknowledge/": Entry(
        Kind.ACTION, target="instruction", insider=HEAD, may_act=IN_THE_UNIT
    ),
    "api/v1/supervision/": Entry(Kind.LIST),
    "api/v1/supervision/<int:pk>/": Entry(Kind.OBJECT, target="action", insider=SUPERVISOR),
    "api/v1/notifications/": Entry(Kind.SELF, note="the user's own notifications"),
    "api/v1/notifications/read/": Entry(Kind.SELF, walked=False, note="POST only: the user's own"),
    "api/v1/units/": Entry(Kind.LIST),
    "api/v1/units/<int:pk>/": Entry(Kind.OBJECT, target="unit", insider=SUPERVISOR),
    "api/v1/people/": Entry(Kind.LIST),
    "api/v1/leaders/": Entry(Kind.LIST),
    "api/v1/bulletins/": Entry(Kind.LIST),
    "api/v1/bulletins/<int:pk>/": Entry(Kind.OBJECT, target="bulletin", insider=SUPERVISOR),
    "api/v1/bulletins/<int:pk>/bulletin.docx": Entry(Kind.OBJECT, target="bulletin", insider=SUPERVISOR),
    "api/v1/bulletins/<int:pk>/bulletin.html": Entry(Kind.OBJECT, target="bulletin", insider=SUPERVISOR),
    "api/v1/ledgers/": Entry(Kind.LIST),
    "api/v1/ledgers/<slug:kind>/": Entry(
        Kind.LIST, slugs={"kind": lambda: tuple(entry.kind for entry in registry.ledgers())}
    ),
    "api/v1/stats/": Entry(Kind.LIST),
    "projects/": Entry(
        Kind.LIST,
        queries=("", "?unit={unit}", "?leader={leader}&state=not_started", "?year=2024", "?set_aside=1"),
    ),
    "projects/reserve/": Entry(Kind.LIST),
    "projects/export.xlsx": Entry(Kind.LIST, queries=("", "?unit={unit}")),
    "projects/template.xlsx": Entry(Kind.OFFICE, insider=SUPERVISOR),
    "projects/import/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, note="an upload: refusal checked, no positive POST"
    ),
    "projects/investments/import/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, note="an upload: refusal checked, no positive POST"
    ),
    "projects/<int:pk>/sign.pdf": Entry(Kind.OBJECT, target="project", insider=SUPERVISOR),
    "projects/signs.pdf": Entry(Kind.LIST, queries=("", "?unit={unit}")),
    "projects/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权录入的重点项目"}),
    "projects/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="project", insider=SUPERVISOR, form={"title": "越权修改的项目名称"}
    ),
    "projects/<int:pk>/plan/": Entry(
        Kind.OBJECT, target="project", insider=SUPERVISOR, form={"month_3": "1200"}
    ),
    "projects/<int:pk>/stage/": Entry(
        Kind.OBJECT, target="project", insider=SUPERVISOR, form={"actual_start": "2023-03-02"}
    ),
    "projects/<int:pk>/blockers/new/": Entry(
        Kind.OBJECT, target="project", insider=SUPERVISOR, form={"description": "越权登记的问题"}
    ),
    "projects/blockers/<int:pk>/resolve/": Entry(
        Kind.ACTION, target="blocker", insider=SUPERVISOR, data={"resolution": "越权确认已解决"}
    ),
    "projects/<int:pk>/": Entry(Kind.OBJECT, target="project", insider=SUPERVISOR),
    "projects/<int:pk>/replace/": Entry(
        Kind.OBJECT, target="project", insider=SUPERVISOR, form={"reason": "越权替换的理由"}
    ),
    "projects/<int:pk>/site/": Entry(
        Kind.OBJECT, target="project", insider=SUPERVISOR, form={"findings": "越权记录的现场情况"}
    ),
    "projects/items/<int:pk>/": Entry(Kind.OBJECT, target="item", insider=SUPERVISOR),
    "projects/blockers/<int:pk>/open-item/": Entry(Kind.ACTION, target="blocker", insider=SUPERVISOR),
    "projects/<int:pk>/assign/": Entry(Kind.ACTION, target="draft_project", insider=SUPERVISOR),
    "projects/actions/<int:pk>/photos/": Entry(Kind.OBJECT, target="site_action", insider=SUPERVISOR),
    "projects/photos/<int:pk>/": Entry(Kind.OBJECT, target="site_photo", insider=SUPERVISOR),
    "projects/photos/<int:pk>/thumb/": Entry(Kind.OBJECT, target="site_photo", insider=SUPERVISOR),
    "indicators/": Entry(Kind.LIST, queries=("", "?year=2023")),
    "indicators/catch-up/": Entry(Kind.LIST),
    "indicators/entry/": Entry(
        Kind.LIST, note="the user's own unit's indicators (403 to a user with none); a form of them"
    ),
    "indicators/import/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, note="an upload: refusal checked, no positive POST"
    ),
    "indicators/<int:pk>/": Entry(Kind.OBJECT, target="indicator", insider=SUPERVISOR),
    "indicators/evidence/<int:pk>/": Entry(Kind.OBJECT, target="value_evidence", insider=SUPERVISOR),
    "indicators/evidence/<int:pk>/thumb/": Entry(Kind.OBJECT, target="value_evidence", insider=SUPERVISOR),
    "indicators/new/": Entry(
        Kind.OFFICE,
        insider=SUPERVISOR,
        form={"title": "越权设置的指标", "unit": "亿元", "target_value": "10"},
    ),
    "indicators/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="indicator", insider=SUPERVISOR, form={"title": "越权修改的指标名称"}
    ),
    "indicators/<int:pk>/peers/": Entry(
        Kind.OBJECT, target="indicator", insider=SUPERVISOR, form={"name_0": "越权录入的县区", "value_0": "1"}
    ),
    "indicators/<int:pk>/verify/": Entry(
        Kind.ACTION,
        target="indicator",
        insider=SUPERVISOR,
        data={"year": 2023, "month": 6, "verdict": "untrue", "note": "越权核实"},
    ),
    "indicators/<int:pk>/catch-up/": Entry(
        Kind.OBJECT, target="indicator", insider=SUPERVISOR, form={"measures": "越权制定的赶超举措"}
    ),
    "bulletins/": Entry(Kind.LIST),
    "bulletins/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"period": "2023-W30"}),
    # The targets are drafts, the office's alone. A published bulletin is read by every role of
    # its county, units included, as a document sent to them (bulletins/tests).
    "bulletins/<int:pk>/": Entry(Kind.OBJECT, target="bulletin", insider=SUPERVISOR),
    "bulletins/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="bulletin", insider=SUPERVISOR, form={"title": "越权修改的通报标题"}
    ),
    "bulletins/<int:pk>/preview/": Entry(
        Kind.OBJECT, target="bulletin", insider=SUPERVISOR, note="the editor's preview: a POST saves nothing"
    ),
    "bulletins/<int:pk>/refresh/": Entry(Kind.ACTION, target="bulletin", insider=SUPERVISOR),
    "bulletins/<int:pk>/publish/": Entry(
        Kind.OBJECT, target="bulletin", insider=SUPERVISOR, form={"confirm": "on"}
    ),
    "bulletins/<int:pk>/bulletin.docx": Entry(Kind.OBJECT, target="bulletin", insider=SUPERVISOR),
    "bulletins/<int:pk>/bulletin.pdf": Entry(
        Kind.OBJECT,
        target="bulletin",
        insider=SUPERVISOR,
        note="200 with a message where LibreOffice is missing",
    ),
    "bulletins/<int:pk>/bulletin.html": Entry(Kind.OBJECT, target="bulletin", insider=SUPERVISOR),
    # A meeting pack is the office's to prepare and the county's leaders' (attending or not) and the
    # city's to read (bulletins/tests/test_meetings.py); the targets have the county's leader attending.
    "bulletins/meetings/": Entry(Kind.LIST),
    "bulletins/meetings/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权准备的会议材料"}),
    "bulletins/meetings/<int:pk>/": Entry(Kind.OBJECT, target="meeting", insider=SUPERVISOR),
    "bulletins/meetings/<int:pk>/decisions/": Entry(
        Kind.OBJECT, target="meeting", insider=SUPERVISOR, form={"text": "越权录入的议定事项"}
    ),
    "bulletins/meetings/<int:pk>/refresh/": Entry(Kind.ACTION, target="meeting", insider=SUPERVISOR),
    "bulletins/meetings/<int:pk>/finalise/": Entry(Kind.ACTION, target="meeting", insider=SUPERVISOR),
    "bulletins/meetings/<int:pk>/assign/": Entry(
        Kind.ACTION, target="meeting", insider=SUPERVISOR, note="交办 every decision not yet assigned"
    ),
    "bulletins/meetings/<int:pk>/pack.docx": Entry(Kind.OBJECT, target="meeting", insider=SUPERVISOR),
    "bulletins/meetings/decisions/<int:pk>/assign/": Entry(
        Kind.ACTION, target="decision", insider=SUPERVISOR
    ),
    "investment/": Entry(Kind.LIST, queries=("", "?stage=signed")),
    "investment/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"company": "越权登记的企业"}),
    "investment/funnel/": Entry(Kind.LIST),
    "investment/setup/<slug:kind>/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, slugs={"kind": ("chains", "task-forces", "lists")}
    ),
    "investment/setup/<slug:kind>/new/": Entry(
        Kind.OFFICE,
        insider=SUPERVISOR,
        slugs={"kind": ("chains", "task-forces", "lists")},
        form={"name": "越权新增的产业链"},
    ),
    "investment/setup/<slug:kind>/<int:pk>/": Entry(
        Kind.OBJECT,
        target="chain",
        insider=SUPERVISOR,
        slugs={"kind": ("chains",)},
        form={"name": "越权改名的产业链"},
    ),
    "investment/lists/": Entry(Kind.LIST),
    "investment/<int:pk>/": Entry(Kind.OBJECT, target="lead", insider=SUPERVISOR),
    "investment/<int:pk>/follow-up/": Entry(
        Kind.OBJECT,
        target="lead",
        insider=SUPERVISOR,
        may_act=IN_THE_UNIT,
        form={"summary": "越权记录的跟进"},
    ),
    "investment/<int:pk>/stage/": Entry(
        Kind.OBJECT, target="lead", insider=SUPERVISOR, may_act=IN_THE_UNIT, form={"target": "landed"}
    ),
    "investment/<int:pk>/landing/": Entry(Kind.ACTION, target="lead", insider=SUPERVISOR),
    "enterprises/": Entry(Kind.LIST, queries=("", "?view=candidates", "?view=taxpayers")),
    "enterprises/taxes/import/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, note="an upload: refusal checked, no positive POST"
    ),
    "enterprises/<int:pk>/": Entry(Kind.OBJECT, target="enterprise", insider=SUPERVISOR),
    "enterprises/setup/<slug:kind>/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, slugs={"kind": ("enterprises", "thresholds", "targets")}
    ),
    "enterprises/setup/<slug:kind>/new/": Entry(
        Kind.OFFICE,
        insider=SUPERVISOR,
        slugs={"kind": ("enterprises", "thresholds", "targets")},
        form={"name": "越权新增的企业"},
    ),
    "enterprises/setup/<slug:kind>/<int:pk>/": Entry(
        Kind.OBJECT,
        target="enterprise",
        insider=SUPERVISOR,
        slugs={"kind": ("enterprises",)},
        form={"name": "越权改名的企业"},
    ),
    "enterprises/<int:pk>/cultivate/": Entry(Kind.ACTION, target="enterprise", insider=SUPERVISOR),
    # 年度结转: the office's own county only (another county's region in the address is 404,
    # yearend/tests); closing is tested there, as the demo's July has no year to close.
    "yearend/": Entry(
        Kind.OFFICE,
        insider=SUPERVISOR,
        queries=("", "?year=2023"),
        note="closing a year: refusal checked here, the closing itself in yearend/tests",
    ),
    "yearend/next/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={}, note="copies the rule set to next year"),
    "yearend/import/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, note="an upload: refusal checked, no positive POST"
    ),
    "yearend/template.xlsx": Entry(Kind.OFFICE, insider=SUPERVISOR),
    "creations/": Entry(Kind.LIST, queries=("", "?year=2024")),
    "creations/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权录入的示范创建"}),
    "creations/templates/": Entry(Kind.OFFICE, insider=SUPERVISOR),
    "creations/templates/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"name": "越权新建的阶段模板"}),
    "creations/templates/<int:pk>/": Entry(
        Kind.OBJECT, target="stage_template", insider=SUPERVISOR, form={"name": "越权修改的阶段模板"}
    ),
    "creations/<int:pk>/": Entry(Kind.OBJECT, target="creation", insider=SUPERVISOR),
    "creations/<int:pk>/plans/": Entry(
        Kind.OBJECT, target="creation", insider=SUPERVISOR, form={"accepted": "2023-11-30"}
    ),
    "creations/<int:pk>/stage/": Entry(
        Kind.ACTION, target="creation", insider=SUPERVISOR, data={"target": "applied", "on": "2023-07-20"}
    ),
    "creations/<int:pk>/reapply/": Entry(
        Kind.ACTION, target="failed_creation", insider=SUPERVISOR, data={"year": 2024}
    ),
    "creations/materials/<int:pk>/tick/": Entry(
        Kind.ACTION,
        target="material",
        insider=HEAD,
        may_act=frozenset({REPORTER, SUPERVISOR}),  # the lead unit ticks its materials; the office may
        data={"note": "越权登记的档案资料"},
    ),
    "creations/meetings/": Entry(Kind.LIST, queries=("", "?year=2022")),
    "creations/meetings/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权录入的现场会"}),
    "creations/meetings/<int:pk>/": Entry(Kind.OBJECT, target="onsite_meeting", insider=SUPERVISOR),
    "creations/meetings/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="onsite_meeting", insider=SUPERVISOR, form={"title": "越权修改的现场会"}
    ),
    "creations/meetings/<int:pk>/cancel/": Entry(
        Kind.ACTION, target="onsite_meeting", insider=SUPERVISOR, data={"reason": "越权取消的现场会"}
    ),
    "creations/meetings/<int:pk>/held/": Entry(
        Kind.ACTION, target="onsite_meeting", insider=SUPERVISOR, data={"held_on": "2023-07-20"}
    ),
    "creations/checks/<int:pk>/done/": Entry(
        Kind.ACTION, target="readiness_check", insider=SUPERVISOR, may_act=IN_THE_UNIT
    ),
    "commitments/": Entry(Kind.LIST, queries=("", "?year=2022")),
    "commitments/livelihood/new/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权录入的民生实事"}
    ),
    "commitments/livelihood/<int:pk>/": Entry(Kind.OBJECT, target="livelihood", insider=SUPERVISOR),
    "commitments/livelihood/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="livelihood", insider=SUPERVISOR, form={"title": "越权修改的民生实事"}
    ),
    "commitments/livelihood/<int:pk>/progress/": Entry(
        Kind.ACTION, target="livelihood", insider=SUPERVISOR, data={"started_on": "2022-05-01"}
    ),
    "commitments/livelihood/<int:pk>/survey/": Entry(
        Kind.OBJECT,
        target="livelihood",
        insider=SUPERVISOR,
        may_act=frozenset({VIEWER}),  # 柞水县's viewer is of 县人大办, which records the survey
        form={
            "surveyed_on": "2022-12-20",
            "deputies": 120,
            "respondents": 100,
            "satisfied": 80,
            "basically_satisfied": 12,
            "dissatisfied": 2,
        },
        note="a livelihood project of 2022: its year-end survey is open on the demo's day",
    ),
    "commitments/pledges/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权录入的军令状"}),
    "commitments/pledges/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="pledge", insider=SUPERVISOR, form={"standard": "越权修改的完成标准"}
    ),
    "commitments/letters/new/": Entry(
        Kind.OFFICE,
        insider=SUPERVISOR,
        form={"year": 2021, "signed_on": "2021-02-26", "signer": "越权登记的签订人"},
        note="of 2021, a year with no letter yet",
    ),
    "commitments/letters/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="letter", insider=SUPERVISOR, form={"signer": "越权修改的签订人"}
    ),
    "rectification/": Entry(
        Kind.LIST, queries=("", "?source=higher_feedback&status=open", "?status=closed&topic=耕地缺口")
    ),
    "rectification/import/": Entry(
        Kind.OFFICE, insider=SUPERVISOR, note="an upload: refusal checked, no positive POST"
    ),
    "rectification/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"title": "越权登记的整改问题"}),
    "rectification/<int:pk>/": Entry(Kind.OBJECT, target="problem", insider=SUPERVISOR),
    "rectification/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="problem", insider=SUPERVISOR, form={"measures": "越权修改的整改措施"}
    ),
    "rectification/<int:pk>/close/": Entry(
        Kind.ACTION, target="problem", insider=SUPERVISOR, note="asked to close, its report verified true"
    ),
    "rectification/<int:pk>/reopen/": Entry(
        Kind.ACTION,
        target="closed_problem",
        insider=SUPERVISOR,
        data={"reason": "越权重新整改的原因", "deadline": "2023-08-31"},
    ),
    "assessment/": Entry(Kind.LIST),
    "assessment/schemes/<int:pk>/": Entry(Kind.OBJECT, target="scheme", insider=SUPERVISOR),
    "assessment/schemes/<int:pk>/compute/": Entry(
        Kind.ACTION, target="scheme", insider=SUPERVISOR, data={"period": "2023-Q2"}
    ),
    "assessment/schemes/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"name": "越权新建的考核方案"}),
    "assessment/schemes/<int:pk>/edit/": Entry(
        Kind.OBJECT, target="draft_scheme", insider=SUPERVISOR, form={"name": "越权改名的考核方案"}
    ),
    "assessment/schemes/<int:pk>/copy/": Entry(
        Kind.OBJECT,
        target="scheme",
        insider=SUPERVISOR,
        form={"year": 2024, "name": "越权复制的考核方案"},
        note="a scored scheme is copied, not changed",
    ),
    "assessment/schemes/<int:pk>/groups/new/": Entry(
        Kind.OBJECT, target="draft_scheme", insider=SUPERVISOR, form={"name": "越权添加的考核组"}
    ),
    "assessment/groups/<int:pk>/": Entry(
        Kind.OBJECT, target="assessment_group", insider=SUPERVISOR, form={"name": "越权改名的考核组"}
    ),
    "assessment/groups/<int:pk>/delete/": Entry(Kind.ACTION, target="assessment_group", insider=SUPERVISOR),
    "assessment/groups/<int:pk>/criteria/new/": Entry(
        Kind.OBJECT, target="assessment_group", insider=SUPERVISOR, form={"name": "越权添加的考核内容"}
    ),
    "assessment/criteria/<int:pk>/": Entry(
        Kind.OBJECT, target="assessment_criterion", insider=SUPERVISOR, form={"name": "越权改名的考核内容"}
    ),
    "assessment/criteria/<int:pk>/delete/": Entry(
        Kind.ACTION, target="assessment_criterion", insider=SUPERVISOR
    ),
    "assessment/units/<int:pk>/": Entry(
        Kind.OBJECT, target="unit", insider=SUPERVISOR, note="a unit's score lines with their sources"
    ),
    "assessment/lines/<int:pk>/appeal/": Entry(
        Kind.OBJECT,
        target="score_line",
        insider=HEAD,
        may_act=IN_THE_UNIT,
        form={"reasons": "越权提出的改分理由"},
    ),
    "assessment/appeals/": Entry(Kind.LIST),
    "assessment/appeals/<int:pk>/decide/": Entry(
        Kind.ACTION, target="appeal", insider=SUPERVISOR, data={"decision": "reject", "reason": "越权处理"}
    ),
    "assessment/records/": Entry(Kind.LIST),
    "assessment/records/new/": Entry(Kind.OFFICE, insider=SUPERVISOR, form={"basis": "越权登记的加减分"}),
    "assessment/records/<int:pk>/decide/": Entry(
        Kind.ACTION, target="record", insider=SUPERVISOR, data={"decision": "approve", "reason": ""}
    ),
    "assessment/records/evidence/<int:pk>/": Entry(Kind.OBJECT, target="record_evidence", insider=SUPERVISOR),
    "assessment/city/": Entry(Kind.LIST),
    # A region's event subscriptions: its office's and its system administrator's, nobody else's.
    "webhooks/": Entry(Kind.OFFICE, insider=SUPERVISOR, may_act=frozenset({ADMIN})),
    "webhooks/new/": Entry(
        Kind.OFFICE,
        insider=SUPERVISOR,
        may_act=frozenset({ADMIN}),
        form={
            "name": "越权新增的订阅",
            "url": "https://hooks.example.gov.cn/in",
            "events": ["item.assigned"],
        },
    ),
    "webhooks/<int:pk>/": Entry(
        Kind.OBJECT, target="subscription", insider=SUPERVISOR, may_act=frozenset({ADMIN})
    ),
    "webhooks/<int:pk>/edit/": Entry(
        Kind.OBJECT,
        target="subscription",
        insider=SUPERVISOR,
        may_act=frozenset({ADMIN}),
        form={"name": "越权修改的订阅"},
    ),
    "webhooks/<int:pk>/disable/": Entry(
        Kind.ACTION, target="subscription", insider=SUPERVISOR, may_act=frozenset({ADMIN})
    ),
    "webhooks/<int:pk>/enable/": Entry(
        Kind.ACTION, target="disabled_subscription", insider=SUPERVISOR, may_act=frozenset({ADMIN})
    ),
    "webhooks/<int:pk>/ping/": Entry(
        Kind.ACTION,
        target="subscription",
        insider=SUPERVISOR,
        may_act=frozenset({ADMIN}),
        note="queues a test message: the delivery row is the change (rolled back before it is sent)",
    ),
    "help/": Entry(Kind.LIST, note="帮助: every logged-in user's; the reader's own rules, no work data"),
    "help/<slug:guide>/": Entry(
        Kind.LIST, slugs={"guide": tuple(guide.slug for guide in help_sections.GUIDES)}
    ),
    "healthz": Entry(Kind.PUBLIC),
}
# Not walked here, on purpose:
EXCLUDED = {
    "admin/": "Django's admin: staff only, its own per-model permissions (web/tests/test_pages.py TestAdmin)",
    "static/": "static files (whitenoise); never data",
}
PUBLIC_STATUS = {"login/": 200, "healthz": 200}


# ---------------------------------------------------------------------------------------------
# The URL patterns


def walk(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not any(route.startswith(excluded) for excluded in EXCLUDED):
                yield from walk(pattern, route)
        else:
            assert isinstance(pattern, URLPattern)
            yield route


CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def url(route: str, values: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"{route}: say in PATTERNS which value fills <{name}>"
        return str(values[name])

    return "/" + CONVERTER.sub(fill, route)


def urls(route: str, entry: Entry, targets: Targets | None, *, only_first: bool = False) -> list[str]:
    """Every URL the entry stands for: its object's pk and each of its slugs."""
    values: dict[str, Any] = {}
    if entry.target:
        assert targets is not None
        values["pk"] = getattr(targets, entry.target).pk
    combos = [values]
    for name, given in entry.slugs.items():
        options = given() if callable(given) else given
        chosen = options[:1] if only_first else options
        combos = [combo | {name: option} for combo in combos for option in chosen]
    return [url(route, combo) for combo in combos]


# ---------------------------------------------------------------------------------------------
# The two counties: a cast of every role, and one object of each kind


@dataclass
class Cast:
    region: Region
    unit: Unit  # the unit that leads the targets
    users: dict[str, User]
    leader: Leader


@dataclass
class Targets:
    cast: Cast
    item: Item
    second_item: Item
    report: ProgressReport  # submitted by the head, waiting for the office to verify it
    pending_report: ProgressReport  # the reporter's, waiting for the head's approval
    evidence: Evidence
    instruction: Instruction
    proposal: Proposal
    action: SupervisionAction
    document: SourceDocument
    task: ProposedTask
    import_job: ImportJob
    project: Project
    successor: Project
    blocker: Blocker
    indicator: Indicator
    site_action: SupervisionAction  # a site visit of the project, with a photo
    draft_project: Project  # recorded, not yet assigned
    site_photo: SitePhoto
    value_evidence: ValueEvidence  # an indicator figure's evidence file
    lead: Lead  # an investment lead the unit follows, signed and not landed
    enterprise: Enterprise  # a cultivation candidate the unit serves
    bulletin: Bulletin  # a draft of the county's office
    meeting: Meeting  # a 调度会's pack being prepared, the county's leader attending
    decision: Decision  # a decision of that meeting, not yet assigned
    stage_template: StageTemplate  # the county's default, used by its creations
    creation: Creation  # signed for by the unit, at 谋划
    failed_creation: Creation
    material: Material
    onsite_meeting: (
        OnSiteMeeting  # planned for 20 July, not yet held, signed for by the unit, with a site and its check
    )
    readiness_check: ReadinessCheck
    livelihood: Livelihood  # of 2022, so that its year-end survey is open
    pledge: CityPledge
    letter: CommitmentLetter  # the unit's letter of 2022
    problem: Problem  # asked to close, its report verified true
    closed_problem: Problem
    scheme: Scheme  # an assessment scheme scoring the unit, computed for the second quarter
    score_line: ScoreLine  # one of the unit's lines
    appeal: Appeal  # the unit head's pending appeal of another line
    record: Record  # a pending deduction of the unit, with an evidence file
    record_evidence: RecordEvidence
    api_token: ApiToken  # the unit head's personal API token
    draft_scheme: Scheme  # an assessment scheme not yet scored, which the office may still change
    assessment_group: AssessmentGroup  # its group, of the unit
    assessment_criterion: Criterion  # the group's criterion
    subscription: Subscription  # the county's, choosing no event (the matrix's changes post nothing)
    disabled_subscription: Subscription

    @property
    def unit(self) -> Unit:
        return self.cast.unit

    @property
    def chain(self) -> IndustryChain:
        return self.lead.chain

    @property
    def person(self) -> Person:
        person = self.cast.users[HEAD].person
        assert person is not None
        return person

    def changeable(self) -> dict[type[Model], list[Model]]:
        """The objects asked about that an action changes in place (others add rows)."""
        return {
            Item: [self.item, self.second_item, self.problem.item, self.closed_problem.item],
            ProgressReport: [self.report, self.pending_report],
            Instruction: [self.instruction],
            Proposal: [self.proposal],
            ProposedTask: [self.task],
            SourceDocument: [self.document],
            SupervisionAction: [self.action],
            Project: [self.project, self.successor, self.draft_project],
            Blocker: [self.blocker],
            Lead: [self.lead],
            IndustryChain: [self.chain],
            Enterprise: [self.enterprise],
            Bulletin: [self.bulletin],
            Meeting: [self.meeting],
            Decision: [self.decision],
            Creation: [self.creation, self.failed_creation],
            Material: [self.material],
            OnSiteMeeting: [self.onsite_meeting],
            Site: list(self.onsite_meeting.sites.all()),
            StageTemplate: [self.stage_template],
            ReadinessCheck: [self.readiness_check],
            Livelihood: [self.livelihood],
            CityPledge: [self.pledge],
            CommitmentLetter: [self.letter],
            Problem: [self.problem, self.closed_problem],
            Appeal: [self.appeal],
            Record: [self.record],
            ApiToken: [self.api_token],
            Scheme: [self.scheme, self.draft_scheme],
            AssessmentGroup: [self.assessment_group],
            Criterion: [self.assessment_criterion],
            Subscription: [self.subscription, self.disabled_subscription],
        }

    def secrets(self) -> set[str]:
        """What no one outside the unit's work may read anywhere."""
        return {
            self.item.title,
            self.item.code,
            self.second_item.title,
            self.second_item.code,
            self.report.done,
            self.instruction.text,
            self.action.title,
            self.document.title,
            self.task.title,
            self.project.item.title,
            self.successor.item.title,
            self.blocker.description,
            self.import_job.original_name,
            *self.import_job.errors,
            self.meeting.title,
            self.decision.text,
            self.lead.company,
            self.lead.contact_phone,
            self.enterprise.name,
            self.appeal.reasons,
            self.record.basis,
            self.pledge.demand,
            self.letter.summary,
            self.subscription.name,
            self.disabled_subscription.url,
        }


def account(username: str, name: str, unit: Unit, role: str) -> User:
    person = Person.objects.create(unit=unit, name=name, post="矩阵测试")
    user = User.objects.create_user(username, password="matrix-pass-2023", name=name, person=person)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def zhashui_cast() -> Cast:
    region = Region.objects.get(name="柞水县")
    water = Unit.objects.get(region=region, short_name="县水利局")
    users = {
        SUPERVISOR: demo_user("duchaban"),
        LEADER: demo_user("wangning"),
        HEAD: demo_user("shuili-head"),
        REPORTER: account("shuili-reporter", "水利填报员", water, Role.REPORTER),
        VIEWER: demo_user("renda"),
        ADMIN: demo_user("xitong"),
        AUDITOR: demo_user("shenji"),
        OTHER_HEAD: demo_user("fgj-head"),
        OTHER_REPORTER: demo_user("fgj-reporter"),
    }
    return Cast(region, water, users, Leader.objects.get(person__name="王宁"))


def zhenan_cast() -> Cast:
    region = Region.objects.get(name="镇安县")
    unit = {u.short_name: u for u in Unit.objects.filter(region=region)}
    government = unit["县政府"]
    leader_user = account("za-leader", "镇安县长甲", government, Role.LEADER)
    assert leader_user.person is not None
    leader = Leader.objects.create(person=leader_user.person, region=region, title="县长", rank=1)
    users = {
        SUPERVISOR: demo_user("za-duchaban"),
        LEADER: leader_user,
        HEAD: account("za-fgj-head", "镇安发改局长", unit["县发改局"], Role.UNIT_HEAD),
        REPORTER: account("za-fgj-reporter", "镇安发改填报员", unit["县发改局"], Role.REPORTER),
        VIEWER: account("za-viewer", "镇安人大观察员", government, Role.VIEWER),
        ADMIN: account("za-admin", "镇安信息中心员", government, Role.ADMIN),
        AUDITOR: account("za-auditor", "镇安安全审计员", government, Role.AUDITOR),
        OTHER_HEAD: account("za-yl-head", "永乐街道主任", unit["永乐街道"], Role.UNIT_HEAD),
        OTHER_REPORTER: account("za-yl-reporter", "永乐街道填报员", unit["永乐街道"], Role.REPORTER),
    }
    return Cast(region, unit["县发改局"], users, leader)


def targets_for(cast: Cast, tag: str) -> Targets:
    """One object of each kind in `cast`'s county, led by its unit, made through the services."""
    users = cast.users
    Unit.objects.filter(pk=cast.unit.pk).update(reports_need_approval=True)
    cast.unit.refresh_from_db()

    def accepted_item(number: int) -> Item:
        item = services.item_create(
            actor=users[SUPERVISOR],
            region=cast.region,
            data=ItemInput(
                title=f"{tag}矩阵测试事项{number}号",
                code=f"{tag}-MATRIX-{number}",
                year=2023,
                lead_unit=cast.unit,
                patron_leader=cast.leader,
                deadline=date(2023, 12, 31),
            ),
        )
        item = services.item_take(actor=users[SUPERVISOR], item=item, action=Action.ASSIGN, as_of=JULY)
        return services.item_take(actor=users[HEAD], item=item, action=Action.ACCEPT, as_of=JULY)

    item, second = accepted_item(1), accepted_item(2)

    def july(done: str) -> ReportInput:
        return ReportInput(period_start=date(2023, 7, 1), done=done, percent=Decimal(30))

    report = services.report_submit(
        actor=users[HEAD], item=item, data=july(f"{tag}本期完成情况的保密文字"), files=[photo()], as_of=JULY
    )
    pending = services.report_submit(
        actor=users[REPORTER], item=second, data=july(f"{tag}待审核的进度"), as_of=JULY
    )
    assert pending.status == "pending_approval"
    instruction = services.instruction_give(
        actor=users[LEADER], item=item, text=f"{tag}领导批示的保密文字", as_of=JULY
    )
    proposal = Proposal.objects.create(
        item=item, colour="red", action="letter", reason=f"{tag}预警原因", proposed_on=JULY
    )
    action = services.supervision_action_record(
        actor=users[SUPERVISOR],
        region=cast.region,
        kind=ActionKind.ON_SITE,
        title=f"{tag}现场督办的保密主题",
        held_on=JULY,
        items=[item],
        units=[cast.unit],
        findings="进度滞后",
    )
    text = f"{cast.unit.short_name}要在8月底前完成{tag}分解任务。"
    document = SourceDocument.objects.create(
        region=cast.region,
        title=f"{tag}专题会议纪要的保密标题",
        meeting_date=JULY,
        text=text,
        uploaded_by=users[SUPERVISOR],
    )
    task = ProposedTask.objects.create(
        document=document,
        start=0,
        end=len(text),
        text=text,
        title=f"{tag}分解任务的保密标题",
        lead_unit=cast.unit,
    )
    import_job = ImportJob.objects.create(
        region=cast.region,
        created_by=users[SUPERVISOR],
        original_name=f"{tag}保密的导入表格.xlsx",
        size=1024,
        year=2023,
        status=ImportJobStatus.FAILED,
        errors=[f"第2行 C列（牵头单位）：找不到单位“{tag}保密的单位名”"],
    )
    stage = project_services.stage_set_ensure(region=cast.region)[4]

    def project(number: int, *, assign: bool = True) -> Project:
        return project_services.project_create(
            actor=users[SUPERVISOR],
            region=cast.region,
            data=ProjectInput(
                title=f"{tag}矩阵测试重点项目{number}号",
                year=2023,
                stage=stage,
                planned_investment=Decimal(1200),
                total_investment=Decimal(5000),
                lead_unit=cast.unit,
                patron_leader=cast.leader,
                planned_start=date(2023, 3, 1),
                actual_start=date(2023, 3, 1),
            ),
            assign=assign,
            as_of=JULY,
        )

    first_project, second_project = project(1), project(2)
    draft_project = project(3, assign=False)
    blocker = project_services.blocker_add(
        actor=users[SUPERVISOR],
        project=first_project,
        kind="land",
        description=f"{tag}项目用地的保密问题",
        owner_unit=cast.unit,
        deadline=date(2023, 8, 31),
    )
    site_action = project_services.site_visit_record(
        actor=users[SUPERVISOR],
        project=first_project,
        findings=f"{tag}现场察看的保密情况",
        photos=[photo()],
        as_of=JULY,
    )
    indicator = indicator_services.indicator_create(
        actor=users[SUPERVISOR],
        region=cast.region,
        data=indicator_services.IndicatorInput(
            title=f"{tag}矩阵测试考核指标",
            year=2023,
            type=IndicatorType.CUMULATIVE,
            unit="亿元",
            target_value=Decimal(10),
            lead_unit=cast.unit,
            patron_leader=cast.leader,
        ),
        assign=True,
        as_of=JULY,
    )
    indicator_services.values_record(
        actor=users[HEAD],
        indicator=indicator,
        year=2023,
        entries=[
            indicator_services.ValueInput(
                month=6, value=Decimal(2), evidence=f"{tag}保密的统计佐证", files=[photo()]
            )
        ],
        as_of=JULY,
    )
    bulletin = bulletin_services.bulletin_draft(
        actor=users[SUPERVISOR], region=cast.region, period=parse_period("2023-W29"), as_of=JULY, today=JULY
    )
    chain = IndustryChain.objects.create(region=cast.region, name=f"{tag}矩阵测试产业链")
    lead = investment_services.lead_create(
        actor=users[SUPERVISOR],
        region=cast.region,
        data=investment_services.LeadInput(
            company=f"{tag}矩阵测试的保密企业",
            chain=chain,
            contacted_on=date(2023, 3, 1),
            contact_phone=f"139{'1' if tag == 'ZS' else '2'}0005678",
            unit=cast.unit,
        ),
    )
    lead = investment_services.lead_move(
        actor=users[SUPERVISOR], lead=lead, target="signed", on=date(2023, 6, 1)
    )
    enterprise = Enterprise.objects.create(
        region=cast.region,
        name=f"{tag}矩阵测试的保密培育企业",
        category="industry",
        unit=cast.unit,
        candidate_year=2023,
        revenue=Decimal(1500),
    )
    meeting = bulletin_services.meeting_create(
        actor=users[SUPERVISOR],
        region=cast.region,
        kind=MeetingKind.DISPATCH,
        held_on=JULY,
        as_of=JULY,
        leaders=[cast.leader],
        title=f"{tag}保密的调度会",
    )
    decision = bulletin_services.decision_add(
        actor=users[SUPERVISOR],
        meeting=meeting,
        data=bulletin_services.DecisionInput(
            text=f"{tag}会议议定的保密事项",
            lead_unit=cast.unit,
            patron_leader=cast.leader,
            deadline=date(2023, 8, 31),
        ),
    )
    scheme = Scheme.objects.create(region=cast.region, year=2023, name=f"{tag}矩阵测试考核方案")
    group = AssessmentGroup.objects.create(scheme=scheme, name="矩阵测试考核组", kind=GroupKind.DEPARTMENTS)
    group.units.set([cast.unit])
    outcomes = Criterion.objects.create(
        group=group, name="重点工作落实", max_points=Decimal(60), method="item_outcomes"
    )
    records = Criterion.objects.create(
        group=group,
        name="加减分纪实",
        max_points=Decimal(40),
        method="records",
        params={"base": 30},
        sort_order=1,
    )
    run = assessment_services.scores_compute(
        actor=users[SUPERVISOR], scheme=scheme, period=Period(2023, 2), as_of=JULY
    )
    record = assessment_services.record_add(
        actor=users[SUPERVISOR],
        data=assessment_services.RecordInput(
            records, cast.unit, Decimal(-2), f"{tag}保密的减分依据", date(2023, 6, 1)
        ),
        files=[photo()],
    )
    appeal = assessment_services.appeal_file(
        actor=users[HEAD], line=run.lines.get(criterion=outcomes), reasons=f"{tag}保密的改分理由"
    )
    draft_scheme = Scheme.objects.create(region=cast.region, year=2023, name=f"{tag}矩阵测试草拟方案")
    draft_group = AssessmentGroup.objects.create(
        scheme=draft_scheme, name=f"{tag}矩阵测试草拟考核组", kind=GroupKind.DEPARTMENTS
    )
    draft_group.units.set([cast.unit])
    draft_criterion = Criterion.objects.create(
        group=draft_group, name=f"{tag}矩阵测试草拟考核内容", max_points=Decimal(10), method="item_outcomes"
    )
    ledgers = ledger_targets(cast, tag)
    return Targets(
        cast=cast,
        **ledgers,
        scheme=scheme,
        draft_scheme=draft_scheme,
        assessment_group=draft_group,
        assessment_criterion=draft_criterion,
        score_line=run.lines.get(criterion=records),
        appeal=appeal,
        record=record,
        record_evidence=record.files.get(),
        subscription=Subscription.objects.create(
            region=cast.region, name=f"{tag}矩阵测试的保密订阅", url=f"{HOOKS}/{tag}/events", events=[]
        ),
        disabled_subscription=Subscription.objects.create(
            region=cast.region,
            name=f"{tag}已停用的订阅",
            url=f"{HOOKS}/{tag}/secret-path",
            events=["bulletin.published"],
            is_active=False,
        ),
        meeting=meeting,
        decision=decision,
        lead=lead,
        enterprise=enterprise,
        bulletin=bulletin,
        indicator=indicator,
        value_evidence=ValueEvidence.objects.get(value__indicator=indicator),
        site_action=site_action,
        draft_project=draft_project,
        site_photo=site_action.site_photos.get(),
        project=first_project,
        successor=second_project,
        blocker=blocker,
        item=item,
        second_item=second,
        report=report,
        pending_report=pending,
        evidence=report.evidence.get(),
        instruction=instruction,
        proposal=proposal,
        action=action,
        document=document,
        task=task,
        import_job=import_job,
        api_token=api_services.token_create(
            user=users[HEAD], name=f"{tag}矩阵测试的令牌", expires_on=date(2023, 12, 31), as_of=JULY
        ).token,
    )


def ledger_targets(cast: Cast, tag: str) -> dict[str, Any]:
    """The creations', meetings', commitments' and rectification ledgers' objects of the county."""
    users = cast.users
    office, head = users[SUPERVISOR], users[HEAD]
    templates = creation_services.templates_ensure(region=cast.region)

    def creation(number: int) -> Creation:
        made = creation_services.creation_create(
            actor=office,
            region=cast.region,
            data=creation_services.CreationInput(
                title=f"{tag}矩阵测试示范创建{number}号",
                year=2023,
                level="provincial",
                template=templates[creation_services.DEFAULT_TEMPLATE],
                lead_unit=cast.unit,
                materials=(f"{tag}保密的档案资料",),
            ),
            as_of=date(2023, 3, 1),
        )
        services.item_take(actor=head, item=made.item, action=Action.ACCEPT, as_of=JULY)
        return made

    first, failed = creation(1), creation(2)
    creation_services.creation_move(
        actor=office, creation=failed, target=Stage.APPLIED, on=date(2023, 4, 1), as_of=JULY
    )
    failed = creation_services.creation_move(
        actor=office,
        creation=failed,
        target=Stage.FAILED,
        on=date(2023, 6, 1),
        reason="未通过初核",
        as_of=JULY,
    )
    meeting = creation_services.meeting_create(
        actor=office,
        region=cast.region,
        data=creation_services.MeetingInput(
            title=f"{tag}矩阵测试现场会",
            year=2023,
            level="municipal",
            planned_on=date(2023, 7, 20),  # past: the office may record it held on its day
            lead_unit=cast.unit,
            sites=[
                creation_services.SiteInput(
                    place=f"{tag}保密的观摩点", checks=[("环境整治", date(2023, 9, 10))]
                )
            ],
        ),
        as_of=JULY,
    )
    services.item_take(actor=head, item=meeting.item, action=Action.ACCEPT, as_of=JULY)
    livelihood = commitment_services.livelihood_create(
        actor=office,
        region=cast.region,
        data=commitment_services.CommitmentInput(
            title=f"{tag}矩阵测试民生实事", year=2022, lead_unit=cast.unit, deadline=date(2022, 12, 31)
        ),
        planned_investment=Decimal(500),
        as_of=JULY,
    )

    pledge = commitment_services.pledge_create(
        actor=office,
        region=cast.region,
        data=commitment_services.CommitmentInput(
            title=f"{tag}矩阵测试军令状", year=2023, lead_unit=cast.unit, deadline=date(2023, 12, 31)
        ),
        demand=f"{tag}保密的市上要求",
        standard="以统计数据为准",
        as_of=JULY,
    )
    letter = commitment_services.letter_record(
        actor=office,
        unit=cast.unit,
        year=2022,
        signed_on=date(2022, 2, 28),
        signer="矩阵测试签订人",
        summary=f"{tag}保密的承诺内容",
    )

    def problem(number: int, *, closed: bool) -> Problem:
        made = rectification_services.problem_create(
            actor=office,
            region=cast.region,
            data=rectification_services.ProblemInput(
                title=f"{tag}矩阵测试整改问题{number}号",
                year=2023,
                source="higher_feedback",
                problem=f"{tag}保密的问题",
                lead_unit=cast.unit,
                deadline=date(2023, 9, 30),
            ),
            as_of=JULY,
        )
        item = services.item_take(actor=head, item=made.item, action=Action.ACCEPT, as_of=JULY)
        report = services.report_submit(
            actor=head,
            item=item,
            data=ReportInput(period_start=date(2023, 7, 1), done="已整改"),
            files=[photo()],  # 销号 needs the proof
            as_of=JULY,
        )
        services.item_take(
            actor=head, item=item, action=Action.REQUEST_COMPLETION, as_of=JULY, reason="申请销号"
        )
        services.report_verify(
            actor=office, report=report, method="on_site", verdict="true", note="", as_of=JULY
        )
        if closed:
            rectification_services.problem_close(actor=office, problem=made, as_of=JULY)
        made.item.refresh_from_db()
        return made

    return {
        "stage_template": templates[creation_services.DEFAULT_TEMPLATE],
        "creation": first,
        "failed_creation": failed,
        "material": first.materials.get(),
        "onsite_meeting": meeting,
        "readiness_check": meeting.sites.get().checks.get(),
        "livelihood": livelihood,
        "pledge": pledge,
        "letter": letter,
        "problem": problem(1, closed=False),
        "closed_problem": problem(2, closed=True),
    }


@dataclass
class World:
    targets: Targets  # the objects asked about
    outsiders: dict[str, User]  # the other county's whole cast, and another unit of the same county
    insiders: dict[str, User]  # the county's own cast
    secrets: dict[str, set[str]]  # per outsider: what must not appear on any page they get
    acting: set[str]  # the outsiders who try every action slug
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, username: str) -> Client:
        if username not in self.clients:
            self.clients[username] = client_for(User.objects.get(username=username))
        return self.clients[username]


def county_secrets(region: Region) -> set[str]:
    """Everything that names a county's own work and people: read by another county, it is a leak.
    (Not the item codes: each county numbers its items DB-2023-0001 on; not two-character names,
    which a word of a title may hold.)"""
    people = Person.objects.filter(unit__region=region).values_list("name", flat=True)
    # An indicator's name is the city's (财政总收入 in every county), not one county's secret.
    shared = set(Item.objects.filter(kind="indicator").exclude(region=region).values_list("title", flat=True))
    return (
        {region.name}
        | {name for name in people if len(name) >= 3}
        | (set(Item.objects.filter(region=region).values_list("title", flat=True)) - shared)
        | set(Unit.objects.filter(region=region).values_list("name", flat=True))
        | set(SourceDocument.objects.filter(region=region).values_list("title", flat=True))
        | set(SupervisionAction.objects.filter(region=region).values_list("title", flat=True))
    )


def unit_secrets(user: User, region: Region) -> set[str]:
    """The county's items `user` may not see (titles and codes), unless a visible item names them."""
    # A unit also sees the draft key projects it leads (its reserve, read only), and the on-site
    # meetings that visit a site it readies (not their items).
    visible = Item.objects.filter(
        Q(pk__in=item_list_for(user).values("pk"))
        | Q(pk__in=project_list_for(user).values("pk"))
        | Q(pk__in=meeting_list_for(user).values("pk"))
    )
    shown = " ".join(
        f"{title} {code} {description} {target}"
        for title, code, description, target in visible.values_list(
            "title", "code", "description", "target_text"
        )
    )
    hidden = Item.objects.filter(region=region).exclude(pk__in=visible.values("pk"))
    return {text for pair in hidden.values_list("title", "code") for text in pair if text not in shown}


@dataclass
class Counties:
    targets: dict[str, Targets]
    media: Path  # where their evidence files are


@pytest.fixture(scope="module")
def counties(demo_db, django_db_blocker, tmp_path_factory) -> Counties:
    """Both counties' casts and objects, made once for the module inside the demo's transaction
    (each test runs in a savepoint of it, so what a test changes is rolled back)."""
    media = tmp_path_factory.mktemp("matrix") / "uploads"
    with (
        django_db_blocker.unblock(),
        override_settings(LUOSHI_DEMO=True, LUOSHI_TODAY=JULY, MEDIA_ROOT=media),
    ):
        return Counties(
            {"zhashui": targets_for(zhashui_cast(), "ZS"), "zhenan": targets_for(zhenan_cast(), "ZA")}, media
        )


@pytest.fixture(params=["zhashui", "zhenan"])
def world(request, counties, db, demo_mode, settings) -> World:
    settings.MEDIA_ROOT = counties.media
    settings.LUOSHI_WEBHOOK_OUT_HOSTS = ["hooks.example.gov.cn"]
    targets = counties.targets[request.param]
    other = counties.targets["zhenan" if request.param == "zhashui" else "zhashui"]
    cast = targets.cast
    # Every role of the other county (its second unit would repeat its unit roles), and the
    # unit roles of another unit of this county (the region-wide roles see the whole county).
    outsiders = {
        f"{LABELS[role]} of the other county": user
        for role, user in other.cast.users.items()
        if role not in (OTHER_HEAD, OTHER_REPORTER)
    }
    near = {f"{LABELS[role]} of the same county": cast.users[role] for role in (OTHER_HEAD, OTHER_REPORTER)}
    insiders = {role: user for role, user in cast.users.items() if role not in (OTHER_HEAD, OTHER_REPORTER)}
    far = county_secrets(cast.region) | targets.secrets()
    secrets = dict.fromkeys(outsiders, far)
    secrets |= {label: unit_secrets(user, cast.region) | targets.secrets() for label, user in near.items()}
    # Those who act somewhere (an office, a unit head) try every action; the others one.
    acting = {f"{LABELS[SUPERVISOR]} of the other county", f"{LABELS[OTHER_HEAD]} of the same county"}
    return World(targets, outsiders | near, insiders, secrets, acting)


# ---------------------------------------------------------------------------------------------
# Reading responses, posting forms, watching the data


def text_of(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        # Read to the end, the test client closes it (closing it again would close the database
        # connection, test transaction and all, on PostgreSQL).
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content  # type: ignore[attr-defined]
    if content[:4] == b"%PDF":  # a sign: its words are in its (compressed, CID-encoded) pages
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if content[:2] == b"PK":  # an Excel workbook: its strings are in its XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return " ".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist())
    return html.unescape(content.decode("utf-8", "replace"))


def leaked(response: HttpResponseBase, secrets: set[str]) -> list[str]:
    text = text_of(response)
    return sorted(secret for secret in secrets if secret and secret in text)


def _value(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple) or hasattr(value, "model"):
        return [_value(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _filler(formfield: forms.Field) -> Any:
    """A valid value for a required field left empty."""
    if isinstance(formfield, forms.ModelChoiceField):
        first = formfield.queryset.first()
        assert first is not None
        return [first.pk] if isinstance(formfield, forms.ModelMultipleChoiceField) else first.pk
    if isinstance(formfield, forms.ChoiceField):
        return next(str(value) for value, _ in formfield.choices if value not in ("", None))
    if isinstance(formfield, forms.DateField):
        return "2023-08-31"
    if isinstance(formfield, forms.IntegerField | forms.DecimalField):
        return "30"
    return "矩阵测试填写的内容"


def _form_fields(form: forms.BaseForm, data: dict[str, Any], *, fill: bool) -> None:
    for bound in form:
        formfield = bound.field
        if isinstance(formfield, forms.FileField):
            continue
        value = bound.value()
        if isinstance(formfield, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if fill and formfield.required and value in (None, "", [], ()):
            value = _filler(formfield)
        if value is None and isinstance(
            formfield, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
        ):
            value = []
        data[bound.html_name] = _value(value)


def form_post(response: HttpResponseBase, changes: dict[str, Any]) -> dict[str, Any]:
    """The form of a page as its user would send it back: what it holds, the required fields filled."""
    context = response.context  # type: ignore[attr-defined]
    data: dict[str, Any] = {}
    _form_fields(context["form"], data, fill=True)
    try:
        formset = context["formset"]
    except KeyError:
        formset = None
    if formset is not None:
        _form_fields(formset.management_form, data, fill=False)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        for form in formset.initial_forms:
            _form_fields(form, data, fill=False)
    return data | changes


# Every luoshi table but the audit log's, where each refusal is (rightly) a new row.
LUOSHI_TABLES = [
    model._meta.db_table
    for model in apps.get_models()
    if model.__module__.startswith("luoshi.") and model._meta.app_label != "audit"
]
COUNTS = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{table}")' for table in LUOSHI_TABLES)  # noqa: S608


def fingerprint(targets: Targets) -> tuple[Any, ...]:
    """The rows of every luoshi table counted, and the objects an action changes read whole."""
    with connection.cursor() as cursor:
        cursor.execute(COUNTS)
        counts = cursor.fetchone()
    rows = tuple(
        tuple(model._default_manager.filter(pk__in=[o.pk for o in objects]).order_by("pk").values_list())
        for model, objects in targets.changeable().items()
    )
    return counts, rows


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class Findings:
    """Collects every failure of a walk, so that one run reports them all."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def check(self) -> None:
        assert not self.lines, f"{len(self.lines)} finding(s):\n" + "\n".join(self.lines)


def insider_forms(world: World) -> dict[str, dict[str, Any]]:
    """For each page with a form, the form its insider would send (so refusals are tested with
    data that would work)."""
    posts = {}
    for route, entry in PATTERNS.items():
        if entry.form is None:
            continue
        target = urls(route, entry, world.targets, only_first=True)[0]
        response = world.client(world.insiders[entry.insider].username).get(target)
        assert response.status_code == 200, (route, response.status_code)
        posts[route] = form_post(response, entry.form)
    return posts


def post_data(route: str, entry: Entry, forms_: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return forms_.get(route, entry.data)


# ---------------------------------------------------------------------------------------------
# The tests


def unclassified() -> list[str]:
    return [route for route in walk() if route not in PATTERNS]


def test_every_url_pattern_is_classified():
    missing = unclassified()
    assert not missing, (
        "URL patterns not in the permission matrix: "
        + ", ".join(repr(route) for route in missing)
        + ". Classify each in PATTERNS of luoshi/web/tests/test_permission_matrix.py (object page, "
        "action, list, office page, public…, with the object it is about), or add it to EXCLUDED with "
        "the reason."
    )
    routes = list(walk())
    stale = sorted(set(PATTERNS) - set(routes))
    assert not stale, f"PATTERNS lists routes the project no longer has: {stale}"
    assert len(routes) == len(set(routes)), "two URL patterns with the same route"
    for route, entry in PATTERNS.items():
        assert ("<int:pk>" in route) == bool(entry.target), f"{route}: an object URL names its target"
        if entry.kind in (Kind.OBJECT, Kind.ACTION, Kind.OFFICE, Kind.AUDIT, Kind.ORGANISATION):
            assert entry.insider, f"{route}: say who may use it"


def _new_page(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


# A URL configuration with one page more than the project's (used with @pytest.mark.urls).
urlpatterns = [path("reports/<int:pk>/share/", _new_page), *project_urls.urlpatterns]


@pytest.mark.urls("luoshi.web.tests.test_permission_matrix")
def test_a_new_url_cannot_be_forgotten():
    assert unclassified() == ["reports/<int:pk>/share/"]


def test_anonymous_visitors_are_sent_to_login_everywhere_but_the_public_pages(db):
    client = Client()
    for route, entry in PATTERNS.items():
        values = {"pk": 1, "action": "assign", "key": "planned", "kind": "chains", "guide": "reporter"}
        address = url(route, values)
        response = client.get(address)
        if entry.kind == Kind.PUBLIC:
            assert response.status_code == PUBLIC_STATUS[route], route
        elif route.startswith("api/v1/") and route != "api/v1/docs/":
            assert response.status_code == 401, route  # the API answers in JSON, never the login page
            assert "not_authenticated" in response.content.decode(), route  # the schema's in YAML
        else:
            assert response.status_code == 302, route
            assert response["Location"].startswith("/login/"), route


def test_outsiders_are_refused_every_object_and_change_nothing(world):
    """Every role of the other county, and another unit of the same county: object pages are 403
    or 404, and a POST to them or to an action (with data that works for the insider) is refused
    and changes nothing."""
    findings = Findings()
    forms_ = insider_forms(world)
    before = fingerprint(world.targets)
    for label, user in world.outsiders.items():
        client = world.client(user.username)
        every_slug = label in world.acting
        for route, entry in PATTERNS.items():
            if entry.kind not in (Kind.OBJECT, Kind.ACTION):
                continue
            for address in urls(route, entry, world.targets, only_first=not every_slug):
                if entry.kind == Kind.OBJECT:
                    response = client.get(address)
                    if response.status_code not in REFUSED:
                        findings.add(f"{label} {user.username}: GET {address} → {response.status_code}")
                    if entry.form is None:
                        continue
                response = client.post(address, post_data(route, entry, forms_))
                if response.status_code not in REFUSED:
                    findings.add(f"{label} {user.username}: POST {address} → {response.status_code}")
                after = fingerprint(world.targets)
                if after != before:
                    findings.add(f"{label} {user.username}: POST {address} changed data")
                    before = after
    findings.check()


def test_the_wrong_role_changes_nothing(world):
    """Roles that see the object but may not act (and, on office pages, everyone but an office)
    post every action and form: nothing changes."""
    findings = Findings()
    forms_ = insider_forms(world)
    before = fingerprint(world.targets)
    posters: list[tuple[str, User, Entry, str]] = []
    for route, entry in PATTERNS.items():
        if entry.kind in (Kind.OBJECT, Kind.ACTION) and (entry.kind == Kind.ACTION or entry.form is not None):
            allowed = {entry.insider} | entry.may_act
            posters += [
                (role, user, entry, route) for role, user in world.insiders.items() if role not in allowed
            ]
        elif entry.kind == Kind.OFFICE:
            # The county's every role but its office and those the page also lets act (the other
            # county's are asked in its own run).
            posters += [
                (role, user, entry, route)
                for role, user in world.insiders.items()
                if role != SUPERVISOR and role not in entry.may_act
            ]
        elif entry.kind in (Kind.ORGANISATION, Kind.SUPERUSER):
            allowed = {SUPERVISOR, ADMIN} if entry.kind == Kind.ORGANISATION else set()
            posters += [
                (role, user, entry, route) for role, user in world.insiders.items() if role not in allowed
            ]
    for role, user, entry, route in posters:
        client = world.client(user.username)
        for address in urls(route, entry, world.targets):
            response = client.post(address, post_data(route, entry, forms_))
            if response.status_code >= 500:
                findings.add(f"{role} {user.username}: POST {address} → {response.status_code}")
            if entry.kind in REFUSING and response.status_code != 403:
                findings.add(f"{role} {user.username}: POST {address} → {response.status_code}, not 403")
            after = fingerprint(world.targets)
            if after != before:
                findings.add(f"{role} {user.username}: POST {address} changed data")
                before = after
    findings.check()


def test_lists_and_office_pages_leak_nothing_of_another_county_or_unit(world):
    findings = Findings()
    targets = world.targets
    pks = {"unit": targets.unit.pk, "region": targets.cast.region.pk, "leader": targets.cast.leader.pk}
    for label, user in world.outsiders.items():
        client = world.client(user.username)
        held = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        is_office, is_auditor = Role.SUPERVISOR in held, Role.AUDITOR in held
        is_office = Membership.objects.filter(user=user, role=Role.SUPERVISOR).exists()
        is_auditor = Membership.objects.filter(user=user, role=Role.AUDITOR).exists()
        is_admin = Membership.objects.filter(user=user, role=Role.ADMIN).exists()
        for route, entry in PATTERNS.items():
            if entry.kind not in (Kind.LIST, Kind.HOME, Kind.SELF, *REFUSING, Kind.AUDIT) or not entry.walked:
                continue
            for address in urls(route, entry, targets):
                for query in (q.format(**pks) for q in entry.queries):
                    response = client.get(address + query)
                    expected = {302} if entry.kind == Kind.HOME else {200}
                    # An office page some pages also open to the system administrator (may_act).
                    admits = is_office or (ADMIN in entry.may_act and Role.ADMIN in held)
                    if entry.kind == Kind.OFFICE and not admits:
                        expected = {403}
                    if entry.kind == Kind.AUDIT and not is_auditor:
                        expected = {403}
                    if entry.kind == Kind.ORGANISATION and not (is_office or is_admin):
                        expected = {403}
                    if entry.kind == Kind.SUPERUSER:
                        expected = {403}
                    if response.status_code not in expected:
                        findings.add(
                            f"{label} {user.username}: GET {address}{query} → {response.status_code}"
                        )
                    if found := leaked(response, world.secrets[label]):
                        findings.add(f"{label} {user.username}: GET {address}{query} shows {found[:5]}")
    findings.check()


def test_insiders_reach_every_object_and_the_right_role_changes_data(world):
    """The positive control: without it a refusal could be the artefact of a wrong URL."""
    findings = Findings()
    forms_ = insider_forms(world)
    for route, entry in PATTERNS.items():
        if not entry.insider:
            continue
        client = world.client(world.insiders[entry.insider].username)
        address = urls(route, entry, world.targets, only_first=True)[0]
        if entry.positive:
            address = url(route, {"pk": getattr(world.targets, entry.target).pk, **entry.positive})
        if entry.kind in (Kind.OBJECT, Kind.OFFICE, Kind.AUDIT, Kind.ORGANISATION):
            response = client.get(address)
            if response.status_code != 200:
                findings.add(f"{entry.insider}: GET {address} → {response.status_code}")
            text_of(response)
        if entry.kind == Kind.ACTION or entry.form is not None:
            with rolled_back():
                before = fingerprint(world.targets)
                response = client.post(address, post_data(route, entry, forms_))
                if fingerprint(world.targets) == before:
                    findings.add(f"{entry.insider}: POST {address} → {response.status_code} changed nothing")
    findings.check()


def test_the_audit_log_is_the_auditors_alone(world):
    """三员分立: every role of the county but its auditor — the system administrator and the office
    included — is refused the audit log and its export; the auditor reads his county's."""
    findings = Findings()
    region = world.targets.cast.region
    for role, user in world.insiders.items():
        client = world.client(user.username)
        for route, entry in PATTERNS.items():
            if entry.kind != Kind.AUDIT:
                continue
            response = client.get(url(route, {}))
            expected = 200 if role == AUDITOR else 403
            if response.status_code != expected:
                findings.add(f"{role} {user.username}: GET /{route} → {response.status_code}, not {expected}")
            if role == AUDITOR and route == "audit/":
                text = text_of(response)
                if "登录成功" not in text or region.name not in text:
                    findings.add(f"the auditor of {region.name} does not see the county's logins")
    findings.check()
