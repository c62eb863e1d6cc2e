"""Reports with evidence, corrections as new versions, approval, verification, instructions."""

from __future__ import annotations

import importlib
import io
import zipfile
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from luoshi.conftest import client_for
from luoshi.items import services
from luoshi.items.models import (
    EventKind,
    Evidence,
    Item,
    ItemEvent,
    Measure,
    Method,
    ProgressReport,
    ReportStatus,
    Status,
    Verdict,
)
from luoshi.items.selectors import verification_queue_for
from luoshi.items.services import ReportInput
from luoshi.items.tests.conftest import AS_OF, set_status, submitted_report
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db


def photo(name: str = "现场.jpg", size: tuple[int, int] = (1200, 900)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name: str = "批复.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def docx(name: str = "情况说明.docx") -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, out.getvalue())


def july(**kwargs: object) -> ReportInput:
    return ReportInput(period_start=date(2023, 7, 1), done="完成用地预审", percent=Decimal(40), **kwargs)


@pytest.fixture
def accepted_item(fagaiju_item):
    return set_status(fagaiju_item, Status.ACCEPTED, accepted_on=date(2023, 7, 4))


def test_report_moves_the_item_under_way_and_keeps_its_progress(accepted_item, fagaiju_reporter):
    report = services.report_submit(
        actor=fagaiju_reporter, item=accepted_item, data=july(), files=[photo()], as_of=AS_OF
    )
    accepted_item.refresh_from_db()
    assert accepted_item.status == Status.IN_PROGRESS
    assert accepted_item.progress_percent == Decimal(40)
    assert accepted_item.confidence == "green"
    assert report.status == ReportStatus.SUBMITTED
    assert report.due_on == date(2023, 7, 25)
    assert not report.is_late
    assert report.evidence.get().thumbnail
    kinds = list(ItemEvent.objects.filter(item=accepted_item).values_list("kind", flat=True))
    assert EventKind.REPORT_SUBMITTED in kinds and EventKind.STARTED in kinds


def test_a_report_after_its_due_day_is_marked_late(accepted_item, fagaiju_reporter):
    report = services.report_submit(
        actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=date(2023, 7, 26)
    )
    assert report.is_late
    assert "逾期" in ItemEvent.objects.filter(item=accepted_item, kind=EventKind.REPORT_SUBMITTED).get().note


def test_a_correction_is_a_new_version_and_the_history_shows_both(accepted_item, fagaiju_reporter):
    first = services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
    data = july()
    data.percent = Decimal(35)
    data.done = "完成用地预审，环评报告已上报"
    second = services.report_submit(
        actor=fagaiju_reporter, item=accepted_item, data=data, as_of=AS_OF, supersedes=first
    )
    first.refresh_from_db()
    assert (second.version, second.supersedes) == (2, first)
    assert first.done == "完成用地预审"  # never edited
    accepted_item.refresh_from_db()
    assert accepted_item.progress_percent == Decimal(35)
    page = client_for(fagaiju_reporter).get(f"/items/{accepted_item.pk}/").content.decode()
    assert "完成用地预审，环评报告已上报" in page and "第2版（更正）" in page and "已被更正" in page
    with pytest.raises(services.ServiceError):
        services.report_submit(
            actor=fagaiju_reporter, item=accepted_item, data=data, as_of=AS_OF, supersedes=first
        )


def test_support_unit_reports_too_but_a_stranger_cannot(accepted_item, wenlvju_reporter, yingpan_reporter):
    report = services.report_submit(actor=wenlvju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
    assert report.unit.short_name == "县文旅局"
    with pytest.raises(services.NotAllowed):
        services.report_submit(actor=yingpan_reporter, item=accepted_item, data=july(), as_of=AS_OF)


def test_no_report_before_the_unit_signs(fagaiju_item, fagaiju_reporter):
    with pytest.raises(services.NotAllowed, match="签收"):
        services.report_submit(actor=fagaiju_reporter, item=fagaiju_item, data=july(), as_of=AS_OF)


def test_value_measure_needs_the_value(accepted_item, fagaiju_reporter):
    accepted_item.measure, accepted_item.target_value, accepted_item.value_unit = (
        Measure.VALUE,
        Decimal(200),
        "个",
    )
    accepted_item.save()
    with pytest.raises(services.ServiceError, match="累计完成值"):
        services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
    data = july()
    data.value = Decimal(150)
    services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=data, as_of=AS_OF)
    accepted_item.refresh_from_db()
    assert accepted_item.progress_percent == Decimal(75)


class TestEvidence:
    def test_types_are_decided_by_content(self, accepted_item, fagaiju_reporter):
        report = services.report_submit(
            actor=fagaiju_reporter,
            item=accepted_item,
            data=july(),
            files=[photo("a.png"), pdf("b.txt"), docx()],
            as_of=AS_OF,
        )
        types = [(e.original_name, e.content_type) for e in report.evidence.all()]
        assert types[0] == ("a.png", "image/jpeg")  # a JPEG named .png is a JPEG
        assert types[1] == ("b.txt", "application/pdf")
        assert types[2][1].endswith("wordprocessingml.document")
        for evidence in report.evidence.all():
            assert evidence.file.name.startswith("evidence/2023/07/")
            assert evidence.original_name not in evidence.file.name

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("report.html", b"<html><script>alert(1)</script></html>"),
            ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
            ("notes.docx", b"PK\x03\x04not really a zip"),
            ("tool.exe", b"MZ\x90\x00\x03"),
            ("empty.pdf", b""),
        ],
    )
    def test_dangerous_or_unknown_files_are_refused_and_nothing_is_saved(
        self, accepted_item, fagaiju_reporter, name, content
    ):
        with pytest.raises(services.ServiceError):
            services.report_submit(
                actor=fagaiju_reporter,
                item=accepted_item,
                data=july(),
                files=[SimpleUploadedFile(name, content)],
                as_of=AS_OF,
            )
        assert not ProgressReport.objects.exists()  # the whole report is refused, not half saved

    def test_size_limit(self, accepted_item, fagaiju_reporter, settings):
        settings.LUOSHI_EVIDENCE_MAX_MB = 1
        big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
        with pytest.raises(services.ServiceError, match="超过 1 MB"):
            services.report_submit(
                actor=fagaiju_reporter, item=accepted_item, data=july(), files=[big], as_of=AS_OF
            )

    def test_served_only_to_those_who_see_the_item(
        self, accepted_item, fagaiju_reporter, supervisor, yingpan_reporter
    ):
        report = services.report_submit(
            actor=fagaiju_reporter, item=accepted_item, data=july(), files=[photo(), docx()], as_of=AS_OF
        )
        image, document = report.evidence.all()
        response = client_for(supervisor).get(f"/evidence/{image.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "inline" in response["Content-Disposition"]
        thumb = client_for(supervisor).get(f"/evidence/{image.pk}/thumb/")
        assert thumb.status_code == 200
        with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as small:
            assert max(small.size) <= 360
        assert "attachment" in client_for(supervisor).get(f"/evidence/{document.pk}/")["Content-Disposition"]
        assert client_for(yingpan_reporter).get(f"/evidence/{image.pk}/").status_code == 404
        assert client_for(yingpan_reporter).get(f"/evidence/{image.pk}/thumb/").status_code == 404

    def test_not_under_the_static_or_a_public_url(self, settings):
        assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT)
        from django.urls import Resolver404, resolve

        with pytest.raises(Resolver404):
            resolve("/media/evidence/2023/07/x.jpg")


class TestApproval:
    @pytest.fixture
    def yingpan_item(self, zhashui, yingpan_reporter):
        from luoshi.items.tests.factories import ItemFactory

        unit = Unit.objects.get(region=zhashui, short_name="营盘镇")
        unit.reports_need_approval = True
        unit.save()
        return ItemFactory(
            region=zhashui, lead_unit=unit, status=Status.ACCEPTED, accepted_on=date(2023, 7, 4)
        )

    def test_reporter_report_waits_for_the_unit_head(self, yingpan_item, yingpan_reporter, supervisor):
        report = services.report_submit(actor=yingpan_reporter, item=yingpan_item, data=july(), as_of=AS_OF)
        assert report.status == ReportStatus.PENDING_APPROVAL
        head = report.unit.memberships.get(role="unit_head").user
        assert head.notifications.filter(title__contains="待审核进度").exists()
        queue = client_for(supervisor).get("/work/").content.decode()
        assert yingpan_item.title not in queue.split('data-testid="verify-queue"')[1].split("</section>")[0]
        services.report_approve(actor=head, report=report, as_of=date(2023, 7, 26))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and report.is_late and report.approved_by == head
        yingpan_item.refresh_from_db()
        assert yingpan_item.status == Status.IN_PROGRESS

    def test_head_sends_a_report_back(self, yingpan_item, yingpan_reporter):
        report = services.report_submit(actor=yingpan_reporter, item=yingpan_item, data=july(), as_of=AS_OF)
        head = report.unit.memberships.get(role="unit_head").user
        with pytest.raises(services.NotAllowed):
            services.report_approve(actor=yingpan_reporter, report=report, as_of=AS_OF)
        services.report_reject(actor=head, report=report, reason="请补充现场照片")
        report.refresh_from_db()
        assert report.status == ReportStatus.REJECTED
        assert yingpan_reporter.notifications.filter(body="请补充现场照片").exists()


class TestVerification:
    def test_untrue_marks_the_item_and_tells_the_unit_head_and_the_patron(
        self, accepted_item, fagaiju_reporter, fagaiju_head, fengrui_user, supervisor
    ):
        report = services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
        services.report_verify(
            actor=supervisor,
            report=report,
            method="on_site",
            verdict="untrue",
            note="现场未见施工",
            as_of=AS_OF,
        )
        accepted_item.refresh_from_db()
        assert accepted_item.untrue_on == AS_OF
        for person in (fagaiju_head, fengrui_user):
            assert person.notifications.filter(title__contains="不属实").exists()
        assert not fagaiju_reporter.notifications.filter(title__contains="不属实").exists()
        page = client_for(fagaiju_head).get(f"/items/{accepted_item.pk}/").content.decode()
        assert "现场核实：不属实" in page and "现场未见施工" in page

    def test_only_the_office_verifies_and_only_once(
        self, accepted_item, fagaiju_reporter, supervisor, city_supervisor, magistrate
    ):
        report = services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
        for outsider in (fagaiju_reporter, city_supervisor, magistrate):
            with pytest.raises(services.NotAllowed):
                services.report_verify(
                    actor=outsider, report=report, method="documents", verdict="true", note="", as_of=AS_OF
                )
        services.report_verify(
            actor=supervisor, report=report, method="documents", verdict="true", note="", as_of=AS_OF
        )
        with pytest.raises(services.NotAllowed):
            services.report_verify(
                actor=supervisor, report=report, method="documents", verdict="true", note="", as_of=AS_OF
            )

    def test_partly_or_untrue_needs_a_note(self, accepted_item, fagaiju_reporter, supervisor):
        report = services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
        with pytest.raises(services.ServiceError, match="核实情况"):
            services.report_verify(
                actor=supervisor, report=report, method="documents", verdict="partly", note=" ", as_of=AS_OF
            )


class TestInstructions:
    def test_shown_to_the_unit_until_acknowledged(
        self, fagaiju_item, fengrui_user, fagaiju_reporter, wenlvju_reporter
    ):
        instruction = services.instruction_give(
            actor=fengrui_user, item=fagaiju_item, text="请倒排工期，8月底前开工", as_of=AS_OF
        )
        page = client_for(fagaiju_reporter).get(f"/items/{fagaiju_item.pk}/").content.decode()
        assert 'data-testid="open-instruction"' in page and "请倒排工期" in page
        assert "请倒排工期" in client_for(fagaiju_reporter).get("/work/").content.decode()
        # the supporting unit reads it in the item's history, not as a banner to acknowledge
        assert (
            'data-testid="open-instruction"'
            not in client_for(wenlvju_reporter).get(f"/items/{fagaiju_item.pk}/").content.decode()
        )
        client_for(fagaiju_reporter).post(f"/instructions/{instruction.pk}/acknowledge/")
        instruction.refresh_from_db()
        assert instruction.acknowledged_by == fagaiju_reporter
        assert (
            'data-testid="open-instruction"'
            not in client_for(fagaiju_reporter).get(f"/items/{fagaiju_item.pk}/").content.decode()
        )

    def test_only_the_regions_leaders_instruct(self, fagaiju_item, supervisor, fagaiju_head):
        for user in (supervisor, fagaiju_head):
            with pytest.raises(services.NotAllowed):
                services.instruction_give(actor=user, item=fagaiju_item, text="x", as_of=AS_OF)


class TestSupervisionActions:
    def test_record_and_open_a_rectification_item(self, fagaiju_item, supervisor, fagaiju_head, fagaiju):
        action = services.supervision_action_record(
            actor=supervisor,
            region=fagaiju_item.region,
            kind="on_site",
            title="未开工重点项目现场督办",
            held_on=AS_OF,
            items=[fagaiju_item],
            findings="用地手续未办结",
            demands="8月10日前报送手续办理计划",
        )
        assert fagaiju_head.notifications.filter(title__contains="现场督办").exists()
        assert ItemEvent.objects.filter(item=fagaiju_item, kind=EventKind.SUPERVISED).exists()
        item = services.supervision_action_open_item(
            actor=supervisor,
            action=action,
            data=services.ItemInput(
                title="用地手续整改", year=2023, lead_unit=fagaiju, deadline=date(2023, 8, 31)
            ),
            assign=True,
            as_of=AS_OF,
        )
        assert (item.kind, item.source, item.status, item.origin_action) == (
            "rectification",
            "inspection",
            Status.ASSIGNED,
            action,
        )
        page = client_for(supervisor).get(f"/supervision/{action.pk}/").content.decode()
        assert "用地手续整改" in page

    def test_another_county_cannot_see_the_action(self, fagaiju_item, supervisor, zhenan_supervisor):
        action = services.supervision_action_record(
            actor=supervisor, region=fagaiju_item.region, kind="random", title="随机督办", held_on=AS_OF
        )
        assert client_for(zhenan_supervisor).get(f"/supervision/{action.pk}/").status_code == 404


def test_evidence_is_counted_once_per_file(accepted_item, fagaiju_reporter):
    services.report_submit(
        actor=fagaiju_reporter, item=accepted_item, data=july(), files=[photo(), photo("b.jpg")], as_of=AS_OF
    )
    assert Evidence.objects.count() == 2


class TestProgressAfterVerification:
    """An untrue report's figure is not the item's progress: the last credible one is."""

    def report(self, item, reporter, month: int, percent: int, *, confidence: str = "green"):
        data = ReportInput(period_start=date(2023, month, 1), done=f"{month}月进展", percent=Decimal(percent))
        data.confidence = confidence
        return services.report_submit(actor=reporter, item=item, data=data, as_of=date(2023, month, 20))

    def verify(self, report, supervisor, verdict: str, day: date = AS_OF):
        note = "" if verdict == "true" else "现场核实情况与报告不符"
        return services.report_verify(
            actor=supervisor, report=report, method="on_site", verdict=verdict, note=note, as_of=day
        )

    def test_an_untrue_verdict_brings_back_the_last_credible_figure(
        self, accepted_item, fagaiju_reporter, supervisor
    ):
        june = self.report(accepted_item, fagaiju_reporter, 6, 30, confidence="yellow")
        self.verify(june, supervisor, "partly", date(2023, 6, 28))  # partly true still counts
        july = self.report(accepted_item, fagaiju_reporter, 7, 60)
        accepted_item.refresh_from_db()
        assert accepted_item.progress_percent == Decimal(60)
        self.verify(july, supervisor, "untrue", date(2023, 7, 24))
        accepted_item.refresh_from_db()
        assert (accepted_item.progress_percent, accepted_item.confidence) == (Decimal(30), "yellow")

        page = client_for(supervisor).get(f"/items/{accepted_item.pk}/").content.decode()
        progress = page.split('data-testid="progress"')[1].split("</dd>")[0]
        assert "30%" in progress and "60%" not in progress
        assert "最新一期进度报告（2023年7月）经2023年7月24日核实不属实" in progress

    def test_an_earlier_report_not_yet_verified_is_credible(
        self, accepted_item, fagaiju_reporter, supervisor
    ):
        self.report(accepted_item, fagaiju_reporter, 6, 25)
        july = self.report(accepted_item, fagaiju_reporter, 7, 60)
        self.verify(july, supervisor, "untrue")
        accepted_item.refresh_from_db()
        assert accepted_item.progress_percent == Decimal(25)

    def test_with_no_credible_report_the_item_shows_no_figure(
        self, accepted_item, fagaiju_reporter, supervisor
    ):
        july = self.report(accepted_item, fagaiju_reporter, 7, 60)
        self.verify(july, supervisor, "untrue")
        accepted_item.refresh_from_db()
        assert accepted_item.progress_percent is None and accepted_item.confidence == ""
        page = client_for(supervisor).get(f"/items/{accepted_item.pk}/").content.decode()
        progress = page.split('data-testid="progress"')[1].split("</dd>")[0]
        assert "60%" not in progress and "无可信的进度" in progress and "核实不属实" in progress

    def test_a_later_credible_report_is_the_progress_again(self, accepted_item, fagaiju_reporter, supervisor):
        july = self.report(accepted_item, fagaiju_reporter, 7, 60)
        self.verify(july, supervisor, "untrue")
        self.report(accepted_item, fagaiju_reporter, 8, 45)
        accepted_item.refresh_from_db()
        assert accepted_item.progress_percent == Decimal(45)
        page = client_for(supervisor).get(f"/items/{accepted_item.pk}/").content.decode()
        assert 'data-testid="untrue-latest"' not in page


class TestOneReportPerPeriod:
    """A unit reports a period once; what follows is a correction of it (a new version)."""

    def test_a_second_report_of_the_same_period_is_refused(
        self, accepted_item, fagaiju_reporter, fagaiju_head
    ):
        services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
        with pytest.raises(services.ServiceError) as refused:
            services.report_submit(actor=fagaiju_head, item=accepted_item, data=july(), as_of=AS_OF)
        assert refused.value.message == (
            "县发改局2023年7月进度已由周静报送，不能重复报送；如需修改，请在该报告上点“更正”。"
        )
        assert ProgressReport.objects.filter(item=accepted_item).count() == 1

    def test_nor_after_a_correction_but_another_unit_and_another_period_may(
        self, accepted_item, fagaiju_reporter, wenlvju_reporter
    ):
        first = services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
        services.report_submit(
            actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF, supersedes=first
        )
        with pytest.raises(services.ServiceError, match="不能重复报送"):
            services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
        services.report_submit(actor=wenlvju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
        june = ReportInput(period_start=date(2023, 6, 1), done="完成项目建议书", percent=Decimal(20))
        services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=june, as_of=AS_OF)
        assert ProgressReport.objects.filter(item=accepted_item).count() == 4

    def test_a_report_sent_back_is_reported_again(self, zhashui, yingpan_reporter):
        from luoshi.items.tests.factories import ItemFactory

        unit = Unit.objects.get(region=zhashui, short_name="营盘镇")
        unit.reports_need_approval = True
        unit.save()
        item = ItemFactory(
            region=zhashui, lead_unit=unit, status=Status.ACCEPTED, accepted_on=date(2023, 7, 4)
        )
        waiting = services.report_submit(actor=yingpan_reporter, item=item, data=july(), as_of=AS_OF)
        with pytest.raises(services.ServiceError, match="已由郑丽填报，正等待单位负责人审核，不能重复报送"):
            services.report_submit(actor=yingpan_reporter, item=item, data=july(), as_of=AS_OF)
        head = unit.memberships.get(role="unit_head").user
        services.report_reject(actor=head, report=waiting, reason="请补充现场照片")
        again = services.report_submit(actor=yingpan_reporter, item=item, data=july(), as_of=AS_OF)
        assert (again.version, again.status) == (1, ReportStatus.PENDING_APPROVAL)
        # the report sent back may no longer be corrected into a second current report
        waiting.refresh_from_db()
        with pytest.raises(services.ServiceError, match="不能重复报送"):
            services.report_submit(
                actor=yingpan_reporter, item=item, data=july(), as_of=AS_OF, supersedes=waiting
            )

    def test_the_database_keeps_one_version_per_period(self, accepted_item, fagaiju_reporter):
        from django.db import IntegrityError, transaction

        from luoshi.items.tests.conftest import submitted_report

        first = submitted_report(accepted_item, fagaiju_reporter)
        with pytest.raises(IntegrityError), transaction.atomic():
            submitted_report(accepted_item, fagaiju_reporter)
        ProgressReport.objects.filter(pk=first.pk).update(status=ReportStatus.REJECTED)
        submitted_report(accepted_item, fagaiju_reporter)  # a report sent back leaves the line


def test_every_report_service_locks_the_item_before_the_report(
    monkeypatch, zhashui, accepted_item, fagaiju_reporter, yingpan_reporter, supervisor
):
    """report_submit took the item then the report, approve and verify the other way round: two of
    them at once could each hold what the other waits for (a deadlock on PostgreSQL)."""
    from django.db.models import QuerySet

    from luoshi.items.tests.factories import ItemFactory

    locked: list[str] = []
    select_for_update = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model.__name__)
        return select_for_update(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)

    def locks(call) -> list[str]:
        locked.clear()
        call()
        return locked[:2]

    first = services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
    assert locks(
        lambda: services.report_submit(
            actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF, supersedes=first
        )
    ) == ["Item", "ProgressReport"]
    correction = first.superseded_by
    assert locks(
        lambda: services.report_verify(
            actor=supervisor, report=correction, method="documents", verdict="true", note="", as_of=AS_OF
        )
    ) == ["Item", "ProgressReport"]

    unit = Unit.objects.get(region=zhashui, short_name="营盘镇")
    Unit.objects.filter(pk=unit.pk).update(reports_need_approval=True)
    item = ItemFactory(region=zhashui, lead_unit=unit, status=Status.ACCEPTED, accepted_on=date(2023, 7, 4))
    head = unit.memberships.get(role="unit_head").user
    waiting = services.report_submit(actor=yingpan_reporter, item=item, data=july(), as_of=AS_OF)
    assert locks(lambda: services.report_reject(actor=head, report=waiting, reason="请补充照片")) == [
        "Item",
        "ProgressReport",
    ]
    again = services.report_submit(actor=yingpan_reporter, item=item, data=july(), as_of=AS_OF)
    assert locks(lambda: services.report_approve(actor=head, report=again, as_of=AS_OF)) == [
        "Item",
        "ProgressReport",
    ]


@pytest.mark.django_db(transaction=True)
def test_two_people_reporting_the_same_period_at_once(accepted_item, fagaiju_reporter, fagaiju_head):
    """Two threads submitting the same period at the same moment: the item's lock lets one through."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory test database locks whole tables; this runs in the PostgreSQL pass")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(user) -> None:
        try:
            barrier.wait()
            services.report_submit(actor=user, item=accepted_item, data=july(), as_of=AS_OF)
            outcomes.append("saved")
        except services.ServiceError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(user,)) for user in (fagaiju_reporter, fagaiju_head)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "saved" in outcomes and len(outcomes) == 2
    assert next(o for o in outcomes if o != "saved").endswith(
        "不能重复报送；如需修改，请在该报告上点“更正”。"
    )
    assert ProgressReport.objects.filter(item=accepted_item, version=1).count() == 1


def test_an_image_claiming_huge_dimensions_is_not_decoded_for_a_thumbnail():
    """A 17 KB PNG can claim 12000×12000 pixels: refused from its header, before any decoding."""
    import struct
    import zlib

    from luoshi.items.evidence import thumbnail

    small = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(small, "PNG")
    data = bytearray(small.getvalue())
    data[16:24] = struct.pack(">II", 12000, 12000)  # IHDR width and height
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    with pytest.warns(Image.DecompressionBombWarning):
        assert Image.open(io.BytesIO(bytes(data))).size == (12000, 12000)
    assert thumbnail(io.BytesIO(bytes(data))) is None
    assert thumbnail(io.BytesIO(small.getvalue())) is not None


def test_the_item_holds_its_report_to_verify_until_the_office_verifies_it(
    accepted_item, fagaiju_reporter, supervisor
):
    """The office's queue is the items holding a report to verify: submitting, correcting and
    verifying keep it (Item.report_to_verify), and an older period's report is not asked for."""
    june = services.report_submit(
        actor=fagaiju_reporter,
        item=accepted_item,
        data=ReportInput(period_start=date(2023, 6, 1), done="完成可研", percent=Decimal(20)),
        as_of=AS_OF,
    )
    accepted_item.refresh_from_db()
    assert accepted_item.report_to_verify == june
    july_report = services.report_submit(actor=fagaiju_reporter, item=accepted_item, data=july(), as_of=AS_OF)
    accepted_item.refresh_from_db()
    assert accepted_item.report_to_verify == july_report  # June's is history now
    correction = services.report_submit(
        actor=fagaiju_reporter,
        item=accepted_item,
        data=july(),
        as_of=AS_OF,
        supersedes=july_report,
    )
    accepted_item.refresh_from_db()
    assert accepted_item.report_to_verify == correction
    assert [r.pk for r in verification_queue_for(supervisor)] == [correction.pk]
    services.report_verify(
        actor=supervisor,
        report=correction,
        method=Method.DOCUMENTS,
        verdict=Verdict.TRUE,
        note="",
        as_of=AS_OF,
    )
    accepted_item.refresh_from_db()
    assert accepted_item.report_to_verify is None
    assert list(verification_queue_for(supervisor)) == []


def test_an_existing_installation_finds_its_queue_when_it_migrates(accepted_item, fagaiju_reporter):
    """The migration that brings Item.report_to_verify fills it from the reports already there."""
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("luoshi.items.migrations.0007_item_report_to_verify")
    submitted_report(accepted_item, fagaiju_reporter, period_start=date(2023, 6, 1))
    july_report = submitted_report(accepted_item, fagaiju_reporter)
    Item.objects.filter(pk=accepted_item.pk).update(report_to_verify=None)

    migration.fill_reports_to_verify(apps, SimpleNamespace(connection=connection))

    accepted_item.refresh_from_db()
    assert accepted_item.report_to_verify == july_report
