"""Load the demo county. Only in demo mode: demo accounts never reach a production database."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from luoshi.audit import context as audit_context
from luoshi.audit.models import Action
from luoshi.audit.services import audit_record
from luoshi.core import clock, hooks, registry
from luoshi.org import demo as org_demo
from luoshi.org.models import Region, Role
from luoshi.web import demo_county

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: passwords are read off a screen


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    where: str
    role: str
    password: str  # "" when the account existed before this load: its password is unchanged


def accounts_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-accounts.txt"


def demo_allowed() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("生产环境不能加载演示数据。")
    if not settings.LUOSHI_DEMO:
        raise ImproperlyConfigured("演示数据只能在演示模式下加载：请设置 LUOSHI_DEMO=1。")


def database_is_empty() -> bool:
    return not Region.objects.exists()


def _new_password() -> str:
    fixed = os.environ.get("LUOSHI_DEMO_PASSWORD", "").strip()
    if fixed:
        return fixed
    while True:  # the password rules want letters, digits and symbols (the dashes) in every one
        password = "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def ledgers_demo_load(*, as_of: date) -> None:
    """Each registered ledger loads its part of the demo county, after the items' part (once per
    loader: an app keeping several ledgers loads them together)."""
    done: list[registry.DemoLoader] = []
    for ledger in registry.ledgers():
        if ledger.demo is not None and ledger.demo not in done:
            done.append(ledger.demo)
            with clock.pinned(as_of, time(17, 0)):
                ledger.demo(as_of=as_of)


def others_demo_load(*, as_of: date) -> None:
    """Then the parts that read the ledgers (the drafted bulletin: registry.register_demo)."""
    for loader in registry.demo_loaders():
        with clock.pinned(as_of, time(17, 0)):
            loader(as_of=as_of)


def demo_load(*, reset: bool = False) -> list[DemoAccount]:
    """Load the demo county; loading twice changes nothing. `reset` empties the database first."""
    demo_allowed()
    if reset:
        call_command("flush", interactive=False, verbosity=0)  # the audit log stays (audit's flush)
    passwords = {spec.username: _new_password() for spec in org_demo.ACCOUNTS}
    # The demo's thousands of rows are one row of the audit log, not one each.
    with transaction.atomic(), audit_context.quiet():
        loaded = org_demo.load_organisation(passwords=passwords)
        county = Region.objects.get(code=org_demo.COUNTY[2])
        with hooks.immediately():
            demo_county.load_items(county)
            ledgers_demo_load(as_of=demo_county.MEETING_DAY)
            others_demo_load(as_of=demo_county.MEETING_DAY)
        created = sum(1 for _spec, new in loaded if new)
        audit_record(
            action=Action.SYSTEM,
            region=county,
            summary=f"{'重置并' if reset else ''}载入演示数据：{county.name}的组织机构、演示账号"
            f"（新建 {created} 个）和督办事项",
        )
    accounts = [
        DemoAccount(
            username=spec.username,
            name=spec.name,
            where=spec.unit if spec.region == org_demo.COUNTY[0] else f"{spec.region} {spec.unit}",
            role=Role(spec.role).label,
            password=passwords[spec.username] if created else "",
        )
        for spec, created in loaded
    ]
    if any(account.password for account in accounts):
        _remember(accounts, replace=reset)
    return accounts


def _remember(accounts: list[DemoAccount], *, replace: bool) -> None:
    """Keep the generated passwords beside the database (never in the repository)."""
    path = accounts_file()
    known = {} if replace else dict(_read(path))
    for account in accounts:
        if account.password:
            known[account.username] = account.password
    lines = ["# luoshi 演示账号（仅演示模式）：用户名 密码 姓名 单位 角色"]
    for account in accounts:
        password = known.get(account.username, "（未记录）")
        lines.append("\t".join([account.username, password, account.name, account.where, account.role]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def _read(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        username, password, *_ = line.split("\t")
        rows.append((username, password))
    return rows


def demo_accounts_text() -> str:
    path = accounts_file()
    if not path.exists():
        return ""
    rows = [
        line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    width = max((len(row[0]) for row in rows if row and row[0]), default=10)
    out = [f"  {'用户名'.ljust(width)}  密码            姓名 · 单位 · 角色"]
    for row in rows:
        if len(row) >= 5:
            out.append(f"  {row[0].ljust(width)}  {row[1].ljust(14)}  {row[2]} · {row[3]} · {row[4]}")
    return "\n".join(out)
