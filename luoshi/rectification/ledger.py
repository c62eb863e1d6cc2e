"""The rectification ledger, registered with the ledger registry (luoshi.core.registry): it takes
over the kind 问题整改 that items keeps plainly (a supervision visit still opens such items; this app
gives them their detail), with its page, its `luoshi stats` section and its demo."""

from __future__ import annotations

from luoshi.core.registry import Ledger
from luoshi.rectification.demo import load as demo
from luoshi.rectification.models import KIND
from luoshi.rectification.selectors import rectification_stats

LEDGER = Ledger(
    kind=KIND,
    label="问题整改",
    app_label="rectification",
    order=60,
    icon="tools",
    summary="上级反馈、督查发现和自查发现问题逐项建台账：问题、整改措施、时限、佐证，核实后销号，反弹问题重新整改并保留来龙去脉。",
    url_name="rectification:ledger",
    stats=rectification_stats,
    demo=demo,
)
