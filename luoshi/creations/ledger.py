"""The honour creations and on-site meetings ledgers, registered with the ledger registry
(luoshi.core.registry): their kinds, detail models, pages, `luoshi stats` sections (creations; the
meetings' section onsite_meetings is registered beside it) and demo."""

from __future__ import annotations

from luoshi.core.registry import Ledger
from luoshi.creations.demo import load as demo
from luoshi.creations.models import KIND, MEETING_KIND
from luoshi.creations.selectors import creations_stats

LEDGER = Ledger(
    kind=KIND,
    label="示范创建",
    app_label="creations",
    order=30,
    icon="award",
    summary="国家级、省级、市级示范创建的阶段（谋划、申报、初核、初验、请验、验收、授牌命名、复审）、预计时间、档案资料和未通过后的重新申报。",
    url_name="creations:ledger",
    detail_model="creations.Creation",
    stats=creations_stats,
    demo=demo,
)
MEETINGS = Ledger(
    kind=MEETING_KIND,
    label="现场会",
    app_label="creations",
    order=31,
    icon="people",
    summary="省市级现场会和观摩活动的计划与召开，观摩点（重点项目或地点）及其准备事项。",
    url_name="creations:meetings",
    detail_model="creations.OnSiteMeeting",
    demo=demo,
)
