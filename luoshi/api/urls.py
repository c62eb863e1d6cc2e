"""/api/v1/…: every view answers JSON (401 without a token or a session, never the login page)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from luoshi.api import ledgers, pages, views


def api(view: Any, **initkwargs: Any) -> Any:
    return login_not_required(view.as_view(**initkwargs))


urlpatterns = [
    path("schema/", api(SpectacularAPIView), name="api_schema"),
    path("docs/", pages.api_docs, name="api_docs"),
    path("items/", api(views.ItemListView), name="api_items"),
    path("items/<int:pk>/", api(views.ItemDetailView), name="api_item"),
    path("items/<int:pk>/actions/<slug:action>/", api(views.ItemActionView), name="api_item_act"),
    path("items/<int:pk>/reports/", api(views.ItemReportsView), name="api_item_reports"),
    path("items/<int:pk>/instructions/", api(views.ItemInstructView), name="api_item_instruct"),
    path("reports/<int:pk>/", api(views.ReportDetailView), name="api_report"),
    path("reports/<int:pk>/verify/", api(views.ReportVerifyView), name="api_report_verify"),
    path("reports/<int:pk>/approve/", api(views.ReportApproveView), name="api_report_approve"),
    path("reports/<int:pk>/reject/", api(views.ReportRejectView), name="api_report_reject"),
    path("evidence/<int:pk>/", api(views.EvidenceFileView), name="api_evidence"),
    path("instructions/", api(views.InstructionListView), name="api_instructions"),
    path(
        "instructions/<int:pk>/acknowledge/",
        api(views.InstructionAcknowledgeView),
        name="api_instruction_ack",
    ),
    path("supervision/", api(views.SupervisionListView), name="api_supervision"),
    path("supervision/<int:pk>/", api(views.SupervisionDetailView), name="api_supervision_detail"),
    path("notifications/", api(views.NotificationListView), name="api_notifications"),
    path("notifications/read/", api(views.NotificationReadView), name="api_notifications_read"),
    path("units/", api(views.UnitListView), name="api_units"),
    path("units/<int:pk>/", api(views.UnitDetailView), name="api_unit"),
    path("people/", api(views.PersonListView), name="api_people"),
    path("leaders/", api(views.LeaderListView), name="api_leaders"),
    path("bulletins/", api(views.BulletinListView), name="api_bulletins"),
    path("bulletins/<int:pk>/", api(views.BulletinDetailView), name="api_bulletin"),
    path("bulletins/<int:pk>/bulletin.docx", api(views.BulletinDocxView), name="api_bulletin_docx"),
    path("bulletins/<int:pk>/bulletin.html", api(views.BulletinHtmlView), name="api_bulletin_html"),
    path("ledgers/", api(ledgers.LedgerListView), name="api_ledgers"),
    path("ledgers/<slug:kind>/", api(ledgers.LedgerItemsView), name="api_ledger_items"),
    path("stats/", api(ledgers.StatsView), name="api_stats"),
]
