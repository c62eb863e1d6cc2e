"""Reminders on the right working days, by China's official calendar, to the app, email and robots."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from luoshi.core.workdays import WorkCalendar
from luoshi.items.models import Item, ItemEvent, Status
from luoshi.items.tests.factories import ItemFactory
from luoshi.notifications.models import Notification, Reminder
from luoshi.notifications.reminders import BEFORE, OVERDUE, TODAY, reminder_stage, reminders_send
from luoshi.notifications.tests.conftest import Robot

calendar = WorkCalendar()


@pytest.mark.parametrize(
    ("as_of", "stage"),
    [
        (date(2023, 7, 19), None),
        (date(2023, 7, 20), BEFORE),  # three working days before Tuesday 25 July
        (date(2023, 7, 25), TODAY),
        (date(2023, 7, 26), OVERDUE),
        (date(2023, 7, 27), None),
        (date(2023, 8, 2), OVERDUE),  # every five working days after the first
        (date(2023, 7, 29), None),  # a Saturday: no reminders on days off
    ],
)
def test_reminder_stage(as_of, stage):
    assert reminder_stage(date(2023, 7, 25), as_of, calendar, days_before=3, overdue_every=5) == stage


def test_due_on_a_holiday_is_reminded_on_the_last_working_day_before():
    # 1 October 2023 is National Day; the last working day before it is Thursday 28 September.
    assert (
        reminder_stage(date(2023, 10, 1), date(2023, 9, 28), calendar, days_before=3, overdue_every=5)
        == TODAY
    )


@pytest.fixture
def september_report_item(fagaiju_item) -> Item:
    """A report due monthly on the 30th: September 2023's falls in the holiday and moves to 7 October."""
    Item.objects.filter(pk=fagaiju_item.pk).update(
        status=Status.IN_PROGRESS,
        assigned_on=date(2023, 8, 28),
        accepted_on=date(2023, 8, 28),
        report_due_day=30,
    )
    fagaiju_item.refresh_from_db()
    return fagaiju_item


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "stage"),
    [
        (date(2023, 9, 26), BEFORE),  # three working days before 7 October: 28, 27, 26 September
        (date(2023, 9, 28), None),
        (date(2023, 9, 30), None),  # the nominal due day, in the holiday
        (date(2023, 10, 4), None),
        (date(2023, 10, 7), TODAY),  # a Saturday, but a make-up working day
        (date(2023, 10, 8), OVERDUE),  # a Sunday, also a make-up working day
        (date(2023, 10, 9), None),
    ],
)
def test_report_due_on_a_make_up_working_day_is_reminded_on_the_right_days(
    september_report_item, fagaiju_reporter, as_of, stage
):
    sent = reminders_send(as_of=as_of)
    reminders = Reminder.objects.filter(item=september_report_item, subject="report:2023-09-01")
    if stage is None:
        assert not reminders.exists()
        return
    reminder = reminders.get()
    assert (reminder.stage, reminder.due, reminder.sent_on) == (stage, date(2023, 10, 7), as_of)
    assert sent >= 1
    assert Notification.objects.filter(
        recipient=fagaiju_reporter, title__contains="2023年9月进度报送"
    ).exists()
    assert ItemEvent.objects.filter(item=september_report_item, kind="reminded").exists()


@pytest.mark.django_db
def test_a_second_run_the_same_day_sends_nothing(september_report_item):
    assert reminders_send(as_of=date(2023, 10, 7)) == 1
    assert reminders_send(as_of=date(2023, 10, 7)) == 0
    assert Reminder.objects.count() == 1


@pytest.mark.django_db
def test_deadline_and_milestone_reminders(fagaiju_item, fengrui_user, fagaiju_head):
    Item.objects.filter(pk=fagaiju_item.pk).update(
        deadline=date(2023, 7, 24), status=Status.IN_PROGRESS, accepted_on=date(2023, 7, 3)
    )
    fagaiju_item.milestones.create(name="完成用地预审", due=date(2023, 7, 28))
    reminders_send(as_of=date(2023, 7, 25))
    messages = set(Reminder.objects.values_list("message", flat=True))
    assert f"「{fagaiju_item.title}」完成时限已逾期1个工作日（应于7月24日前完成）" in messages
    assert f"「{fagaiju_item.title}」节点“完成用地预审”将于7月28日到期" in messages
    # an overdue deadline reaches the patron leader as well as the unit
    assert Notification.objects.filter(recipient=fengrui_user, title__contains="完成时限已逾期").exists()
    assert Notification.objects.filter(recipient=fagaiju_head, title__contains="完成时限已逾期").exists()


@pytest.mark.django_db
def test_nothing_for_completed_or_suspended_items(fagaiju_item):
    Item.objects.filter(pk=fagaiju_item.pk).update(deadline=date(2023, 7, 25), status=Status.SUSPENDED)
    assert reminders_send(as_of=date(2023, 7, 25)) == 0


@pytest.mark.django_db
def test_webhook_reminders_reach_the_units_group_robots(
    september_report_item, robot_server, django_capture_on_commit_callbacks, settings
):
    settings.LUOSHI_WEBHOOK_GATEWAY = robot_server  # the local robot stands in for the county's gateway
    unit = september_report_item.lead_unit
    unit.wecom_webhook = f"{robot_server}/cgi-bin/webhook/send?key=test"
    unit.dingtalk_webhook = f"{robot_server}/robot/send?access_token=test"
    unit.dingtalk_secret = "SECtest"
    unit.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=date(2023, 10, 7))
    by_path = {urlparse(path).path: (path, payload) for path, payload in Robot.received}
    _, wecom = by_path["/cgi-bin/webhook/send"]
    assert wecom["msgtype"] == "markdown"
    assert "县发改局今日催办（1项）" in wecom["markdown"]["content"]
    assert "2023年9月进度报送今天（10月7日）到期" in wecom["markdown"]["content"]
    ding_path, ding = by_path["/robot/send"]
    assert ding["markdown"]["title"] == "县发改局今日催办（1项）"
    query = parse_qs(urlparse(ding_path).query)
    assert query["access_token"] == ["test"] and query["timestamp"] and query["sign"]


@pytest.mark.django_db
def test_email_reminders(
    september_report_item, fagaiju_reporter, django_capture_on_commit_callbacks, mailoutbox
):
    fagaiju_reporter.email = "zhoujing@example.gov.cn"
    fagaiju_reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=date(2023, 10, 7))
    assert [m.to for m in mailoutbox] == [["zhoujing@example.gov.cn"]]
    assert "【落实】催办" in mailoutbox[0].subject


def test_dingtalk_signature_is_the_documented_one():
    from luoshi.notifications.robots import dingtalk_signed_url

    url = dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=x", "SECabc", timestamp_ms=1690250400000
    )
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1690250400000&sign=")
    assert "%" in url.rsplit("sign=", 1)[1]  # url-encoded base64


def test_report_period_not_expected_before_grace(fagaiju_item):
    # assigned on 28 August: the August report (due 30 August) is not asked for
    from luoshi.items.reporting import reporting_state

    state = reporting_state(
        cycle="monthly",
        due_day=30,
        assigned_on=date(2023, 8, 28),
        deadline=date(2023, 12, 31),
        status=Status.IN_PROGRESS,
        reported=set(),
        as_of=date(2023, 9, 1),
        calendar=calendar,
    )
    assert state.overdue is None and state.upcoming.start == date(2023, 9, 1)


_ = ItemFactory


def test_a_reminder_already_claimed_by_another_worker_is_not_sent_again(september_report_item, monkeypatch):
    """Two job workers run the daily job: the one that writes a reminder's row sends it; the other,
    finding the row written between its look and its write, sends nothing."""
    from luoshi.notifications import reminders

    real = reminders.reminder_candidates

    def racing(**kwargs):
        found = real(**kwargs)
        for c in found:  # the other worker writes the rows after this one looked
            Reminder.objects.create(
                item=c.item,
                kind=c.kind,
                subject=c.subject,
                due=c.due,
                sent_on=kwargs["as_of"],
                stage=c.stage,
                message=c.message,
            )
        return found

    monkeypatch.setattr(reminders, "reminder_candidates", racing)
    before = Notification.objects.count()
    assert reminders_send(as_of=date(2023, 10, 7)) == 0
    assert Notification.objects.count() == before
