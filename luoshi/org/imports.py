"""`luoshi import org FILE`: a county's organisation (units, people, leaders, accounts) from the
workbook of luoshi.org.sheets, all or nothing."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from luoshi.core.registry import ImportTarget
from luoshi.org.accounts import IssuedAccount
from luoshi.org.commands import region_named
from luoshi.org.sheets import OrgImportError, org_import, org_read


def org_import_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
    parser.add_argument("--dry-run", action="store_true", help="只检查，列出将新增和更新的内容，不导入")
    parser.add_argument(
        "--passwords",
        metavar="FILE",
        help="新账号的一次性密码写入这个文件（只有本人可读）；不指定时显示在屏幕上",
    )


def org_import_file(*, path: Path, options: Mapping[str, Any], stderr: Callable[[str], None]) -> str:
    region = region_named(options.get("region"))
    with path.open("rb") as source:
        plan = org_read(source, region=region, actor=None)
    if not plan.ok:
        for line in plan.errors.lines():
            stderr(line)
        raise CommandError(f"有 {plan.errors.count} 处错误，没有导入任何内容。")
    if options.get("dry_run"):
        lines = [f"检查通过（未导入）：{region.name}将{plan.summary()}。"]
        lines += [f"  {sheet} {verb} {what}" for sheet, verb, what in plan.changes()]
        return "\n".join(lines)
    try:
        outcome = org_import(plan)
    except OrgImportError as error:
        raise CommandError(error.message) from error
    done = f"已导入{region.name}的组织机构：{outcome.summary}。"
    if not outcome.issued:
        return done
    if options.get("passwords"):
        target = Path(options["passwords"])
        _write_private(target, passwords_text(outcome.issued))
        return f"{done}\n{len(outcome.issued)} 个新账号的一次性密码已写入 {target}（首次登录须修改密码）。"
    shown = "新账号的一次性密码（只显示这一次；首次登录须修改密码）："
    return f"{done}\n{shown}\n{passwords_text(outcome.issued)}"


def passwords_text(issued: list[IssuedAccount]) -> str:
    rows = ["用户名\t一次性密码\t姓名\t单位\t角色"]
    rows += ["\t".join((a.username, a.password, a.name, a.unit, a.roles)) for a in issued]
    return "\n".join(rows) + "\n"


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


ORG_IMPORT = ImportTarget(
    name="org",
    label="组织机构（单位、人员、领导分管、账号）",
    add_arguments=org_import_arguments,
    handle=org_import_file,
    order=5,
)
