"""Organisation workbooks for tests: a second county's, built with openpyxl as a county would fill in
the template (云岭县 under 秦南市: invented names, phones in the 139-0000 block no one is issued)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

from luoshi.org.sheets import ACCOUNT_COLUMNS, LEADER_COLUMNS, PERSON_COLUMNS, UNIT_COLUMNS

COUNTY, COUNTY_CODE, CITY = "云岭县", "619901", "秦南市"

UNITS = [
    # 单位全称, 简称, 单位代码, 类型, 上级单位, 其他叫法, 企业微信, 钉钉
    ["云岭县人民政府办公室", "县政府办", "YL-001", "其他", "县政府", "", "", ""],
    [
        "云岭县发展和改革局",
        "县发改局",
        "YL-002",
        "部门",
        "",
        "发改局",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fgj",
        "",
    ],
    ["云岭县财政局", "县财政局", "YL-003", "部门", "", "财政局", "", ""],
    ["云岭县住房和城乡建设局", "县住建局", "YL-004", "部门", "", "住建局", "", ""],
    ["云岭县交通运输局", "县交通局", "YL-005", "部门", "", "", "", ""],
    [
        "云岭县水利局",
        "县水利局",
        "YL-006",
        "部门",
        "",
        "",
        "",
        "https://oapi.dingtalk.com/robot/send?access_token=sl",
    ],
    ["云岭县农业农村局", "县农业农村局", "YL-007", "部门", "", "", "", ""],
    ["云岭县城关镇人民政府", "城关镇", "YL-008", "镇", "", "城关", "", ""],
    ["云岭县河口镇人民政府", "河口镇", "YL-009", "镇", "", "河口", "", ""],
    ["云岭县东山街道办事处", "东山街道", "YL-010", "街道办", "", "", "", ""],
]
PEOPLE = [
    ["周明远", "县政府", "县长", "13900001001"],
    ["李秋实", "县政府", "常务副县长", "13900001002"],
    ["韩雪梅", "县政府", "副县长", "13900001003"],
    ["孔令德", "县政府办", "主任", "13900001004"],
    ["严晓光", "县政府办", "信息中心工程师", "13900001005"],
    ["贺建国", "县发改局", "局长", "13900001006"],
    ["苏婉清", "县发改局", "项目股股长", "13900001007"],
    ["钱立伟", "县财政局", "局长", "13900001008"],
    ["陶丽华", "县财政局", "预算股股长", "13900001009"],
    ["郝长青", "县住建局", "局长", "13900001010"],
    ["葛文静", "县住建局", "办公室主任", "13900001011"],
    ["龚志远", "县交通局", "局长", "13900001012"],
    ["薛宁", "县交通局", "干事", "13900001013"],
    ["汤海波", "县水利局", "局长", "13900001014"],
    ["喻芳", "县水利局", "干事", "13900001015"],
    ["卢卫东", "县农业农村局", "局长", "13900001016"],
    ["焦敏", "县农业农村局", "干事", "13900001017"],
    ["鲁大勇", "城关镇", "镇长", "13900001018"],
    ["范小娟", "城关镇", "党政办干事", "13900001019"],
    ["柏松", "河口镇", "镇长", "13900001020"],
]
LEADERS = [
    ["周明远", "县政府", "县长", "主持县政府全面工作", "县政府办、县督查办", "1"],
    [
        "李秋实",
        "县政府",
        "常务副县长",
        "发展改革、财政、城乡建设",
        "县发改局、县财政局、县住建局、城关镇",
        "2",
    ],
    [
        "韩雪梅",
        "县政府",
        "副县长",
        "交通、水利、农业农村",
        "县交通局、县水利局、县农业农村局、河口镇、东山街道",
        "3",
    ],
]
ACCOUNTS = [
    ["zhoumy", "周明远", "县政府", "领导"],
    ["liqs", "李秋实", "县政府", "领导"],
    ["yl-fgj-head", "贺建国", "县发改局", "单位负责人"],
    ["yl-fgj-reporter", "苏婉清", "县发改局", "单位填报员"],
    ["yl-cgz-head", "鲁大勇", "城关镇", "单位负责人"],
    ["yl-xitong", "严晓光", "县政府办", "管理员"],
]


def workbook_bytes(
    units: list[list[str]] | None = None,
    people: list[list[str]] | None = None,
    leaders: list[list[str]] | None = None,
    accounts: list[list[str]] | None = None,
    *,
    leave_out: tuple[str, ...] = (),
) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows in (
        ("单位", UNIT_COLUMNS, UNITS if units is None else units),
        ("人员", PERSON_COLUMNS, PEOPLE if people is None else people),
        ("领导分管", LEADER_COLUMNS, LEADERS if leaders is None else leaders),
        ("账号", ACCOUNT_COLUMNS, ACCOUNTS if accounts is None else accounts),
    ):
        if title in leave_out:
            continue
        sheet = workbook.create_sheet(title)
        sheet.append([column.header for column in columns])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_workbook(path: Path, **kwargs: object) -> Path:
    path.write_bytes(workbook_bytes(**kwargs))  # type: ignore[arg-type]
    return path
