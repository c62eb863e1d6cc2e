"""The demo organisation: 柞水县 under 商洛市, with 镇安县 beside it so that city scoping is real.

Leaders, towns and departments are those a county government of this kind has; the leaders'
portfolios follow the work the magistrate's plenary speech of 2023-07-25 gives each of them.
Names of staff below the county leaders, and all phone numbers, are made up for the demo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User

CITY = ("商洛市", "商", "611000")
COUNTY = ("柞水县", "柞", "611026")
NEIGHBOUR = ("镇安县", "镇", "611025")

D, T, S, SUP, OTHER = (
    Unit.Kind.DEPARTMENT,
    Unit.Kind.TOWN,
    Unit.Kind.STREET,
    Unit.Kind.SUPERVISION,
    Unit.Kind.OTHER,
)

# (short name, full name, kind, other names)
COUNTY_UNITS: list[tuple[str, str, str, str]] = [
    ("县政府", "柞水县人民政府", OTHER, "县人民政府"),
    ("县政府办", "柞水县人民政府办公室", OTHER, "县政府办公室"),
    (
        "县督查办",
        "中共柞水县委柞水县人民政府督查办公室",
        SUP,
        "县委县政府督查办、县委（县政府）督查办、督查办",
    ),
    ("县人大办", "柞水县人大常委会办公室", OTHER, "县人大常委会办公室"),
    ("县委宣传部", "中共柞水县委宣传部", OTHER, "县文明办"),
    ("县发改局", "柞水县发展和改革局", D, "发改局、县发改委"),
    ("县财政局", "柞水县财政局", D, "财政局"),
    ("县统计局", "柞水县统计局", D, "统计局"),
    ("县审计局", "柞水县审计局", D, "审计局"),
    ("县税务局", "国家税务总局柞水县税务局", D, "税务局"),
    ("县住建局", "柞水县住房和城乡建设局", D, "住建局"),
    ("县自然资源局", "柞水县自然资源局", D, "自然资源局、县资源局"),
    ("县生态环境分局", "商洛市生态环境局柞水分局", D, "生态环境局、县环保局"),
    ("县应急管理局", "柞水县应急管理局", D, "应急局、县应急局"),
    ("县城管执法局", "柞水县城市管理执法局", D, "城管局、县城管局"),
    ("县交通运输局", "柞水县交通运输局", D, "交通局、县交通局"),
    ("县公安局", "柞水县公安局", D, "公安局"),
    ("县商务局", "柞水县商务局", D, "商务局"),
    ("县招商服务中心", "柞水县招商服务中心", D, "招商中心、县招商局"),
    ("县文旅局", "柞水县文化和旅游局", D, "文旅局、县文化旅游局"),
    ("县教体局", "柞水县教育体育局", D, "教体局、县教育局"),
    ("县卫健局", "柞水县卫生健康局", D, "卫健局"),
    ("县工信局", "柞水县工业和信息化局", D, "工信局"),
    ("县工业园区管委会", "柞水县工业园区管理委员会", D, "园区管委会"),
    ("县市场监管局", "柞水县市场监督管理局", D, "市场监管局"),
    ("县林业局", "柞水县林业局", D, "林业局"),
    ("县农业农村局", "柞水县农业农村局", D, "农业农村局"),
    ("县乡村振兴局", "柞水县乡村振兴局", D, "乡村振兴局"),
    ("县水利局", "柞水县水利局", D, "水利局"),
    ("县民政局", "柞水县民政局", D, "民政局"),
    ("县人社局", "柞水县人力资源和社会保障局", D, "人社局"),
    ("县退役军人事务局", "柞水县退役军人事务局", D, "退役军人事务局"),
    ("县信访局", "柞水县信访局", D, "信访局"),
    ("县司法局", "柞水县司法局", D, "司法局"),
    ("乾佑街道", "柞水县乾佑街道办事处", S, "乾佑街道办"),
    ("营盘镇", "柞水县营盘镇人民政府", T, "营盘"),
    ("下梁镇", "柞水县下梁镇人民政府", T, "下梁"),
    ("小岭镇", "柞水县小岭镇人民政府", T, "小岭"),
    ("凤凰镇", "柞水县凤凰镇人民政府", T, "凤凰"),
    ("红岩寺镇", "柞水县红岩寺镇人民政府", T, "红岩寺"),
    ("曹坪镇", "柞水县曹坪镇人民政府", T, "曹坪"),
    ("杏坪镇", "柞水县杏坪镇人民政府", T, "杏坪"),
    ("瓦房口镇", "柞水县瓦房口镇人民政府", T, "瓦房口"),
]

CITY_UNITS = [
    ("市政府", "商洛市人民政府", OTHER, ""),
    ("市督查办", "中共商洛市委商洛市人民政府督查办公室", SUP, "市委市政府督查办"),
    ("市发改委", "商洛市发展和改革委员会", D, ""),
]

NEIGHBOUR_UNITS = [
    ("县政府", "镇安县人民政府", OTHER, ""),
    ("县督查办", "中共镇安县委镇安县人民政府督查办公室", SUP, "督查办"),
    ("县发改局", "镇安县发展和改革局", D, ""),
    ("永乐街道", "镇安县永乐街道办事处", S, ""),
]


@dataclass(frozen=True)
class LeaderSpec:
    name: str
    title: str
    areas: str
    oversees: tuple[str, ...]
    aliases: str = ""


# The magistrate and the deputy magistrates as the speech names them (by given name where it does).
LEADERS = [
    LeaderSpec("刘鹏", "县长", "主持县政府全面工作", ("县政府办", "县督查办", "县审计局")),
    LeaderSpec(
        "冯锐",
        "常务副县长",
        "发展改革、重点项目、财政税收、统计、城乡建设、自然资源、生态环境、民生工程、安全生产",
        (
            "县发改局",
            "县财政局",
            "县统计局",
            "县税务局",
            "县住建局",
            "县自然资源局",
            "县生态环境分局",
            "县应急管理局",
        ),
    ),
    LeaderSpec(
        "茂荣",
        "副县长",
        "招商引资、商贸流通、文化旅游、康养产业、教育体育、卫生健康",
        ("县商务局", "县招商服务中心", "县文旅局", "县教体局", "县卫健局"),
    ),
    LeaderSpec(
        "维杰",
        "副县长",
        "工业经济、工业园区、市场监管、林业",
        ("县工信局", "县工业园区管委会", "县市场监管局", "县林业局"),
    ),
    LeaderSpec(
        "王宁",
        "副县长",
        "农业农村、巩固脱贫成果、乡村振兴、水利、民政、人社、退役军人",
        ("县农业农村局", "县乡村振兴局", "县水利局", "县民政局", "县人社局", "县退役军人事务局"),
    ),
    LeaderSpec(
        "小军",
        "副县长",
        "城市管理、交通运输、公安、信访、司法",
        ("县城管执法局", "县交通运输局", "县公安局", "县信访局", "县司法局"),
    ),
]


@dataclass(frozen=True)
class AccountSpec:
    username: str
    name: str
    region: str
    unit: str  # short name inside the region
    role: str
    post: str = ""
    leader: str = ""  # the leader's name when the account is a leader's


ACCOUNTS = [
    AccountSpec("liupeng", "刘鹏", COUNTY[0], "县政府", Role.LEADER, leader="刘鹏"),
    AccountSpec("fengrui", "冯锐", COUNTY[0], "县政府", Role.LEADER, leader="冯锐"),
    AccountSpec("maorong", "茂荣", COUNTY[0], "县政府", Role.LEADER, leader="茂荣"),
    AccountSpec("weijie", "维杰", COUNTY[0], "县政府", Role.LEADER, leader="维杰"),
    AccountSpec("wangning", "王宁", COUNTY[0], "县政府", Role.LEADER, leader="王宁"),
    AccountSpec("xiaojun", "小军", COUNTY[0], "县政府", Role.LEADER, leader="小军"),
    AccountSpec("duchaban", "赵敏", COUNTY[0], "县督查办", Role.SUPERVISOR, post="督查办主任"),
    AccountSpec("duchaban2", "孙海燕", COUNTY[0], "县督查办", Role.SUPERVISOR, post="督查专员"),
    AccountSpec("fgj-head", "陈立新", COUNTY[0], "县发改局", Role.UNIT_HEAD, post="局长"),
    AccountSpec("fgj-reporter", "周静", COUNTY[0], "县发改局", Role.REPORTER, post="项目股股长"),
    AccountSpec("wlj-reporter", "何佳", COUNTY[0], "县文旅局", Role.REPORTER, post="办公室主任"),
    AccountSpec("yingpan-head", "吴永强", COUNTY[0], "营盘镇", Role.UNIT_HEAD, post="镇长"),
    AccountSpec("yingpan-reporter", "郑丽", COUNTY[0], "营盘镇", Role.REPORTER, post="党政办干事"),
    AccountSpec("wlj-head", "罗晓燕", COUNTY[0], "县文旅局", Role.UNIT_HEAD, post="局长"),
    AccountSpec("tongji-head", "韩东", COUNTY[0], "县统计局", Role.UNIT_HEAD, post="局长"),
    AccountSpec("yuanqu-head", "彭志刚", COUNTY[0], "县工业园区管委会", Role.UNIT_HEAD, post="主任"),
    AccountSpec("zhujian-head", "邓伟", COUNTY[0], "县住建局", Role.UNIT_HEAD, post="局长"),
    AccountSpec("ziyuan-head", "唐明", COUNTY[0], "县自然资源局", Role.UNIT_HEAD, post="局长"),
    AccountSpec("shuili-head", "曾庆", COUNTY[0], "县水利局", Role.UNIT_HEAD, post="局长"),
    AccountSpec("hongyansi-head", "田野", COUNTY[0], "红岩寺镇", Role.UNIT_HEAD, post="镇长"),
    AccountSpec("xitong", "马骏", COUNTY[0], "县政府办", Role.ADMIN, post="信息中心工程师"),
    AccountSpec("renda", "杨帆", COUNTY[0], "县人大办", Role.VIEWER, post="联络科科长"),
    AccountSpec("shenji", "林晓雯", COUNTY[0], "县政府办", Role.AUDITOR, post="安全审计员"),
    AccountSpec("sl-duchaban", "高峰", CITY[0], "市督查办", Role.SUPERVISOR, post="市督查办督查科科长"),
    AccountSpec("za-duchaban", "许文", NEIGHBOUR[0], "县督查办", Role.SUPERVISOR, post="镇安县督查办干部"),
]


def _region(name: str, short: str, code: str, level: str, parent: Region | None, order: int) -> Region:
    region, _ = Region.objects.update_or_create(
        code=code,
        defaults={"name": name, "short_name": short, "level": level, "parent": parent, "sort_order": order},
    )
    return region


def _units(region: Region, specs: Sequence[tuple[str, str, str, str]]) -> dict[str, Unit]:
    units = {}
    for order, (short, full, kind, aliases) in enumerate(specs, start=1):
        unit, _ = Unit.objects.update_or_create(
            region=region,
            short_name=short,
            defaults={
                "name": full,
                "kind": kind,
                "aliases": aliases,
                "sort_order": order * 10,
                "is_active": True,
            },
        )
        units[short] = unit
    return units


def _phone(seed: int) -> str:
    # 139-0000-xxxx: a block that is not issued to subscribers, so no real person is dialled.
    return f"1390000{seed:04d}"


def load_organisation(*, passwords: dict[str, str]) -> list[tuple[AccountSpec, bool]]:
    """Create or update the demo organisation and its accounts.

    `passwords` gives the password of each account to create; existing accounts keep theirs.
    Returns each account with whether it was created now.
    """
    city = _region(*CITY, level=Region.Level.CITY, parent=None, order=1)
    county = _region(*COUNTY, level=Region.Level.COUNTY, parent=city, order=2)
    neighbour = _region(*NEIGHBOUR, level=Region.Level.COUNTY, parent=city, order=3)
    units = {
        city.name: _units(city, CITY_UNITS),
        county.name: _units(county, COUNTY_UNITS),
        neighbour.name: _units(neighbour, NEIGHBOUR_UNITS),
    }
    county_units = units[county.name]
    government = county_units["县政府"]
    # In 营盘镇 the head approves the reporter's progress reports before they go to the office.
    Unit.objects.filter(pk=county_units["营盘镇"].pk).update(reports_need_approval=True)
    # The supervision office works for the county government: it sits under it in the unit tree.
    Unit.objects.filter(pk=county_units["县督查办"].pk).update(parent=government)

    for rank, spec in enumerate(LEADERS, start=1):
        person, _ = Person.objects.update_or_create(
            unit=government,
            name=spec.name,
            defaults={"post": spec.title, "aliases": spec.aliases, "sort_order": rank, "phone": _phone(rank)},
        )
        leader, _ = Leader.objects.update_or_create(
            person=person, defaults={"region": county, "title": spec.title, "areas": spec.areas, "rank": rank}
        )
        leader.oversees.set([county_units[short] for short in spec.oversees])

    results = []
    for index, account in enumerate(ACCOUNTS, start=1):
        unit = units[account.region][account.unit]
        if account.leader:
            person = Person.objects.get(unit=unit, name=account.leader)
        else:
            person, _ = Person.objects.update_or_create(
                unit=unit, name=account.name, defaults={"post": account.post, "phone": _phone(100 + index)}
            )
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if user is None:
            user = User(username=account.username)
            user.set_password(passwords[account.username])
        user.name = account.name
        user.person = person
        user.is_staff = account.role == Role.ADMIN
        user.save()
        seat, _ = Membership.objects.get_or_create(user=user, unit=unit, role=account.role)
        if account.role in (Role.ADMIN, Role.AUDITOR):
            # The system administrator keeps the accounts and the auditor reads the audit log; neither
            # holds a role in the work (三员分立): reloading the demo takes back any other seat given.
            user.memberships.exclude(pk=seat.pk).delete()
        results.append((account, created))
    return results
