"""The enterprises ledger, registered with the ledger registry (luoshi.core.registry).

Enterprises are not items: they are watched. The items of kind "enterprise" are the cultivation of
candidates into the statistics; the ledger's page is the enterprises' lists, its `luoshi stats`
section the counts. With a detail model the kind is never offered by the item form.
"""

from __future__ import annotations

from luoshi.core.registry import Ledger
from luoshi.enterprises.demo import load as demo
from luoshi.enterprises.models import KIND
from luoshi.enterprises.selectors import enterprises_stats

LEDGER = Ledger(
    kind=KIND,
    label="五上企业",
    app_label="enterprises",
    order=50,
    icon="shop",
    summary="在库五上企业、培育库企业离入统标准的差距和入库督办，以及重点税源企业的月度纳税和增长。",
    url_name="enterprises:list",
    detail_model="enterprises.Enterprise",
    stats=enterprises_stats,
    demo=demo,
)
