"""The commitments ledger, registered with the ledger registry (luoshi.core.registry): it takes
over the kind 承诺事项 that items keeps plainly (items made anywhere stay commitments; this app gives
them their detail), with its pages, its `luoshi stats` section (commitments; the livelihood
projects' section is registered beside it) and its demo."""

from __future__ import annotations

from luoshi.commitments.demo import load as demo
from luoshi.commitments.models import KIND
from luoshi.commitments.selectors import commitments_stats
from luoshi.core.registry import Ledger

LEDGER = Ledger(
    kind=KIND,
    label="承诺事项",
    app_label="commitments",
    order=50,
    icon="patch-check",
    summary="市下达军令状的要求、标准和时限，人大代表票决民生实事的开工、建成、投资和年底满意度测评，各单位承诺书的落实情况。",
    url_name="commitments:ledger",
    stats=commitments_stats,
    demo=demo,
)
