"""The investment ledger, registered with the ledger registry (luoshi.core.registry).

Leads are not items: they are watched. The items of kind "investment" are the landings of signed
leads put under supervision; the ledger's page is the leads' list, its `luoshi stats` section the
leads by stage, and its demo the county's leads. With a detail model the kind is never offered by
the item form: a landing item is opened from its lead.
"""

from __future__ import annotations

from luoshi.core.registry import Ledger
from luoshi.investment.demo import load as demo
from luoshi.investment.models import KIND
from luoshi.investment.selectors import investment_stats

LEDGER = Ledger(
    kind=KIND,
    label="招商引资",
    app_label="investment",
    order=40,
    icon="briefcase",
    summary="招商线索从接触、洽谈到签约、落地、投产的跟踪，“四个清单”，产业链专班的转化漏斗和签约未落地预警。",
    url_name="investment:leads",
    detail_model="investment.Lead",
    stats=investment_stats,
    demo=demo,
)
