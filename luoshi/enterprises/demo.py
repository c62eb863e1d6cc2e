"""The demo county's enterprises on 2023-07-25: those in the statistics by category, the year's
cultivation candidates and the key taxpayers with their tax of January to June.

What the county says of them: its above-scale enterprises (121 in all, 大西沟矿业 and 盘龙药业
among the industrial ones), 32 to bring in this year of which two are in (再生资源利用公司 and
雨阳农业科技公司 are among the candidates), and 20 key taxpayers of which 13 pay more than a year
ago. The other names, the figures and the dates are illustrative (示意数据).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import product

from luoshi.enterprises.models import Category, CultivationTarget, Enterprise, SubTrade, TaxRecord, Threshold
from luoshi.org.models import Region, Unit

COUNTY = "柞水县"
YEAR = 2023
TARGET = 32
THRESHOLDS = (
    (Category.INDUSTRY, "", "年主营业务收入2000万元及以上", Decimal(2000)),
    (Category.TRADE, SubTrade.WHOLESALE, "批发业年主营业务收入2000万元及以上", Decimal(2000)),
    (Category.TRADE, SubTrade.RETAIL, "零售业年主营业务收入500万元及以上", Decimal(500)),
    (Category.TRADE, SubTrade.LODGING, "住宿业年主营业务收入200万元及以上", Decimal(200)),
    (Category.TRADE, SubTrade.CATERING, "餐饮业年主营业务收入200万元及以上", Decimal(200)),
    (Category.CONSTRUCTION, "", "具有建筑业资质等级", None),
    (Category.REAL_ESTATE, "", "有开发经营活动的房地产开发经营企业", None),
    (Category.SERVICES, "", "年营业收入1000万元及以上", Decimal(1000)),
)
# The trade of a 限上批零住餐 enterprise, from the word in its name.
SUB_TRADES = {
    "商贸": SubTrade.WHOLESALE,
    "物资": SubTrade.WHOLESALE,
    "超市": SubTrade.RETAIL,
    "百货": SubTrade.RETAIL,
    "酒店": SubTrade.LODGING,
    "餐饮": SubTrade.CATERING,
}
# Enterprises in the statistics by category (121 in all, the two newly entered included).
IN_STATISTICS = {
    Category.INDUSTRY: 45,
    Category.TRADE: 38,
    Category.CONSTRUCTION: 12,
    Category.REAL_ESTATE: 8,
    Category.SERVICES: 18,
}
NAMED = {Category.INDUSTRY: ("柞水大西沟矿业有限公司", "陕西盘龙药业集团股份有限公司")}
NEWLY_IN = (
    ("柞水县再生资源利用有限公司", Category.INDUSTRY, date(2023, 5, 12)),
    ("柞水县雨阳农业科技有限公司", Category.SERVICES, date(2023, 6, 9)),
)
PLACES = ("秦岭", "乾佑", "营盘", "下梁", "小岭", "凤凰", "红岩", "曹坪", "杏坪", "瓦房", "金米", "牛背")
TRADES = {
    Category.INDUSTRY: ("建材", "矿产", "食品", "木业", "新材", "制药", "农产品加工", "电子"),
    Category.TRADE: ("商贸", "超市", "酒店", "餐饮", "物资", "百货"),
    Category.CONSTRUCTION: ("建筑工程", "路桥工程", "水电安装"),
    Category.REAL_ESTATE: ("置业", "房地产开发"),
    Category.SERVICES: ("物业服务", "旅游开发", "信息技术", "运输", "文化传媒"),
}
SERVED_BY = {
    Category.INDUSTRY: "县工业园区管委会",
    Category.TRADE: "县商务局",
    Category.CONSTRUCTION: "县住建局",
    Category.REAL_ESTATE: "县住建局",
    Category.SERVICES: "县发改局",
}
KEY_TAXPAYERS = 20
GREW = 13


def _names(category: Category, count: int, taken: set[str]) -> list[str]:
    names = list(NAMED.get(category, ()))
    for place, trade in product(PLACES, TRADES[category]):
        if len(names) >= count:
            break
        name = f"柞水县{place}{trade}有限公司"
        if name not in taken and name not in names:
            names.append(name)
    taken.update(names)
    return names


def _sub_trade(category: Category, name: str) -> str:
    if category != Category.TRADE:
        return ""
    return next((trade for word, trade in SUB_TRADES.items() if word in name), SubTrade.RETAIL)


def load(*, as_of: date) -> None:
    region = Region.objects.filter(name=COUNTY).first()
    if region is None or Enterprise.objects.filter(region=region).exists():
        return
    units = {unit.short_name: unit for unit in Unit.objects.filter(region=region)}
    for category, sub_trade, measure, amount in THRESHOLDS:
        Threshold.objects.create(
            region=region, category=category, sub_trade=sub_trade, measure=measure, amount=amount
        )
    CultivationTarget.objects.create(region=region, year=YEAR, count=TARGET)
    taken: set[str] = set()
    listed: list[Enterprise] = []
    for category, count in IN_STATISTICS.items():
        newly = [n for n in NEWLY_IN if n[1] == category]
        for number, name in enumerate(_names(category, count - len(newly), taken)):
            listed.append(
                Enterprise(
                    region=region,
                    name=name,
                    category=category,
                    sub_trade=_sub_trade(category, name),
                    unit=units.get(SERVED_BY[category]),
                    in_statistics=True,
                    in_statistics_on=date(2015 + number % 8, 1 + number % 12, 1),
                )
            )
    Enterprise.objects.bulk_create(listed)
    candidates = []
    for name, category, entered in NEWLY_IN:
        taken.add(name)
        candidates.append(
            Enterprise(
                region=region,
                name=name,
                category=category,
                unit=units.get(SERVED_BY[category]),
                in_statistics=True,
                in_statistics_on=entered,
                candidate_year=YEAR,
                revenue=Decimal(2300) if category == Category.INDUSTRY else Decimal(1120),
            )
        )
    cultivated = (Category.INDUSTRY, Category.TRADE, Category.SERVICES)
    for number in range(TARGET - len(NEWLY_IN)):
        category = cultivated[number % 3]
        name = _names(category, len(NAMED.get(category, ())) + 1, taken)[-1].replace(
            "有限公司", "发展有限公司"
        )
        # The trade candidates are retailers: their gap is to the 500万 of retail.
        sub_trade = SubTrade.RETAIL if category == Category.TRADE else ""
        threshold = {(c, t): a for c, t, _m, a in THRESHOLDS}[(category, sub_trade)] or Decimal(0)
        candidates.append(
            Enterprise(
                region=region,
                name=name,
                category=category,
                sub_trade=sub_trade,
                unit=units.get(SERVED_BY[category]),
                candidate_year=YEAR,
                revenue=(threshold * Decimal(40 + 2 * number) / 100).quantize(Decimal(1)),
            )
        )
    Enterprise.objects.bulk_create(candidates)
    _taxes(region)


def _taxes(region: Region) -> None:
    """The key taxpayers (the largest industrial and trading enterprises) and their monthly tax of
    the year to June, with the same months of last year: the first GREW of them pay more."""
    named = list(Enterprise.objects.filter(region=region, name__in=NAMED[Category.INDUSTRY]))
    others = Enterprise.objects.filter(
        region=region, in_statistics=True, candidate_year__isnull=True
    ).exclude(pk__in=[e.pk for e in named])
    chosen = (named + list(others.order_by("category", "pk")[: KEY_TAXPAYERS - len(named)]))[:KEY_TAXPAYERS]
    Enterprise.objects.filter(pk__in=[e.pk for e in chosen]).update(key_taxpayer=True)
    records = []
    for number, enterprise in enumerate(chosen):
        base = Decimal(600 - 25 * number)
        change = Decimal(108 + number % 5) / 100 if number < GREW else Decimal(90 - number % 4) / 100
        for month in range(1, 7):
            last_year = (base * Decimal(90 + 3 * month) / 100).quantize(Decimal("0.01"))
            records.append(
                TaxRecord(
                    enterprise=enterprise,
                    month=date(YEAR, month, 1),
                    amount=(last_year * change).quantize(Decimal("0.01")),
                    last_year=last_year,
                )
            )
    TaxRecord.objects.bulk_create(records)
