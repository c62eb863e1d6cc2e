"""The API under the same rules as the pages: the scoping selector, the predicates, the services."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from luoshi.api.ledgers import _value
from luoshi.api.tests.conftest import api_client
from luoshi.audit.models import AuditEvent
from luoshi.bulletins import services as bulletin_services
from luoshi.bulletins.periods import parse as parse_period
from luoshi.conftest import client_for
from luoshi.core import registry
from luoshi.investment.models import Lead
from luoshi.items.models import Item, ProgressReport, Status
from luoshi.items.tests.factories import ItemFactory
from luoshi.items.tests.test_reports import photo

pytestmark = pytest.mark.django_db


def test_the_list_is_the_pages_list_with_the_pages_filters(
    fagaiju_reporter, supervisor, fagaiju_item, other_item
):
    ids = [row["id"] for row in api_client(fagaiju_reporter).get("/api/v1/items/").json()["results"]]
    assert ids == [fagaiju_item.pk]
    office = api_client(supervisor)
    assert {r["id"] for r in office.get("/api/v1/items/").json()["results"]} >= {
        fagaiju_item.pk,
        other_item.pk,
    }
    unit = fagaiju_item.lead_unit_id
    rows = office.get(f"/api/v1/items/?unit={unit}&status=accepted").json()["results"]
    assert [row["id"] for row in rows] == [fagaiju_item.pk]
    bad = office.get("/api/v1/items/?status=nonsense")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"status"}


def test_a_reporter_gets_404_for_every_object_of_another_unit(
    fagaiju_reporter, supervisor, other_report, zhashui
):
    bulletin = bulletin_services.bulletin_draft(
        actor=supervisor,
        region=zhashui,
        period=parse_period("2023-06"),
        as_of=parse_period("2023-06").end,
        today=parse_period("2023-06").end,
    )
    client = api_client(fagaiju_reporter)
    evidence = other_report.evidence.get()
    for url in [
        f"/api/v1/items/{other_report.item_id}/",
        f"/api/v1/items/{other_report.item_id}/reports/",
        f"/api/v1/reports/{other_report.pk}/",
        f"/api/v1/evidence/{evidence.pk}/",
        f"/api/v1/bulletins/{bulletin.pk}/",
        f"/api/v1/bulletins/{bulletin.pk}/bulletin.docx",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"error": {"code": "not_found", "message": "找不到这个对象。"}}, url
    for url in [
        f"/api/v1/items/{other_report.item_id}/actions/accept/",
        f"/api/v1/reports/{other_report.pk}/verify/",
    ]:
        assert client.post(url, {"verdict": "true", "method": "documents"}, format="json").status_code == 404
    assert api_client(supervisor).get(f"/api/v1/evidence/{evidence.pk}/").status_code == 200


def test_the_office_creates_and_assigns_a_reporter_may_not(supervisor, fagaiju_reporter, fagaiju):
    data = {
        "title": "接口立项的事项",
        "year": 2023,
        "lead_unit": fagaiju.pk,
        "deadline": "2023-12-31",
        "milestones": [{"name": "完成设计", "due": "2023-09-30"}],
        "assign": True,
    }
    response = api_client(supervisor).post("/api/v1/items/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == Status.ASSIGNED and body["milestones"][0]["name"] == "完成设计"
    refused = api_client(fagaiju_reporter).post("/api/v1/items/", data, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"] == {"code": "permission_denied", "message": "只有督查办可以执行这个操作。"}
    missing = api_client(supervisor).post("/api/v1/items/", {"year": 2023}, format="json")
    assert missing.status_code == 400 and "title" in missing.json()["error"]["fields"]


def test_a_stale_edit_answers_409_with_the_current_version(supervisor, fagaiju_item):
    client = api_client(supervisor)
    version = client.get(f"/api/v1/items/{fagaiju_item.pk}/").json()["version"]
    first = client.patch(
        f"/api/v1/items/{fagaiju_item.pk}/", {"title": "新标题", "version": version}, format="json"
    )
    assert first.status_code == 200 and first.json()["title"] == "新标题"
    stale = client.patch(
        f"/api/v1/items/{fagaiju_item.pk}/", {"title": "旧的修改", "version": version}, format="json"
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert (
        error["code"] == "conflict"
        and error["current_version"] == version + 1
        and "没有保存" in error["message"]
    )
    assert Item.objects.get(pk=fagaiju_item.pk).title == "新标题"


def test_life_cycle_actions_go_through_the_service(supervisor, fagaiju_head, fagaiju_item):
    refused = api_client(fagaiju_head).post(
        f"/api/v1/items/{fagaiju_item.pk}/actions/suspend/", {}, format="json"
    )
    assert refused.status_code == 403
    needs_reason = api_client(supervisor).post(
        f"/api/v1/items/{fagaiju_item.pk}/actions/suspend/", {}, format="json"
    )
    assert needs_reason.status_code == 400 and needs_reason.json()["error"]["code"] == "refused"
    done = api_client(supervisor).post(
        f"/api/v1/items/{fagaiju_item.pk}/actions/suspend/", {"reason": "等待上级批复"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == Status.SUSPENDED
    assert api_client(supervisor).post(f"/api/v1/items/{fagaiju_item.pk}/actions/fly/").status_code == 404


def test_a_report_with_evidence_is_checked_like_the_page(fagaiju_head, supervisor, fagaiju_item):
    client = api_client(fagaiju_head)
    listing = client.get(f"/api/v1/items/{fagaiju_item.pk}/reports/").json()
    period = listing["periods"][-1]["start"]
    page = SimpleUploadedFile(
        "page.html", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    refused = client.post(
        f"/api/v1/items/{fagaiju_item.pk}/reports/",
        {
            "period_start": period,
            "done": "完成征地",
            "percent": "30",
            "confidence": "green",
            "evidence": page,
        },
        format="multipart",
    )
    assert refused.status_code == 400, refused.json()
    assert "page.html" in refused.json()["error"]["message"]
    assert not ProgressReport.objects.exists()
    response = client.post(
        f"/api/v1/items/{fagaiju_item.pk}/reports/",
        {
            "period_start": period,
            "done": "完成征地",
            "percent": "30",
            "confidence": "green",
            "evidence": photo(),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    report = response.json()
    assert report["evidence"][0]["content_type"] == "image/jpeg"
    verified = api_client(supervisor).post(
        f"/api/v1/reports/{report['id']}/verify/", {"method": "documents", "verdict": "true"}, format="json"
    )
    assert verified.status_code == 200 and verified.json()["verification"]["verdict"] == "true"


def test_every_registered_ledger_has_its_route(supervisor, fagaiju_item):
    client = api_client(supervisor)
    kinds = [row["kind"] for row in client.get("/api/v1/ledgers/").json()]
    assert kinds == [entry.kind for entry in registry.ledgers()]
    for kind in kinds:
        assert client.get(f"/api/v1/ledgers/{kind}/").status_code == 200, kind
    rows = client.get(f"/api/v1/ledgers/{fagaiju_item.kind}/").json()["results"]
    assert fagaiju_item.pk in [row["id"] for row in rows]
    assert client.get("/api/v1/ledgers/nothing/").status_code == 404


def test_stats_are_luoshi_stats_by_region_for_the_office_only(supervisor, fagaiju_reporter, zhashui, zhenan):
    response = api_client(supervisor).get(f"/api/v1/stats/?region={zhashui.pk}&as_of=2023-07-25")
    assert response.status_code == 200
    assert set(response.json()["sections"]) == set(registry.stats_sections())
    assert api_client(supervisor).get(f"/api/v1/stats/?region={zhenan.pk}").status_code == 403
    assert api_client(fagaiju_reporter).get(f"/api/v1/stats/?region={zhashui.pk}").status_code == 403
    assert api_client(fagaiju_reporter).get("/api/v1/stats/").status_code == 200
    assert api_client(supervisor).get("/api/v1/stats/?as_of=July").status_code == 400


def test_people_phones_are_masked(supervisor):
    rows = api_client(supervisor).get("/api/v1/people/?page_size=200").json()["results"]
    assert all("*" in row["phone"] or not row["phone"] for row in rows)


def test_the_schema_generates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", "--format", "openapi-json", stdout=out)
    assert '"/api/v1/items/"' in out.getvalue()


def test_the_docs_page_is_served_by_the_app(fagaiju_reporter):
    response = client_for(fagaiju_reporter).get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/items/{id}/reports/" in page and "POST" in page and "period_start" in page
    assert "cdn" not in page.lower()


def test_a_ledger_registered_later_has_its_route_without_changing_the_api(supervisor, zhashui, fagaiju):
    registry.register(registry.Ledger(kind="api_later", label="后来的台账", app_label="items"))
    try:
        item = ItemFactory(
            region=zhashui,
            code="DB-2023-9001",
            kind="api_later",
            year=2023,
            title="后来台账的事项",
            lead_unit=fagaiju,
        )
        client = api_client(supervisor)
        assert "api_later" in [row["kind"] for row in client.get("/api/v1/ledgers/").json()]
        rows = client.get("/api/v1/ledgers/api_later/").json()["results"]
        assert [(row["id"], row["kind_label"], row["detail"]) for row in rows] == [
            (item.pk, "后来的台账", None)
        ]
    finally:
        registry.unregister("api_later")


def test_a_ledgers_detail_masks_personal_fields(supervisor):
    assert _value(Lead._meta.get_field("contact_phone"), "13912345678") == "139****5678"


def test_a_patch_that_changes_nothing_keeps_the_version_and_writes_no_audit_entry(supervisor, fagaiju_item):
    client = api_client(supervisor)
    url = f"/api/v1/items/{fagaiju_item.pk}/"
    read = client.get(url).json()
    audited = AuditEvent.objects.filter(object_type="items.Item", object_id=str(fagaiju_item.pk)).count()
    events = fagaiju_item.events.count()
    same = client.patch(url, {"title": read["title"], "version": read["version"]}, format="json")
    assert same.status_code == 200, same.json()
    assert same.json()["version"] == read["version"]
    only_version = client.patch(url, {"version": read["version"]}, format="json")
    assert only_version.status_code == 200 and only_version.json()["version"] == read["version"]
    assert Item.objects.get(pk=fagaiju_item.pk).version == read["version"]
    assert (
        AuditEvent.objects.filter(object_type="items.Item", object_id=str(fagaiju_item.pk)).count() == audited
    )
    assert fagaiju_item.events.count() == events
    # A change still moves the version on, and a stale version is still refused.
    changed = client.patch(url, {"title": "改过的标题", "version": read["version"]}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == read["version"] + 1
    stale = client.patch(url, {"title": "改过的标题", "version": read["version"]}, format="json")
    assert stale.status_code == 409


def test_a_field_the_api_does_not_know_is_refused_by_its_name(supervisor, fagaiju_item, fagaiju):
    client = api_client(supervisor)
    url = f"/api/v1/items/{fagaiju_item.pk}/"
    version = client.get(url).json()["version"]
    typo = client.patch(url, {"titel": "拼错的字段", "version": version}, format="json")
    assert typo.status_code == 400
    error = typo.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["titel"]
    assert "titel" in error["message"] and "不认识" in error["message"]
    assert Item.objects.get(pk=fagaiju_item.pk).version == version
    created = client.post(
        "/api/v1/items/",
        {"title": "接口立项", "year": 2023, "lead_unit": fagaiju.pk, "deadline": "2023-12-31", "owner": 1},
        format="json",
    )
    assert created.status_code == 400 and list(created.json()["error"]["fields"]) == ["owner"]
    assert not Item.objects.filter(title="接口立项").exists()
    action = client.post(
        f"/api/v1/items/{fagaiju_item.pk}/actions/suspend/", {"reasn": "等待上级批复"}, format="json"
    )
    assert action.status_code == 400 and list(action.json()["error"]["fields"]) == ["reasn"]
    marked = client.post("/api/v1/notifications/read/", {"id": [1]}, format="json")
    assert marked.status_code == 400 and list(marked.json()["error"]["fields"]) == ["id"]
