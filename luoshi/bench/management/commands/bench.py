"""luoshi bench: build a city in a database of its own and measure what the pages and jobs cost.

    luoshi bench [--counties 10] [--items-per-county 4000] [--db sqlite|postgres] [--runs 5]
                 [--json OUT] [--markdown OUT] [--import-rows 10000] [--export-items 12000] [--keep]

The user's database is never opened: the benchmark's is a fresh SQLite file in a temporary folder,
or a new PostgreSQL database luoshi_bench_<pid> on the server of DATABASE_URL (or
postgres://postgres@127.0.0.1:5432), dropped at the end. See docs/BENCH.md.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import sqlite3
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import django
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from luoshi.bench import database
from luoshi.bench.builder import AS_OF, Builder, Shape
from luoshi.bench.child import MARK, ChildError, run_child
from luoshi.bench.environment import bench_environment
from luoshi.bench.measure import Harness, subjects
from luoshi.bench.progress import Progress
from luoshi.bench.results import GOAL_COUNTIES, GOAL_ITEMS_PER_COUNTY, Result, markdown, table

FORMAT = 1  # of the JSON file


class Command(BaseCommand):
    help = (
        "性能基准：在独立的临时数据库中生成一个市（N 个县）的数据，测量各页面、重算、导入和导出的耗时、"
        "查询次数和内存，并与手写最少 SQL 的“底线”比较。不会读写你的数据库。"
    )
    requires_system_checks: list[str] = []  # nothing may touch a database before the switch

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--counties", type=int, default=GOAL_COUNTIES, help="县的个数（默认 10）")
        parser.add_argument(
            "--items-per-county", type=int, default=GOAL_ITEMS_PER_COUNTY, help="每县事项数（默认 4000）"
        )
        parser.add_argument("--db", choices=[database.SQLITE, database.POSTGRES], default=database.SQLITE)
        parser.add_argument("--runs", type=int, default=5, help="每项测量的次数，取中位数（默认 5）")
        parser.add_argument("--json", metavar="OUT", help="把全部结果写入这个 JSON 文件")
        parser.add_argument("--markdown", metavar="OUT", help="把结果表写入这个 Markdown 文件")
        parser.add_argument("--import-rows", type=int, default=10_000, help="导入的行数（默认 10000）")
        parser.add_argument("--export-items", type=int, default=12_000, help="导出的事项数（默认 12000）")
        parser.add_argument(
            "--page-budget",
            type=float,
            default=30.0,
            help="一个页面（连同底线）重复测量最多用的秒数，超过即不再重复（默认 30）",
        )
        parser.add_argument(
            "--page-timeout",
            type=float,
            default=60.0,
            help="一次页面请求的时限（秒）；超时即停止并记为“超过”（默认 60）",
        )
        parser.add_argument(
            "--job-timeout",
            type=float,
            default=75.0,
            help="重算、导入、导出每次运行的时限（秒）；超时即停止并记为“超过”（默认 75）",
        )
        parser.add_argument(
            "--only",
            metavar="KEYS",
            default="",
            help="只测量这些项（逗号分隔的前缀，如 work.,dashboard.city）；默认全部",
        )
        parser.add_argument("--keep", action="store_true", help="保留基准数据库和临时目录（用于排查）")
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")
        parser.add_argument("--child", help=argparse_hidden())
        parser.add_argument("--child-args", default="{}", help=argparse_hidden())

    def handle(self, *args: Any, **options: Any) -> None:
        if options["child"]:
            self._child(options["child"], json.loads(options["child_args"]))
            return
        for name in ("counties", "items_per_county", "runs", "import_rows", "export_items"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} 至少为 1。")
        started = time.monotonic()
        # Stopped from outside (SIGTERM), it still drops its database and folder on the way out.
        signal.signal(signal.SIGTERM, _stop)
        stream: TextIO = self.stderr._out  # type: ignore[assignment] # the stream it wraps
        progress = Progress(stream, enabled=not options["quiet"])
        try:
            bench = database.create(options["db"])
        except database.BenchDatabaseError as error:
            raise CommandError(str(error)) from error
        shape = Shape(counties=options["counties"], items_per_county=options["items_per_county"])
        stream.write(
            f"luoshi bench: {shape.counties} 个县 × {shape.items_per_county} 项，{options['db']}，"
            f"每项测量 {options['runs']} 次；基准数据库 {bench.name}\n"
        )
        try:
            with bench_environment(bench.workdir):
                with database.using(bench.build_entry()):
                    progress.stage("migrating", 1)
                    migrate_started = time.monotonic()
                    call_command("migrate", verbosity=0, interactive=False)
                    migrate_seconds = time.monotonic() - migrate_started
                    progress.stage("building the city", shape.counties * shape.items_per_county)
                    build_started = time.monotonic()
                    city = Builder(
                        shape, media_root=bench.workdir / "uploads", progress=progress.advance
                    ).build()
                    build_seconds = time.monotonic() - build_started
                with database.using(bench.entry):
                    progress.stage("preparing the import sheet", 1)
                    chosen = subjects(
                        city,
                        workdir=bench.workdir,
                        import_rows=options["import_rows"],
                        export_items=options["export_items"],
                    )
                    progress.finish()
                    results = Harness(
                        bench,
                        chosen,
                        runs=options["runs"],
                        progress=progress,
                        page_budget=options["page_budget"],
                        page_timeout=options["page_timeout"],
                        job_timeout=options["job_timeout"],
                        only=tuple(key.strip() for key in options["only"].split(",") if key.strip()),
                    ).run()
                    machine = machine_info(options["db"])
        finally:
            progress.finish()
            if options["keep"]:
                stream.write(f"保留了基准数据库 {bench.name}（目录 {bench.workdir}）\n")
            else:
                database.drop(bench)
        total = time.monotonic() - started
        payload = {
            "format": FORMAT,
            "machine": machine,
            "parameters": {
                "counties": shape.counties,
                "items_per_county": shape.items_per_county,
                "db": options["db"],
                "runs": options["runs"],
                "import_rows": options["import_rows"],
                "export_items": options["export_items"],
                "page_budget_s": options["page_budget"],
                "page_timeout_s": options["page_timeout"],
                "job_timeout_s": options["job_timeout"],
                "only": options["only"],
                "as_of": AS_OF.isoformat(),
            },
            "goal_size": {
                "counties": GOAL_COUNTIES,
                "items_per_county": GOAL_ITEMS_PER_COUNTY,
                "this_run_matches": shape.counties == GOAL_COUNTIES
                and shape.items_per_county == GOAL_ITEMS_PER_COUNTY,
            },
            "build": {
                "migrate_seconds": round(migrate_seconds, 1),
                "seconds": round(build_seconds, 1),
                "rows": dict(sorted(city.rows.items())),
            },
            "measurements": [result.as_json() for result in results],
            "summary": summary(results) | {"total_seconds": round(total, 1)},
        }
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        if options["markdown"]:
            Path(options["markdown"]).write_text("\n".join(markdown(results)) + "\n")
        self._screen(payload, results)

    def _screen(self, payload: dict[str, Any], results: list[Result]) -> None:
        p, build, s = payload["parameters"], payload["build"], payload["summary"]
        rows, cores = sum(build["rows"].values()), payload["machine"]["cores"]
        self.stdout.write(
            f"\n{p['counties']} 个县 × {p['items_per_county']} 项（{p['db']}，{cores} 核）："
            f"迁移 {build['migrate_seconds']} s，生成 {rows} 行 {build['seconds']} s；"
            f"每项 {p['runs']} 次，取中位数\n"
        )
        for line in table(results):
            self.stdout.write(line)
        if not payload["goal_size"]["this_run_matches"]:
            self.stdout.write(
                f"\n注意：目标按 {GOAL_COUNTIES} 个县 × {GOAL_ITEMS_PER_COUNTY} 项设定，"
                "本次规模不同，达标与否仅供参考。"
            )
        self.stdout.write(
            f"\n目标：达成 {s['goals_met']} 项，未达成 {s['goals_missed']} 项；出错 {s['errors']} 项；"
            f"总耗时 {s['total_seconds']} s"
        )

    def _child(self, op: str, args: dict[str, Any]) -> None:
        try:
            answer = run_child(op, args)
        except ChildError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(MARK + json.dumps(answer, ensure_ascii=False))


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def summary(results: list[Result]) -> dict[str, int]:
    checks = [check for result in results for check in result.goal_checks()]
    return {
        "goals_met": sum(1 for c in checks if c["met"] is True),
        "goals_missed": sum(1 for c in checks if c["met"] is False),
        "goals_unknown": sum(1 for c in checks if c["met"] is None),
        "measurements_met": sum(1 for r in results if r.met is True),
        "measurements_missed": sum(1 for r in results if r.met is False),
        "errors": sum(1 for r in results if r.error),
    }


def machine_info(engine: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        else:
            version = sqlite3.sqlite_version
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": platform.node(),
        "platform": platform.platform(),
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "db": {"engine": engine, "vendor": connection.vendor, "version": version},
        "luoshi_commit": _commit(),
    }


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _commit() -> str:
    root = Path(__file__).resolve().parents[4]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git on the PATH, read only
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()
