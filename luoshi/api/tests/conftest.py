from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from luoshi.api import services
from luoshi.items.models import Item, ProgressReport, ReportStatus, Status
from luoshi.items.services.reports import evidence_attach
from luoshi.items.tests.factories import ItemFactory
from luoshi.items.tests.test_reports import photo
from luoshi.org.models import Unit, User

AS_OF = date(2023, 7, 25)


def token_for(user: User) -> str:
    return services.token_create(user=user, name="测试", expires_on=date(2023, 12, 31), as_of=AS_OF).secret


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


@pytest.fixture
def fagaiju_item(zhashui, fagaiju) -> Item:
    return ItemFactory(
        region=zhashui,
        lead_unit=fagaiju,
        title="溶洞互通式立交开工",
        status=Status.ACCEPTED,
        accepted_on=date(2023, 7, 4),
    )


@pytest.fixture
def other_item(zhashui) -> Item:
    """An item of 县财政局, which a 县发改局 reporter must not see."""
    return ItemFactory(
        region=zhashui,
        lead_unit=Unit.objects.get(region=zhashui, short_name="县财政局"),
        title="债券资金争取",
    )


@pytest.fixture
def other_report(other_item, supervisor) -> ProgressReport:
    report = ProgressReport.objects.create(
        item=other_item,
        unit=other_item.lead_unit,
        period_start=date(2023, 7, 1),
        period_end=date(2023, 7, 31),
        due_on=date(2023, 7, 25),
        done="已争取债券资金",
        percent=40,
        confidence="green",
        author=supervisor,
        status=ReportStatus.SUBMITTED,
        submitted_at="2023-07-20T10:00:00+08:00",
    )
    evidence_attach(actor=supervisor, report=report, upload=photo())
    return report
