"""The demo county's investment attraction on 2023-07-25: six industry chains with their task
forces, the four lists, and leads of every chain in every stage, with their follow-ups.

The county speaks of six chains of a hundred-hundred-million scale each with its task force, of four
lists (activities, opportunities, target companies, tailored policies) and of following each
prospective investor one by one until its project produces. The chains, companies and figures here
are illustrative (示意数据); every contact is invented (phone numbers 1390000xxxx are not real).
The daily watch is run on the day, so signed leads long waiting are yellow or red and the red
ones' landings are items.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from luoshi.investment import services
from luoshi.investment.models import FollowUpKind, IndustryChain, ListEntry, ListKind, TaskForce
from luoshi.investment.services import FollowUpInput, LeadInput
from luoshi.investment.stages import LABELS, ROAD, Stage
from luoshi.org.models import Leader, Region, Unit

COUNTY = "柞水县"
# (chain, task force leader, unit running the task force)
CHAINS = (
    ("木耳产业链", "王宁", "县招商服务中心"),
    ("康养旅游产业链", "茂荣", "县文旅局"),
    ("新材料产业链", "维杰", "县工业园区管委会"),
    ("生物医药产业链", "维杰", "县工信局"),
    ("绿色食品产业链", "王宁", "县商务局"),
    ("现代物流产业链", "茂荣", "县招商服务中心"),
)
# Per chain, the leads' companies (示意), one per stage in the order of STAGES.
COMPANIES = {
    "木耳产业链": ("秦菌生物", "山珍木耳食品", "耳乡深加工", "秦岭菌业", "木耳之家", "菌谷科技"),
    "康养旅游产业链": ("云岭康养", "终南文旅", "溪谷露营", "秦风研学", "山居民宿", "森氧度假"),
    "新材料产业链": ("华钒新材", "秦岭硅业", "柞金新材料", "石墨烯科技", "绿能储材", "精工合金"),
    "生物医药产业链": ("秦药制药", "本草健康", "中药材饮片", "生物提取", "康元药业", "天麻科技"),
    "绿色食品产业链": ("核桃油脂", "山茶饮品", "林麝养殖", "板栗食品", "土蜂蜜业", "高山果蔬"),
    "现代物流产业链": ("秦通物流", "冷链仓储", "山货电商", "快运速达", "供应链服务", "陆港物流"),
}
STAGES = (Stage.CONTACT, Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.PRODUCING, Stage.LOST)
# A second signed lead in some chains, signed long enough ago to be yellow or red on the day.
LATE_SIGNED = {
    "木耳产业链": ("耳都冷链", date(2023, 3, 20)),  # 127 days: red
    "新材料产业链": ("钒电池储能", date(2023, 5, 10)),  # 76 days: yellow
    "康养旅游产业链": ("温泉康养", date(2023, 4, 12)),  # 104 days: red
}
LISTS = (
    (ListKind.ACTIVITY, "西安招商推介会", "木耳产业链", date(2023, 4, 18), None),
    (ListKind.ACTIVITY, "长三角康养产业对接会", "康养旅游产业链", date(2023, 6, 8), None),
    (ListKind.ACTIVITY, "新材料产业链企业座谈会", "新材料产业链", date(2023, 8, 15), None),
    (ListKind.OPPORTUNITY, "木耳精深加工园区二期", "木耳产业链", None, Decimal(30000)),
    (ListKind.OPPORTUNITY, "温泉森林康养综合体配套", "康养旅游产业链", None, Decimal(50000)),
    (ListKind.OPPORTUNITY, "园区闲置厂房招租", "新材料产业链", None, Decimal(8000)),
    (ListKind.TARGET, "国内食用菌加工龙头企业", "木耳产业链", None, None),
    (ListKind.TARGET, "储能材料上市公司", "新材料产业链", None, None),
    (ListKind.TARGET, "中药饮片生产企业", "生物医药产业链", None, None),
    (ListKind.POLICY, "园区厂房租金减免", "新材料产业链", None, None),
    (ListKind.POLICY, "农产品精深加工用地保障", "木耳产业链", None, None),
    (ListKind.POLICY, "康养项目一事一议", "康养旅游产业链", None, None),
)
YEAR_START = date(2023, 1, 4)


def load(*, as_of: date) -> None:
    region = Region.objects.filter(name=COUNTY).first()
    if region is None or IndustryChain.objects.filter(region=region).exists():
        return
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    leaders = {
        leader.person.name: leader for leader in Leader.objects.filter(region=region).select_related("person")
    }
    chains, forces = {}, {}
    for order, (name, leader, unit) in enumerate(CHAINS, start=1):
        chain = IndustryChain.objects.create(region=region, name=name, sort_order=order)
        chains[name] = chain
        forces[name] = TaskForce.objects.create(
            region=region,
            name=f"{name.removesuffix('产业链')}产业链招商专班",
            chain=chain,
            leader=leaders.get(leader),
            unit=units.get(unit),
        )
    entries: dict[str, list[ListEntry]] = {}
    for kind, title, chain_name, held_on, amount in LISTS:
        entry = ListEntry.objects.create(
            region=region, kind=kind, title=title, chain=chains[chain_name], held_on=held_on, amount=amount
        )
        entries.setdefault(chain_name, []).append(entry)
    number = 0
    for index, (chain_name, companies) in enumerate(COMPANIES.items()):
        plans = [(f"{companies[i]}有限公司", stage, 0) for i, stage in enumerate(STAGES)]
        if chain_name in LATE_SIGNED:
            plans.append((f"{LATE_SIGNED[chain_name][0]}有限公司", Stage.SIGNED, 1))
        for company, stage, late in plans:
            number += 1
            _lead(
                region,
                company=company,
                chain=chains[chain_name],
                force=forces[chain_name],
                lists=entries.get(chain_name, [])[:2],
                stage=stage,
                number=number,
                offset=index,
                # The chain's ordinary signed lead signed lately; the late ones long ago.
                signed=(LATE_SIGNED[chain_name][1] if late else as_of - timedelta(days=12 + 7 * index))
                if stage == Stage.SIGNED
                else None,
                as_of=as_of,
            )
    services.leads_watch(region=region, as_of=as_of)


def _lead(
    region: Region,
    *,
    company: str,
    chain: IndustryChain,
    force: TaskForce,
    lists: list[ListEntry],
    stage: Stage,
    number: int,
    offset: int,
    signed: date | None,
    as_of: date,
) -> None:
    # Each lead's road, spread over the first half of the year (illustrative dates).
    contacted = YEAR_START + timedelta(days=7 * offset + 3 * (number % 5))
    if signed is not None:
        contacted = signed - timedelta(days=40)
    unit = force.unit
    lead = services.lead_create(
        actor=None,
        region=region,
        data=LeadInput(
            company=company,
            project=f"{chain.name.removesuffix('产业链')}项目",
            chain=chain,
            contacted_on=contacted,
            contact_name=f"{'赵钱孙李周吴郑王冯陈'[number % 10]}经理",
            contact_phone=f"1390000{number:04d}",
            amount=Decimal(3000 + 1700 * (number % 9)),
            task_force=force,
            unit=unit,
            follower=unit.people.filter(is_active=True).first() if unit else None,
            lists=lists,
        ),
    )
    day = contacted
    road = ROAD[1 : ROAD.index(stage) + 1] if stage in ROAD else (Stage.NEGOTIATING,)
    for step in road:
        day = signed if (step == Stage.SIGNED and signed) else day + timedelta(days=20 + 4 * (number % 4))
        day = min(day, as_of - timedelta(days=1))
        _follow_up(
            lead, day, f"与企业{'洽谈合作条件' if step == Stage.NEGOTIATING else '推进' + LABELS[step]}"
        )
        lead = services.lead_move(actor=None, lead=lead, target=step, on=day)
    if stage == Stage.LOST:
        day = min(day + timedelta(days=30), as_of - timedelta(days=1))
        lead = services.lead_move(
            actor=None, lead=lead, target=Stage.LOST, on=day, reason="企业调整投资计划，转投外省"
        )
    elif number % 3 and stage in (Stage.CONTACT, Stage.NEGOTIATING, Stage.SIGNED):
        # Most open leads were followed up lately; every third one has gone quiet.
        _follow_up(lead, as_of - timedelta(days=5 + number % 10), "电话了解企业投资进展")


def _follow_up(lead: object, on: date, summary: str) -> None:
    services.follow_up_record(
        actor=None,
        lead=lead,  # type: ignore[arg-type]
        data=FollowUpInput(
            on=on,
            kind=FollowUpKind.VISIT if on.day % 2 else FollowUpKind.CALL,
            summary=summary,
            next_step="约企业负责人来县考察",
            next_on=on + timedelta(days=14),
        ),
        as_of=on,
    )
