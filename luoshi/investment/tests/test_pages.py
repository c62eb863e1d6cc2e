"""What a user sees of leads on the demo county: contacts masked in the list and in full on the
lead's page for those following it, the funnel, the demo's figures from the selectors."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command

from luoshi.conftest import client_for, demo_user
from luoshi.investment.models import Lead
from luoshi.investment.stages import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_db, db, demo_mode):
    """The demo county (loaded once for the module), on its day."""


def test_the_list_masks_every_contact(demo):
    page = client_for(demo_user("duchaban")).get("/investment/")
    text = page.content.decode()
    assert page.status_code == 200 and "招商线索" in text
    leads = list(Lead.objects.filter(region__name="柞水县"))
    assert len(page.context["rows"]) == len(leads)
    for lead in leads:
        assert lead.contact_phone not in text and lead.masked_phone in text
    assert re.search(r"139\*\*\*\*\d{4}", text)


def test_the_full_contact_only_for_the_follower_and_the_office(demo):
    lead = Lead.objects.filter(region__name="柞水县", unit__short_name="县工业园区管委会").first()
    assert lead is not None
    for username, full in (("duchaban", True), ("yuanqu-head", True), ("liupeng", False), ("renda", False)):
        page = client_for(demo_user(username)).get(f"/investment/{lead.pk}/")
        assert page.status_code == 200, username
        assert (lead.contact_phone in page.content.decode()) is full, username
    # A unit that does not follow it does not see it at all.
    assert client_for(demo_user("fgj-reporter")).get(f"/investment/{lead.pk}/").status_code == 404


def test_every_chain_has_leads_in_every_stage_and_red_ones_have_their_item(demo):
    leads = Lead.objects.filter(region__name="柞水县")
    for chain in {lead.chain_id for lead in leads}:
        assert {lead.stage for lead in leads if lead.chain_id == chain} == {s.value for s in Stage}
    red = leads.filter(landing_warning="red")
    assert red.exists() and all(lead.landing_item_id for lead in red)


def test_the_funnel_counts_what_the_stats_count(demo):
    page = client_for(demo_user("duchaban")).get("/investment/funnel/")
    funnel = page.context["funnel"]
    assert funnel.total.contact >= funnel.total.signed >= funnel.total.landed > 0
    assert sum(row.signed for row in funnel.by_chain) == funnel.total.signed
    assert sum(row.landed for row in funnel.by_month) == funnel.total.landed
    out = __import__("io").StringIO()
    call_command("stats", "--as-of", "2023-07-25", "--region", "柞水县", "--json", stdout=out)
    section = json.loads(out.getvalue())["investment"]
    assert section["signed_not_landed"] == len(page.context["waiting"])
    assert (
        section["by_stage"]["producing"]
        == Lead.objects.filter(region__name="柞水县", stage="producing").count()
    )
    assert section["leads"] == sum(section["by_stage"].values())


def test_a_unit_records_a_follow_up_of_its_lead(demo):
    lead = Lead.objects.filter(
        region__name="柞水县", unit__short_name="县工业园区管委会", stage="negotiating"
    ).first()
    assert lead is not None
    client = client_for(demo_user("yuanqu-head"))
    response = client.post(
        f"/investment/{lead.pk}/follow-up/",
        {
            "on": "2023-07-25",
            "kind": "visit",
            "summary": "上门了解用地需求",
            "next_step": "报送用地方案",
            "next_on": "2023-08-05",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/investment/{lead.pk}/")
    assert "上门了解用地需求" in page.content.decode()
