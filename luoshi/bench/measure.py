"""The measurements: each page, selector, command and job, timed `runs` times beside its floor.

Pages go through Django's test client in this process, logged in as the user at hand; the time
is the request's, from the client's call to its response (middleware, view, queries, template).
The number of queries is counted with an execute wrapper (no query log is kept). Each page is
asked once first, untimed, so that templates and code are loaded as on a running server (see
Harness for the limits that keep a slow page from taking the whole run). The jobs
run in child processes (child.py) for their peak memory.
"""

from __future__ import annotations

import io
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from openpyxl import Workbook, load_workbook

from luoshi.bench import floors
from luoshi.bench.builder import AS_OF, City, County
from luoshi.bench.child import spawn
from luoshi.bench.database import BenchDatabase
from luoshi.bench.progress import Progress
from luoshi.bench.results import (
    EXPORT_MB,
    EXPORT_SECONDS,
    IMPORT_MB,
    IMPORT_SECONDS,
    RECOMPUTE_MB,
    RECOMPUTE_SECONDS,
    Goal,
    Result,
    Series,
    page_goals,
)
from luoshi.bench.timing import timed
from luoshi.core.selectors import work_calendar
from luoshi.extraction.core import extract
from luoshi.items.excel import export_workbook
from luoshi.items.models import Item, Kind, ProgressReport, Status
from luoshi.items.selectors import verification_queue_for
from luoshi.org.models import User

SHEET_ITEMS = 1000  # distinct items in the import sheet; its rows repeat them
SLOW_MS = 2000.0  # a first request this slow is a sample: loading templates is lost in it


@dataclass
class Subjects:
    """Who and what the measurements are about: the first county, its accounts, the city."""

    city: City
    county: County
    users: dict[int, User]
    county_ids: list[int]
    item_id: int
    owing: floors.Owing
    export_deadline: date | None
    export_rows: int
    sheet: Path
    import_rows: int

    def user(self, pk: int) -> User:
        return self.users[pk]


def subjects(city: City, *, workdir: Path, import_rows: int, export_items: int) -> Subjects:
    county = city.counties[0]
    wanted = [
        city.office_user_id,
        county.supervisor_id,
        county.leader_user_id,
        county.head_user_id,
        county.reporter_user_id,
    ]
    users = {u.pk: u for u in User.objects.filter(pk__in=wanted)}
    # The item page: a piece of 县发改局's work under way with the longest history.
    busiest = (
        ProgressReport.objects.filter(
            item__region_id=county.region_id,
            item__status=Status.IN_PROGRESS,
            item__lead_unit_id=county.busiest_unit_id,
        )
        .values("item_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "item_id")
        .first()
    )
    item_id = (
        busiest["item_id"]
        if busiest
        else Item.objects.filter(region_id=county.region_id).order_by("pk")[0].pk
    )
    total = Item.objects.count()
    deadline, rows = None, total
    if total > export_items:
        # The earliest deadlines up to the wanted number of items: the list as the office filters it.
        deadline = Item.objects.order_by("deadline", "pk").values_list("deadline", flat=True)[
            export_items - 1
        ]
        rows = Item.objects.filter(deadline__lte=deadline).count()
    sheet = workdir / "import.xlsx"
    import_sheet(county, rows=import_rows, path=sheet)
    return Subjects(
        city=city,
        county=county,
        users=users,
        county_ids=[c.region_id for c in city.counties],
        item_id=item_id,
        owing=floors.Owing.as_of(AS_OF, work_calendar()),
        export_deadline=deadline,
        export_rows=rows,
        sheet=sheet,
        import_rows=import_rows,
    )


def import_sheet(county: County, *, rows: int, path: Path) -> None:
    """A sheet of `rows` new items in the project's own export format: the county's items as
    `export_workbook` writes them (up to SHEET_ITEMS of them, repeated), their code, version and
    region cleared, which is what an office fills in from the template."""
    ids = list(
        Item.objects.filter(region_id=county.region_id)
        .order_by("pk")
        .values_list("pk", flat=True)[: min(rows, SHEET_ITEMS)]
    )
    buffer = io.BytesIO()
    export_workbook(Item.objects.filter(pk__in=ids).order_by("pk"), buffer)
    buffer.seek(0)
    exported = load_workbook(buffer, read_only=True)
    header, *body = [list(row) for row in exported.worksheets[0].iter_rows(values_only=True)]
    exported.close()
    cleared = [header.index(name) for name in ("编号", "版本", "行政区")]
    for row in body:
        for index in cleared:
            row[index] = None
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("督办事项")
    sheet.append(header)
    for number in range(rows):
        sheet.append(body[number % len(body)])
    workbook.save(path)


@dataclass
class Spec:
    result: Result
    call: Callable[[], Any]  # what is measured; a page's returns its response
    floor: Callable[[], Any] | None
    before: Callable[[], None] | None = None  # untimed, before each run


EXTRACT_CHARACTERS = 20_000
EXTRACT_MS = 1000.0  # the extractor reads a long speech in under a second


def extraction_spec() -> Spec:
    """The extractor on a speech of 20,000 characters: the minutes kept with the demo, repeated
    (a county's speech at a plenary meeting is about that long). No database, no floor."""
    corpus = Path(__file__).resolve().parents[1] / "extraction" / "corpus"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))
    text = (text * (EXTRACT_CHARACTERS // max(len(text), 1) + 1))[:EXTRACT_CHARACTERS]
    result = Result(
        "extract.speech",
        f"讲话分解：{EXTRACT_CHARACTERS} 字",
        "command",
        "county",
        "(none)",
        f"luoshi.extraction.core.extract (text of {EXTRACT_CHARACTERS} characters)",
        goals=[Goal("ms", EXTRACT_MS)],
    )
    return Spec(result, lambda: extract(text, meeting_date=AS_OF), None)


class Harness:
    """Runs every measurement `runs` times, within time limits, and says where it cut short.

    A page is asked once untimed first (templates and code load, as on a running server), unless
    that first request is slow enough (over SLOW_MS) for loading to be lost in it: then it is the
    first sample. A page is not asked again once `page_budget` seconds are spent on it, and a
    request is stopped after `page_timeout` seconds. A job's run is stopped after `job_timeout`
    seconds and not repeated when another run would not fit in that time. A stopped run gives a
    lower bound (`timed_out_after_s`); fewer runs than planned show as `runs` < `planned_runs`.
    """

    def __init__(
        self,
        database: BenchDatabase,
        subjects: Subjects,
        *,
        runs: int,
        progress: Progress,
        page_budget: float = 30.0,
        page_timeout: float = 60.0,
        job_timeout: float = 75.0,
        only: tuple[str, ...] = (),
    ) -> None:
        self.database, self.s, self.runs, self.progress = database, subjects, runs, progress
        self.page_budget, self.page_timeout, self.job_timeout = page_budget, page_timeout, job_timeout
        self.only = only

    # -----------------------------------------------------------------------------------------
    def specs(self) -> list[Spec]:
        s, county = self.s, self.s.county
        office = s.user(county.supervisor_id)
        city_office = s.user(s.city.office_user_id)
        leader = s.user(county.leader_user_id)
        head, reporter = s.user(county.head_user_id), s.user(county.reporter_user_id)
        one, every = [county.region_id], s.county_ids
        owing = s.owing
        assert leader.person_id is not None
        person_id = leader.person_id
        specs = [
            self._page(
                "work.county_office",
                "我的工作 · 县督查办",
                office,
                "/work/",
                "county",
                lambda: floors.work_office(one, owing=owing),
                "verification queue, not reported, requests, declined, drafts: 5 queries",
            ),
            self._page(
                "work.leader",
                "我的工作 · 县领导（常务副县长）",
                leader,
                "/work/",
                "county",
                lambda: floors.work_leader(person_id),
                "patronage items: 1 query",
            ),
            self._page(
                "work.unit_head",
                "我的工作 · 单位负责人（县发改局）",
                head,
                "/work/",
                "county",
                lambda: floors.work_unit(county.busiest_unit_id, head.pk, owing=owing, head=True),
                "to report, instructions, returned, to sign, to approve: 5 queries",
            ),
            self._page(
                "work.reporter",
                "我的工作 · 单位填报员（县发改局）",
                reporter,
                "/work/",
                "county",
                lambda: floors.work_unit(county.busiest_unit_id, reporter.pk, owing=owing, head=False),
                "to report, instructions, returned: 3 queries",
            ),
            self._page(
                "work.city_office",
                "我的工作 · 市督查办",
                city_office,
                "/work/",
                "city",
                lambda: floors.work_office(every, owing=owing),
                "as the county office's, over every county: 5 queries",
            ),
            self._page(
                "dashboard.county",
                "驾驶舱 · 县督查办",
                office,
                "/dashboard/",
                "county",
                lambda: floors.dashboard(one, as_of=AS_OF, owing=owing, supervisor=True),
                "counts by kind/unit/leader/region in one aggregate, red, overdue, trend, "
                "not reported, reports, untrue, proposals: 8 queries",
            ),
            self._page(
                "dashboard.city",
                "驾驶舱 · 市督查办",
                city_office,
                "/dashboard/",
                "city",
                lambda: floors.dashboard(every, as_of=AS_OF, owing=owing, supervisor=True),
                "as the county's, over every county: 8 queries",
            ),
            self._page(
                "item_list.county",
                "事项清单 · 县督查办（重点工作，正在督办，第3页）",
                office,
                f"/items/?kind={Kind.TASK}&status=active&page=3",
                "county",
                lambda: floors.item_list(one, kind=Kind.TASK, page=3),
                "the page's 30 rows, the count: 2 queries",
            ),
            self._page(
                "item_list.city",
                "事项清单 · 市督查办（正在督办，黄色，第2页）",
                city_office,
                "/items/?status=active&colour=yellow&page=2",
                "city",
                lambda: floors.item_list(every, colour="yellow", page=2),
                "the page's 30 rows, the count: 2 queries",
            ),
            self._page(
                "api.item_list.county",
                "接口 · 事项列表 · 县督查办（重点工作，正在督办，第1页）",
                office,
                # Page 1: an API answers 404 for a page past the end (a small city has no page 3).
                f"/api/v1/items/?kind={Kind.TASK}&status=active&page_size=30",
                "county",
                lambda: floors.item_list(one, kind=Kind.TASK, page=1),
                "as the item list's: the page's 30 rows, the count: 2 queries",
            ),
            self._page(
                "projects.county",
                "重点项目台账 · 县督查办（第1页）",
                office,
                "/projects/",
                "county",
                lambda: floors.project_ledger(one, as_of=AS_OF),
                "the projects with their reported investment, monthly plans, open blockers: 3 queries",
            ),
            self._page(
                "projects.city",
                "重点项目台账 · 市督查办（第1页）",
                city_office,
                "/projects/",
                "city",
                lambda: floors.project_ledger(every, as_of=AS_OF),
                "as the county's, over every county: 3 queries",
            ),
            self._page(
                "indicators.county",
                "考核指标 · 县督查办",
                office,
                "/indicators/",
                "county",
                lambda: floors.indicator_table(one, as_of=AS_OF),
                "the indicators, their current values, the city's other counties' values of the "
                "months ranked, the peers' entered figures; the figures by indicators.compute: 4 queries",
            ),
            self._page(
                "indicators.city",
                "考核指标 · 市督查办",
                city_office,
                "/indicators/",
                "city",
                lambda: floors.indicator_table(every, as_of=AS_OF),
                "as the county's, over every county: 4 queries",
            ),
            self._page(
                "indicators.catch_up",
                "赶超台账 · 县督查办",
                office,
                "/indicators/catch-up/",
                "county",
                lambda: floors.indicator_table(one, as_of=AS_OF, lagging_only=True),
                "as the table's, the lagging rows with their gap, pace, projection and catch-up "
                "item (joined): 4 queries",
            ),
            self._page(
                "item_page.county",
                "事项页面 · 县督查办",
                office,
                f"/items/{s.item_id}/",
                "county",
                lambda: floors.item_page(s.item_id),
                "item, milestones, reports with verifications, evidence, events, months, "
                "instructions: 7 queries",
            ),
            Spec(
                Result(
                    "verify_queue.selector",
                    "待核实队列 · selector（县督查办）",
                    "selector",
                    "county",
                    office.username,
                    "items.selectors.verification_queue_for(user)[:50]",
                ),
                lambda: list(verification_queue_for(office).filter(item__region_id__in=one)[:50]),
                lambda: floors.verify_queue(one),
                before=lambda: office.__dict__.pop("_luoshi_scope", None),
            ),
            self._page(
                "verify_queue.page",
                "待核实队列 · 页面（县督查办的我的工作）",
                office,
                "/work/",
                "county",
                lambda: floors.work_office(one, owing=owing),
                "the office's 我的工作, which lists the queue: 5 queries",
            ),
            Spec(
                Result(
                    "stats.county",
                    f"luoshi stats --region {county.name}",
                    "command",
                    "county",
                    "(region reader)",
                    f"luoshi stats --region {county.name} --json",
                ),
                lambda: call_command("stats", region=county.name, json=True, stdout=io.StringIO()),
                lambda: floors.stats(county.region_id, as_of=AS_OF, owing=owing),
            ),
        ]
        specs.append(extraction_spec())
        specs[
            -2
        ].result.floor_what = "items by kind/status/colour, the month's snapshots by kind, not reported: 3"
        specs[-4].result.floor_what = "the queue's 50 rows with their evidence counts: 1 query"
        return specs

    def _page(
        self,
        key: str,
        label: str,
        user: User,
        url: str,
        scope: str,
        floor: Callable[[], Any],
        floor_what: str,
    ) -> Spec:
        client = Client()
        client.force_login(user)
        result = Result(
            key, label, "page", scope, user.username, url, goals=page_goals(scope), floor_what=floor_what
        )
        return Spec(result, lambda: client.get(url), floor)

    # -----------------------------------------------------------------------------------------
    def jobs(self) -> list[tuple[Result, str, dict[str, Any], Callable[[], Any] | None]]:
        s, county = self.s, self.s.county
        every = s.county_ids
        query = f"deadline_to={s.export_deadline.isoformat()}" if s.export_deadline else ""
        office = s.user(county.supervisor_id).username
        return [
            (
                Result(
                    "recompute.county",
                    f"重算一个县的全部预警颜色（{county.name}）",
                    "job",
                    "county",
                    "(job)",
                    f"alerts.services.colours_recompute(region={county.name})",
                    goals=[Goal("seconds", RECOMPUTE_SECONDS["county"]), Goal("memory_mb", RECOMPUTE_MB)],
                    floor_what="reading the facts only (items, milestones, reports, past colours): 4 queries",
                ),
                "recompute",
                {"region": county.region_id},
                lambda: floors.recompute_facts([county.region_id], as_of=AS_OF),
            ),
            (
                Result(
                    "recompute.city",
                    f"重算全市的全部预警颜色（{len(every)}个县）",
                    "job",
                    "city",
                    "(job)",
                    "alerts.services.colours_recompute()",
                    goals=[Goal("seconds", RECOMPUTE_SECONDS["city"]), Goal("memory_mb", RECOMPUTE_MB)],
                    floor_what="reading the facts only: 4 queries",
                ),
                "recompute",
                {"region": None},
                lambda: floors.recompute_facts(None, as_of=AS_OF),
            ),
            (
                Result(
                    "import.rows",
                    f"导入 {s.import_rows} 行（Excel，直接交办）",
                    "job",
                    "county",
                    office,
                    "POST /items/import/ (assign), and the job it queues for a large sheet",
                    goals=[Goal("seconds", IMPORT_SECONDS), Goal("memory_mb", IMPORT_MB)],
                    floor_what="",
                ),
                "import",
                {"path": str(s.sheet), "username": office},
                None,
            ),
            (
                Result(
                    "export.items",
                    f"网页导出 {s.export_rows} 项（Excel）",
                    "job",
                    "city",
                    s.user(s.city.office_user_id).username,
                    f"GET /items/export.xlsx?{query}",
                    rows=s.export_rows,
                    goals=[Goal("seconds", EXPORT_SECONDS), Goal("memory_mb", EXPORT_MB)],
                    floor_what="the rows with their names, support units, milestones: 3 queries",
                ),
                "export",
                {"username": s.user(s.city.office_user_id).username, "query": query},
                lambda: floors.export_rows(every, deadline_to=s.export_deadline),
            ),
        ]

    # -----------------------------------------------------------------------------------------
    def run(self) -> list[Result]:
        specs = [spec for spec in self.specs() if self._chosen(spec.result.key)]
        jobs = [job for job in self.jobs() if self._chosen(job[0].key)]
        self.progress.stage("measuring", (len(specs) + len(jobs)) * self.runs)
        results = [self._measure(spec) for spec in specs]
        results += [self._job(*job) for job in jobs]
        self.progress.finish()
        return results

    def _chosen(self, key: str) -> bool:
        return not self.only or key.startswith(self.only)

    def _measure(self, spec: Spec) -> Result:
        result = spec.result
        result.planned_runs = self.runs
        result.floor = Series() if spec.floor else None
        started = time.monotonic()
        first = None
        try:
            if spec.before:
                spec.before()
            first = timed(spec.call, self.page_timeout)
            if not first.timed_out:
                status = getattr(first.value, "status_code", None)
                result.status = status
                if status is not None and status != 200:
                    result.error = f"HTTP {status}"
                if spec.floor:
                    spec.floor()
        except Exception as error:  # a broken page is a finding, not the end of the run
            result.error = f"{type(error).__name__}: {error}"[:300]
            traceback.print_exc()
        if result.error or first is None or first.timed_out:
            if first is not None and first.timed_out:
                result.timed_out_after_s = round(first.ms / 1000, 1)
                result.note = f"stopped at its time limit ({self.page_timeout:.0f} s)"
                self._floor_only(result, spec)
            self.progress.advance(self.runs)
            return result
        done = 0
        if first.ms > SLOW_MS:
            self._sample(result, spec, first)
            result.note = "the first request counted: loading is lost in its time"
            done = 1
            self.progress.advance()
        while done < self.runs:
            spent = time.monotonic() - started
            if done and spent + spent / done > self.page_budget:
                result.note = (result.note + "; " if result.note else "") + (
                    f"{done} of {self.runs} runs in its {self.page_budget:.0f} s"
                )
                self.progress.advance(self.runs - done)
                break
            if spec.before:
                spec.before()
            run = timed(spec.call, self.page_timeout)
            if run.timed_out:  # the runs before it stand; the bound says the page is not steady
                result.timed_out_after_s = round(run.ms / 1000, 1)
                result.note = f"run {done + 1} stopped at its time limit ({self.page_timeout:.0f} s)"
                self.progress.advance(self.runs - done)
                break
            self._sample(result, spec, run)
            done += 1
            self.progress.advance()
        return result

    def _floor_only(self, result: Result, spec: Spec) -> None:
        """The floor of a page stopped at its time limit, for the ratio's lower bound."""
        if not spec.floor or result.floor is None:
            return
        spec.floor()
        for _ in range(self.runs):
            floor = timed(spec.floor)
            result.floor.samples_ms.append(floor.ms)
            result.floor.queries = floor.queries

    @staticmethod
    def _sample(result: Result, spec: Spec, run: Any) -> None:
        result.measured.samples_ms.append(run.ms)
        result.measured.queries = run.queries
        if spec.floor and result.floor is not None:
            floor = timed(spec.floor)
            result.floor.samples_ms.append(floor.ms)
            result.floor.queries = floor.queries

    def _job(self, result: Result, op: str, args: dict[str, Any], floor: Callable[[], Any] | None) -> Result:
        result.planned_runs = self.runs
        result.floor = Series() if floor else None
        peaks, baselines = [], []
        started = time.monotonic()
        for done in range(1, self.runs + 1):
            run_started = time.monotonic()
            answer = spawn(self.database, op, args, timeout=self.job_timeout)
            if "peak_mb" in answer:
                peaks.append(answer["peak_mb"])
                baselines.append(answer["baseline_mb"])
            if answer.get("error"):
                result.error = str(answer["error"])[:300]
            elif answer.get("timed_out"):
                result.timed_out_after_s = round(answer["ms"] / 1000, 1)
                result.note = f"stopped at its time limit ({self.job_timeout:.0f} s) in run {done}"
            else:
                result.measured.samples_ms.append(answer["ms"])
                result.measured.queries = answer.get("queries")
                result.status = answer.get("status")
                if op != "export":
                    result.rows = answer.get("rows")
            if floor and result.floor is not None:
                floor_run = timed(floor)
                result.floor.samples_ms.append(floor_run.ms)
                result.floor.queries = floor_run.queries
            self.progress.advance()
            now = time.monotonic()
            stop = bool(result.error or result.timed_out_after_s)
            if not stop and done < self.runs and now - started + (now - run_started) > self.job_timeout:
                result.note = (
                    f"stopped after {done} of {self.runs} runs: another would pass {self.job_timeout:.0f} s"
                )
                stop = True
            if stop:
                self.progress.advance(self.runs - done)
                break
        result.memory_mb = max(peaks) if peaks else None
        result.baseline_mb = min(baselines) if baselines else None
        return result
