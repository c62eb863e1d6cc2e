"""The demo county's part: 柞水县's July 2023 bulletin, drafted from the demo's data, left a draft
for the supervision office to edit and publish; and the pack of the 调度会 of the demo's day, with
the county magistrate and his deputies attending, its decisions left for the office to enter
(registered with registry.register_demo)."""

from __future__ import annotations

from datetime import date

from luoshi.bulletins.models import Bulletin, BulletinSettings, Meeting, MeetingKind
from luoshi.bulletins.periods import of_month
from luoshi.bulletins.selectors import meeting_leaders_for
from luoshi.bulletins.services import bulletin_draft, meeting_create
from luoshi.org.models import Region

COUNTY = "柞水县"


def load(*, as_of: date) -> None:
    region = Region.objects.filter(name=COUNTY, level=Region.Level.COUNTY).first()
    if region is None:
        return
    BulletinSettings.objects.get_or_create(
        region=region,
        defaults={
            "issuer": "柞水县人民政府督查室",
            "number_prefix": "柞政督",
            "recipients": "各镇人民政府，乾佑街道办事处，县政府各工作部门、事业机构",
            "copies_to": "县委办公室，县人大常委会办公室，县政协办公室，县纪委监委",
            "printer": "柞水县人民政府督查室",
        },
    )
    period = of_month(as_of)
    if not Bulletin.objects.filter(
        region=region, period_start=period.start, period_kind=period.kind
    ).exists():
        bulletin_draft(actor=None, region=region, period=period, as_of=as_of, today=as_of)
    if not Meeting.objects.filter(region=region, held_on=as_of).exists():
        meeting_create(
            actor=None,
            region=region,
            kind=MeetingKind.DISPATCH,
            held_on=as_of,
            as_of=as_of,
            leaders=list(meeting_leaders_for(region)),
        )
