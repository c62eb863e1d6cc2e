"""The benchmark's city: N counties shaped like a real one, as of late July, built in bulk.

Per county: 80 units (the government, its office, the supervision office, the people's congress
office, towns and street offices, departments), 10 leaders, a head and a reporter for every town
and department, two supervision-office accounts, an administrator and an observer; then the items
(tasks, commitments, rectifications) in the states a county's ledger is in by July, each with
three milestones, its monthly reports from January (corrections included), an evidence row for each
report (all pointing at one small shared file), a verification for most, and its colour for every
month under supervision. A city office sees every county.

The organisation is made with bulk_create; the items and everything under them go through
bulk.Table (a prepared INSERT per batch, COPY on PostgreSQL) with explicit ids (the database is
fresh), so that a county of 4,000 items builds in seconds. Ledgers add their rows through a bench
share (see `share_register`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from luoshi.alerts.models import ItemColour, Proposal, ProposalStatus
from luoshi.bench import names
from luoshi.bench.bulk import Table, fields_of
from luoshi.core import registry
from luoshi.core.maintenance import refresh_planner_statistics
from luoshi.core.selectors import work_calendar
from luoshi.items.models import (
    ActionKind,
    Colour,
    Confidence,
    EventKind,
    Evidence,
    Instruction,
    Item,
    ItemEvent,
    Kind,
    Measure,
    Method,
    Milestone,
    ProgressReport,
    ReportCycle,
    ReportStatus,
    Source,
    Status,
    SupervisionAction,
    Verdict,
    Verification,
)
from luoshi.items.schedule import FIRST_REPORT_GRACE_WORKDAYS, Cycle, Period, period_containing
from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User

AS_OF = date(2023, 7, 25)  # the benchmark's today: late July, reports of July due this day
YEAR = AS_OF.year
TZ = ZoneInfo("Asia/Shanghai")
PERCENT_STEP = Decimal("0.01")
BATCH = 2000
UNITS_PER_COUNTY = 80
LEADERS_PER_COUNTY = 10
MILESTONES_PER_ITEM = 3
PASSWORD = "bench-2023-luoshi"  # noqa: S105 - accounts of a throwaway database
EVIDENCE_FILE = "evidence/bench/shared.jpg"
# The smallest valid JPEG there is: a 1×1 grey pixel. Every evidence row points at it.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f"
    "141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b08000100010101"
    "1100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504"
    "040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25"
    "262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788"
    "898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3"
    "e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)

# What a county's ledger holds by late July: most work under way, some done, a few drafts.
STATUS_WEIGHTS: list[tuple[str, int]] = [
    (Status.DRAFT, 3),
    (Status.ASSIGNED, 3),
    (Status.ACCEPTED, 4),
    (Status.IN_PROGRESS, 64),
    (Status.COMPLETION_REQUESTED, 4),
    (Status.COMPLETED, 10),
    (Status.CLOSED, 5),
    (Status.SUSPENDED, 2),
    (Status.RETURNED, 2),
    (Status.WITHDRAWN, 2),
    (Status.REPLACED, 1),
]
KIND_WEIGHTS = [(Kind.TASK, 65), (Kind.COMMITMENT, 20), (Kind.RECTIFICATION, 15)]
SOURCES = {
    Kind.TASK: [Source.MEETING, Source.WORK_REPORT, Source.INSTRUCTION],
    Kind.COMMITMENT: [Source.CITY_PLEDGE, Source.LIVELIHOOD, Source.COMMITMENT],
    Kind.RECTIFICATION: [Source.HIGHER_FEEDBACK, Source.INSPECTION, Source.SELF_CHECK],
}
REPORTING = {
    Status.IN_PROGRESS,
    Status.COMPLETION_REQUESTED,
    Status.COMPLETED,
    Status.CLOSED,
    Status.SUSPENDED,
    Status.RETURNED,
    Status.WITHDRAWN,
    Status.REPLACED,
}
DONE = {Status.COMPLETED, Status.CLOSED}
RATED = {
    Status.ASSIGNED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.COMPLETION_REQUESTED,
    Status.RETURNED,
    Status.COMPLETED,
    Status.CLOSED,
}


@dataclass(frozen=True)
class Shape:
    counties: int = 10
    items_per_county: int = 4000
    seed: int = 2023


@dataclass
class County:
    """What the measurements (and a ledger's bench share) need to know of a built county."""

    index: int
    region_id: int
    name: str
    government_id: int
    office_id: int  # the supervision office
    busiest_unit_id: int  # 县发改局: the unit that leads the most work
    unit_ids: list[int]  # towns, streets and departments: the units that lead work
    leader_ids: list[int]
    supervisor_id: int  # users
    leader_user_id: int  # the executive deputy, who patrons the most items
    head_user_id: int  # head of the busiest unit
    reporter_user_id: int  # reporter of the busiest unit
    reporter_ids: dict[int, int] = field(default_factory=dict)  # unit → its reporter
    item_ids: range = range(0)
    city_counties: tuple[str, ...] = ()  # the names of every county of the benchmark's city


@dataclass
class City:
    region_id: int
    name: str
    office_user_id: int
    counties: list[County]
    rows: dict[str, int] = field(default_factory=dict)  # table → rows built


class BenchShare(Protocol):
    """A ledger's part of the benchmark's county: builds its rows for `county` (its items are in
    `county.item_ids`; it may add its own, with primary keys taken from `ids`, which the builder's
    own tables take theirs from too), returns how many rows it wrote."""

    def __call__(self, *, county: County, rng: random.Random, as_of: date, ids: Ids) -> int: ...


_shares: dict[str, BenchShare] = {}


def share_register(name: str, share: BenchShare) -> None:
    """Plug a ledger's bench share in (e.g. from the shell, or once the registry's Ledger carries
    one). A registered ledger with a `bench` attribute is picked up without this."""
    _shares[name] = share


def shares() -> dict[str, BenchShare]:
    found: dict[str, BenchShare] = {}
    for entry in registry.ledgers():
        share = getattr(entry, "bench", None)
        if share is not None and share not in found.values():
            found[entry.app_label] = share
    return found | _shares


class Ids:
    """Explicit primary keys for the bulk tables of a fresh database."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, model: type[models.Model], count: int = 1) -> range:
        key = model._meta.label
        if key not in self._next:
            self._next[key] = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        start = self._next[key]
        self._next[key] = start + count
        return range(start, start + count)

    def one(self, model: type[models.Model]) -> int:
        return self.take(model)[0]


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def months_between(first: date, last: date) -> Iterator[date]:
    """First days of the months from `first`'s to `last`'s, both included."""
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def county_name(index: int) -> str:
    """The name of the benchmark city's county `index` (from 1)."""
    return names.COUNTIES[index - 1] if index <= len(names.COUNTIES) else f"第{index}县"


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _person_name(number: int) -> str:
    return names.SURNAMES[number % len(names.SURNAMES)] + names.GIVEN[(number * 7 + 3) % len(names.GIVEN)]


def _bulk(model: type[models.Model], rows: list[Any], counts: dict[str, int]) -> None:
    model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
    counts[model._meta.label] = counts.get(model._meta.label, 0) + len(rows)


class Builder:
    """Builds the city; `progress(n)` is called as items are done (for the progress bar)."""

    def __init__(
        self, shape: Shape, *, media_root: Path, progress: Callable[[int], None] | None = None
    ) -> None:
        self.shape = shape
        self.media_root = media_root
        self.progress = progress or (lambda n: None)
        self.ids = Ids()
        self.counts: dict[str, int] = {}
        self.password = make_password(PASSWORD)
        calendar = work_calendar()
        self.calendar = calendar
        self._first_due: dict[date, date] = {}
        # The monthly periods of the year (all items report monthly, on the 25th).
        self.periods: dict[date, Period] = {
            month_start(YEAR, m): period_containing(Cycle.MONTHLY, 25, month_start(YEAR, m), calendar)
            for m in range(1, AS_OF.month + 1)
        }

    def first_due(self, assigned: date) -> date:
        if assigned not in self._first_due:
            self._first_due[assigned] = self.calendar.add_workdays(assigned, FIRST_REPORT_GRACE_WORKDAYS)
        return self._first_due[assigned]

    # -----------------------------------------------------------------------------------------
    def build(self) -> City:
        evidence = self.media_root / EVIDENCE_FILE
        evidence.parent.mkdir(parents=True, exist_ok=True)
        evidence.write_bytes(TINY_JPEG)
        self.evidence_sha = hashlib.sha256(TINY_JPEG).hexdigest()
        with transaction.atomic():
            city_region = Region.objects.create(
                name="商洛市", short_name="商", code="900000", level=Region.Level.CITY, sort_order=1
            )
            city_units = Unit.objects.bulk_create(
                [
                    Unit(
                        region=city_region, name="商洛市人民政府", short_name="市政府", kind=Unit.Kind.OTHER
                    ),
                    Unit(
                        region=city_region,
                        name="中共商洛市委商洛市人民政府督查办公室",
                        short_name="市督查办",
                        kind=Unit.Kind.SUPERVISION,
                        sort_order=10,
                    ),
                    Unit(
                        region=city_region,
                        name="商洛市发展和改革委员会",
                        short_name="市发改委",
                        kind=Unit.Kind.DEPARTMENT,
                    ),
                ]
            )
            office_user = User.objects.create(
                username="city-duchaban", name="市督查办", password=self.password, is_active=True
            )
            Membership.objects.create(user=office_user, unit=city_units[1], role=Role.SUPERVISOR)
        counties = []
        named = tuple(county_name(index) for index in range(1, self.shape.counties + 1))
        for index in range(1, self.shape.counties + 1):
            with transaction.atomic():
                county = self._county(index, city_region)
                county.city_counties = named
                rng = random.Random(self.shape.seed * 1000 + index)  # noqa: S311 - made-up data
                for name, share in shares().items():
                    self.counts[f"share:{name}"] = self.counts.get(f"share:{name}", 0) + share(
                        county=county, rng=rng, as_of=AS_OF, ids=self.ids
                    )
            counties.append(county)
        self._after_bulk()
        return City(city_region.pk, city_region.name, office_user.pk, counties, rows=self.counts)

    def _after_bulk(self) -> None:
        """Sequences past the explicit ids (PostgreSQL), and the planner's statistics as a running
        installation keeps them: autovacuum on PostgreSQL, luoshi's nightly job on SQLite."""
        if connection.vendor != "postgresql":
            refresh_planner_statistics()
            return
        # Every table the build wrote (the ledgers' shares' too), for those given explicit ids.
        tables = [apps.get_model(label) for label in self.counts if not label.startswith("share:")]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
            cursor.execute("ANALYZE")

    # -----------------------------------------------------------------------------------------
    def _county(self, index: int, city: Region) -> County:
        rng = random.Random(self.shape.seed + index)  # noqa: S311 - made-up data
        name = county_name(index)
        region = Region.objects.create(
            name=name,
            short_name=name[0],
            code=f"9{index:05d}",
            level=Region.Level.COUNTY,
            parent=city,
            sort_order=index + 1,
        )
        units = self._units(region, name)
        government, office = units[0], units[2]
        leading = [u for u in units if u.kind in (Unit.Kind.DEPARTMENT, Unit.Kind.TOWN, Unit.Kind.STREET)]
        busiest = next(u for u in units if u.short_name == "县发改局")

        heads = Person.objects.bulk_create(
            [
                Person(
                    unit=unit,
                    name=_person_name(i),
                    post="镇长" if unit.kind == Unit.Kind.TOWN else "局长",
                    phone=f"1390000{(index * 100 + i) % 10000:04d}",
                    sort_order=i,
                )
                for i, unit in enumerate(leading)
            ]
        )
        head_of = {p.unit_id: p for p in heads if p.unit_id is not None}
        leaders = self._leaders(region, government, leading, index)

        users, seats = [], []
        prefix = f"c{index:02d}"

        def user(username: str, display: str, person: Person | None = None) -> User:
            account = User(
                username=username, name=display, password=self.password, is_active=True, person=person
            )
            users.append(account)
            return account

        supervisors = [
            user(f"{prefix}-duchaban", f"{name}督查办主任"),
            user(f"{prefix}-duchaban2", "督查专员"),
        ]
        leader_users = [
            user(f"{prefix}-leader{rank}", leader.person.name, leader.person)
            for rank, leader in enumerate(leaders, start=1)
        ]
        admin = user(f"{prefix}-admin", "信息中心")
        viewer = user(f"{prefix}-viewer", "人大办联络科")
        unit_users: dict[int, tuple[User, User]] = {}
        for number, unit in enumerate(leading, start=1):
            head = user(f"{prefix}-u{number:02d}-head", head_of[unit.pk].name, head_of[unit.pk])
            reporter = user(f"{prefix}-u{number:02d}-reporter", f"{unit.short_name}填报员")
            unit_users[unit.pk] = (head, reporter)
        User.objects.bulk_create(users, batch_size=BATCH)
        self.counts["org.User"] = self.counts.get("org.User", 0) + len(users)
        seats += [Membership(user=u, unit=office, role=Role.SUPERVISOR) for u in supervisors]
        seats += [Membership(user=u, unit=government, role=Role.LEADER) for u in leader_users]
        seats.append(Membership(user=admin, unit=units[1], role=Role.ADMIN))
        seats.append(Membership(user=viewer, unit=units[3], role=Role.VIEWER))
        for unit_id, (head, reporter) in unit_users.items():
            seats.append(Membership(user=head, unit_id=unit_id, role=Role.UNIT_HEAD))
            seats.append(Membership(user=reporter, unit_id=unit_id, role=Role.REPORTER))
        _bulk(Membership, seats, self.counts)

        county = County(
            index=index,
            region_id=region.pk,
            name=name,
            government_id=government.pk,
            office_id=office.pk,
            busiest_unit_id=busiest.pk,
            unit_ids=[u.pk for u in leading],
            leader_ids=[leader.pk for leader in leaders],
            supervisor_id=supervisors[0].pk,
            leader_user_id=leader_users[1].pk,
            head_user_id=unit_users[busiest.pk][0].pk,
            reporter_user_id=unit_users[busiest.pk][1].pk,
            reporter_ids={unit_id: pair[1].pk for unit_id, pair in unit_users.items()},
        )
        ItemsOfCounty(self, county, rng, leading, leaders, head_of, unit_users, supervisors).build()
        return county

    def _units(self, region: Region, county: str) -> list[Unit]:
        specs: list[tuple[str, str, str]] = [
            ("县政府", f"{county}人民政府", Unit.Kind.OTHER),
            ("县政府办", f"{county}人民政府办公室", Unit.Kind.OTHER),
            ("县督查办", f"中共{county}委{county}人民政府督查办公室", Unit.Kind.SUPERVISION),
            ("县人大办", f"{county}人大常委会办公室", Unit.Kind.OTHER),
        ]
        specs += [(street, f"{county}{street}办事处", Unit.Kind.STREET) for street in names.STREETS]
        specs += [(town, f"{county}{town}人民政府", Unit.Kind.TOWN) for town in names.TOWNS]
        room = UNITS_PER_COUNTY - len(specs)
        specs += [
            (d, f"{county}{d.removeprefix('县')}", Unit.Kind.DEPARTMENT) for d in names.DEPARTMENTS[:room]
        ]
        units = Unit.objects.bulk_create(
            [
                Unit(
                    region=region,
                    short_name=short,
                    name=full,
                    kind=kind,
                    sort_order=order * 10,
                    # Two towns have the head approve reports before they go to the office.
                    reports_need_approval=short in names.TOWNS[:2],
                )
                for order, (short, full, kind) in enumerate(specs, start=1)
            ]
        )
        Unit.objects.filter(pk=units[2].pk).update(parent=units[0])
        self.counts["org.Unit"] = self.counts.get("org.Unit", 0) + len(units)
        return units

    def _leaders(self, region: Region, government: Unit, leading: list[Unit], index: int) -> list[Leader]:
        people = Person.objects.bulk_create(
            [
                Person(
                    unit=government,
                    name=names.SURNAMES[(index + rank) % len(names.SURNAMES)] + names.GIVEN[rank],
                    post=title,
                    sort_order=rank,
                )
                for rank, title in enumerate(names.LEADER_TITLES[:LEADERS_PER_COUNTY], start=1)
            ]
        )
        leaders = Leader.objects.bulk_create(
            [
                Leader(person=person, region=region, title=person.post, rank=rank)
                for rank, person in enumerate(people, start=1)
            ]
        )
        for leader, person in zip(leaders, people, strict=True):
            leader.person = person
        # The deputies share the towns and departments among them.
        Oversees = Leader.oversees.through
        rows = [
            Oversees(leader_id=leaders[1 + i % (len(leaders) - 1)].pk, unit_id=unit.pk)
            for i, unit in enumerate(leading)
        ]
        _bulk(Oversees, rows, self.counts)
        self.counts["org.Leader"] = self.counts.get("org.Leader", 0) + len(leaders)
        return leaders


class ItemsOfCounty:
    """A county's items with their milestones, reports, evidence, verifications, colours and events."""

    def __init__(
        self,
        builder: Builder,
        county: County,
        rng: random.Random,
        leading: list[Unit],
        leaders: list[Leader],
        head_of: dict[int, Person],
        unit_users: dict[int, tuple[User, User]],
        supervisors: list[User],
    ) -> None:
        self.b, self.county, self.rng = builder, county, rng
        self.leading, self.leaders, self.head_of = leading, leaders, head_of
        self.unit_users, self.supervisor = unit_users, supervisors[0]
        self.approving = {u.pk for u in leading if u.reports_need_approval}
        self.overseer = {unit.pk: leaders[1 + i % (len(leaders) - 1)] for i, unit in enumerate(leading)}
        # 县发改局 and the towns lead more than their share, as they do.
        self.unit_weights = [
            30 if u.short_name == "县发改局" else 6 if u.kind == Unit.Kind.TOWN else 4 for u in leading
        ]
        counts = builder.counts
        self.reports = Table(
            ProgressReport,
            [
                "id",
                "item_id",
                "unit_id",
                "period_start",
                "period_end",
                "due_on",
                "done",
                "problems",
                "next_steps",
                "percent",
                "value",
                "confidence",
                "status",
                "version",
                "supersedes_id",
                "author_id",
                "created_at",
                "submitted_at",
                "is_late",
                "rejection_reason",
            ],
            counts,
        )
        self.evidence = Table(
            Evidence,
            [
                "id",
                "report_id",
                "file",
                "original_name",
                "content_type",
                "kind_label",
                "size",
                "sha256",
                "uploaded_by_id",
                "uploaded_at",
            ],
            counts,
        )
        self.verifications = Table(
            Verification,
            ["id", "report_id", "method", "verdict", "note", "verifier_id", "verified_on", "created_at"],
            counts,
        )
        self.colours = Table(
            ItemColour,
            [
                "id",
                "item_id",
                "period",
                "status",
                "computed",
                "computed_reason",
                "assessed",
                "assessed_reason",
                "report_overdue",
                "deadline_overdue",
                "rule_version",
                "computed_on",
            ],
            counts,
        )
        self.events = Table(
            ItemEvent, ["id", "item_id", "kind", "actor_id", "at", "from_status", "to_status", "data"], counts
        )
        self.milestones = Table(Milestone, ["id", "item_id", "name", "due", "done_on", "sort_order"], counts)
        self.supports = Table(Item.support_units.through, ["item_id", "unit_id"], counts)
        self.items = Table(Item, fields_of(Item), counts)

    def build(self) -> None:
        b, rng, n = self.b, self.rng, self.b.shape.items_per_county
        item_ids = b.ids.take(Item, n)
        self.county.item_ids = item_ids
        codes: dict[int, int] = {}
        items = [self._item(item_id, codes) for item_id in item_ids]
        # A few items are children of another (a task split among units), one in a hundred replaced.
        tasks = [i for i in items if i.kind == Kind.TASK and i.status == Status.IN_PROGRESS]
        for item in items:
            if item.status == Status.REPLACED and tasks:
                item.replaced_by_id = rng.choice(tasks).pk
            elif tasks and item.kind == Kind.TASK and rng.random() < 0.04:
                parent = rng.choice(tasks)
                if parent.pk < item.pk:
                    item.parent_id = parent.pk
        if any(i.status == Status.REPLACED and i.replaced_by_id is None for i in items):
            for item in items:  # too few items for a successor: nothing is replaced
                if item.status == Status.REPLACED:
                    item.status = Status.WITHDRAWN
        for start in range(0, len(items), 500):
            for item in items[start : start + 500]:
                self._supports_and_milestones(item)
                self._history(item)
                self.items.add_instance(item)
            b.progress(min(500, len(items) - start))
        for table in (
            self.items,
            self.supports,
            self.milestones,
            self.reports,
            self.evidence,
            self.verifications,
            self.colours,
            self.events,
        ):
            table.flush()
        self._instructions(items)
        self._actions(items)
        self._proposals(items)

    # -----------------------------------------------------------------------------------------
    def _item(self, item_id: int, codes: dict[int, int]) -> Item:
        rng = self.rng
        kind = _weighted(rng, KIND_WEIGHTS)
        status = _weighted(rng, STATUS_WEIGHTS)
        carried = rng.random() < 0.15 and status not in (Status.DRAFT, Status.ASSIGNED, Status.ACCEPTED)
        year = YEAR - 1 if carried else YEAR
        codes[year] = codes.get(year, 0) + 1
        unit = rng.choices(self.leading, weights=self.unit_weights)[0]
        if carried:
            assigned = date(YEAR - 1, rng.randint(3, 11), rng.randint(1, 28))
        elif status == Status.ASSIGNED:
            assigned = AS_OF - timedelta(days=rng.randint(1, 14))
        elif status == Status.ACCEPTED:
            assigned = AS_OF - timedelta(days=rng.randint(10, 35))
        elif rng.random() < 0.85:
            assigned = date(YEAR, 1, rng.randint(3, 6))  # the year's work, assigned as it begins
        else:
            assigned = date(YEAR, rng.randint(2, 6), rng.randint(1, 28))
        if rng.random() < 0.1:
            deadline = AS_OF - timedelta(days=rng.randint(1, 60))  # past its deadline
        else:
            deadline = date(YEAR, rng.randint(8, 12), rng.randint(1, 28))
        deadline = max(deadline, assigned + timedelta(days=30))
        planned_start = assigned + timedelta(days=rng.randint(0, 20)) if rng.random() < 0.8 else None
        if planned_start and planned_start > deadline:
            planned_start = assigned
        measure = _weighted(
            rng, [(Measure.PERCENT, 70), (Measure.VALUE, 10), (Measure.MILESTONES, 15), (Measure.DONE, 5)]
        )
        accepted = assigned + timedelta(days=rng.randint(1, 5)) if status != Status.ASSIGNED else None
        if status == Status.RETURNED and rng.random() < 0.5:
            accepted = None  # an assignment the unit declined
        completed = None
        if status in DONE:
            completed = min(AS_OF, max(assigned + timedelta(days=40), date(YEAR, rng.randint(4, 7), 15)))
        leader = self.overseer[unit.pk] if rng.random() < 0.9 else None
        head = self.head_of[unit.pk] if rng.random() < 0.8 else None
        place, work = rng.choice(names.PLACES), rng.choice(names.WORKS)
        title = f"{rng.choice(names.VERBS)}{place}{work}"
        if kind == Kind.RECTIFICATION:
            title = f"整改{place}{work}中发现的问题"
        draft = status == Status.DRAFT
        return Item(
            pk=item_id,
            region_id=self.county.region_id,
            code=f"DB-{year}-{codes[year]:04d}",
            kind=kind,
            source=rng.choice(SOURCES[Kind(kind)]),
            year=year,
            title=title,
            description=f"{title}，{rng.choice(names.DONE_TEXT)}年底前全面完成，确保取得实效。",
            patron_leader=leader,
            lead_unit=unit,
            responsible_person=head,
            planned_start=planned_start,
            deadline=deadline,
            assigned_on=None if draft else assigned,
            accepted_on=None if draft else accepted,
            completed_on=completed,
            measure=measure,
            target_value=Decimal(100) if measure == Measure.VALUE else None,
            value_unit="个" if measure == Measure.VALUE else "",
            target_text="不少于100个" if measure == Measure.VALUE else "",
            report_cycle=ReportCycle.MONTHLY,
            report_due_day=25,
            status=status,
            status_before_suspension=Status.IN_PROGRESS if status == Status.SUSPENDED else "",
            created_by=self.supervisor,
            created_at=at(assigned - timedelta(days=2), 9),
            updated_at=at(min(AS_OF, assigned + timedelta(days=100)), 16),
        )

    def _supports_and_milestones(self, item: Item) -> None:
        rng = self.rng
        count = rng.choices([0, 1, 2], weights=[50, 30, 20])[0]
        others = [u for u in rng.sample(self.leading, 3) if u.pk != item.lead_unit_id][:count]
        for unit in others:
            self.supports.add(item.pk, unit.pk)
        start = item.assigned_on or item.created_at.date()
        assert item.deadline is not None
        span = max((item.deadline - start).days, 3)
        for order, (milestone_id, name) in enumerate(
            zip(self.b.ids.take(Milestone, len(names.MILESTONES)), names.MILESTONES, strict=True), start=1
        ):
            due = start + timedelta(days=span * order // len(names.MILESTONES))
            done_on = None
            if item.status in DONE or (due < AS_OF and rng.random() < 0.85):
                done_on = min(AS_OF, due + timedelta(days=rng.randint(-10, 5)))
            self.milestones.add(milestone_id, item.pk, name, due, done_on, order)

    # -----------------------------------------------------------------------------------------
    def _history(self, item: Item) -> None:
        """The item's reports, evidence, verifications, colours and events; its own latest figures
        (progress, last report, colour) follow them."""
        b, rng = self.b, self.rng
        self._event(item, EventKind.CREATED, item.created_at, "", Status.DRAFT)
        if item.status == Status.DRAFT or item.assigned_on is None:
            return
        assert item.lead_unit_id is not None
        head, reporter = self.unit_users[item.lead_unit_id]
        self._event(item, EventKind.ASSIGNED, at(item.assigned_on, 11), Status.DRAFT, Status.ASSIGNED)
        if item.accepted_on:
            self._event(
                item, EventKind.ACCEPTED, at(item.accepted_on, 15), Status.ASSIGNED, Status.ACCEPTED, head
            )
        months = self._months(item)
        if months and item.status in REPORTING:
            self._event(
                item, EventKind.STARTED, at(b.periods[months[0]].due, 9), Status.ACCEPTED, Status.IN_PROGRESS
            )
        final = self._final_progress(item)
        corrections = set(
            rng.sample(months, min(len(months), rng.choices([0, 1, 2, 3, 4], [2, 5, 20, 35, 38])[0]))
        )
        this_month = AS_OF.replace(day=1)
        latest: tuple[int, datetime, str, Decimal] | None = None
        to_verify: int | None = None  # the newest current report while unverified
        untrue_on: date | None = None
        for number, month in enumerate(months, start=1):
            period = b.periods[month]
            percent = (final * number / len(months)).quantize(PERCENT_STEP)
            last_month = month == months[-1]
            previous: int | None = None
            for version in (1, 2) if month in corrections else (1,):
                report_id = b.ids.one(ProgressReport)
                created = at(period.due - timedelta(days=rng.randint(0, 4)), 10)
                if version == 2:
                    created = min(at(AS_OF, 9), created + timedelta(days=3))
                current = version == 2 or month not in corrections
                status: str = ReportStatus.SUBMITTED
                submitted: datetime | None = created
                rejection = ""
                if current and last_month and item.lead_unit_id in self.approving and rng.random() < 0.5:
                    status, submitted = ReportStatus.PENDING_APPROVAL, None
                elif current and last_month and month == this_month and rng.random() < 0.005:
                    status, rejection = ReportStatus.REJECTED, "佐证材料不全，请补充。"
                confidence = _weighted(
                    rng, [(Confidence.GREEN, 80), (Confidence.YELLOW, 15), (Confidence.RED, 5)]
                )
                self.reports.add(
                    report_id,
                    item.pk,
                    item.lead_unit_id,
                    period.start,
                    period.end,
                    period.due,
                    rng.choice(names.DONE_TEXT),
                    rng.choice(names.PROBLEMS),
                    rng.choice(names.NEXT_STEPS),
                    percent if item.measure != Measure.DONE else None,
                    percent if item.measure == Measure.VALUE else None,
                    confidence,
                    status,
                    version,
                    previous,
                    reporter.pk,
                    created,
                    submitted,
                    rng.random() < 0.08,
                    rejection,
                )
                self.evidence.add(
                    b.ids.one(Evidence),
                    report_id,
                    EVIDENCE_FILE,
                    "现场照片.jpg",
                    "image/jpeg",
                    "图片",
                    len(TINY_JPEG),
                    b.evidence_sha,
                    reporter.pk,
                    created,
                )
                kind = EventKind.REPORT_CORRECTED if version == 2 else EventKind.REPORT_SUBMITTED
                self._event(item, kind, created, "", "", reporter, {"report": report_id})
                previous = report_id
                if status != ReportStatus.REJECTED:
                    latest = (report_id, created, confidence, percent)
                if not current or status != ReportStatus.SUBMITTED:
                    continue
                to_verify = report_id
                if rng.random() < (0.35 if month == this_month else 0.92):
                    verdict = _weighted(rng, [(Verdict.TRUE, 90), (Verdict.PARTLY, 8), (Verdict.UNTRUE, 2)])
                    verified_on = min(AS_OF, created.date() + timedelta(days=3))
                    self.verifications.add(
                        b.ids.one(Verification),
                        report_id,
                        _weighted(
                            rng, [(Method.DOCUMENTS, 70), (Method.ON_SITE, 25), (Method.UNANNOUNCED, 5)]
                        ),
                        verdict,
                        "" if verdict == Verdict.TRUE else "现场核实，部分进度与报告不符。",
                        self.supervisor.pk,
                        verified_on,
                        at(verified_on, 16),
                    )
                    self._event(
                        item,
                        EventKind.REPORT_VERIFIED,
                        at(verified_on, 16),
                        "",
                        "",
                        self.supervisor,
                        {"report": report_id, "verdict": verdict},
                    )
                    untrue_on = verified_on if verdict == Verdict.UNTRUE else None
                    to_verify = None
        self._ending_events(item, head)
        self._colours(item, months)
        if latest is not None:
            _report_id, created, confidence, reported = latest
            item.last_reported_at, item.confidence = created, confidence
            if item.measure != Measure.DONE:
                item.progress_percent = reported
            if item.measure == Measure.VALUE:
                item.progress_value = reported
        item.untrue_on = untrue_on
        item.report_to_verify_id = to_verify

    def _months(self, item: Item) -> list[date]:
        """The months of this year the item has reported for."""
        if item.status not in REPORTING or item.assigned_on is None:
            return []
        first_due = self.b.first_due(item.assigned_on)
        assert item.deadline is not None
        last = AS_OF
        if item.status in DONE and item.completed_on:
            last = item.completed_on
        elif item.status in (Status.SUSPENDED, Status.WITHDRAWN, Status.REPLACED):
            last = date(YEAR, self.rng.randint(2, 6), 28)
        months = [
            month
            for month, period in self.b.periods.items()
            if first_due <= period.due <= AS_OF and period.start <= min(item.deadline, last)
        ]
        if item.status in (Status.IN_PROGRESS, Status.RETURNED) and months:
            gap = self.rng.random()
            if gap < 0.03:
                months = [m for m in months if m.month < AS_OF.month - 1]  # June and July missing
            elif gap < 0.09:
                months = [m for m in months if m.month < AS_OF.month]  # July's not in yet (due today)
        return months

    def _final_progress(self, item: Item) -> Decimal:
        if item.status in DONE:
            return Decimal(100)
        assert item.assigned_on is not None and item.deadline is not None
        span = max((item.deadline - item.assigned_on).days, 1)
        elapsed = min(max((AS_OF - item.assigned_on).days, 0), span)
        share = Decimal(100 * elapsed // span + self.rng.randint(-35, 10))
        return min(Decimal(100), max(Decimal(0), share))

    def _colours(self, item: Item, months: list[date]) -> None:
        """The item's colour for every month it was under supervision, from August last year."""
        rng = self.rng
        assert item.assigned_on is not None
        unrated = (Status.SUSPENDED, Status.WITHDRAWN, Status.REPLACED)
        if item.status not in RATED and item.status not in unrated:
            return
        first = max(item.assigned_on, date(YEAR - 1, 8, 1))
        stop = (months[-1] if months else first) if item.status in unrated else AS_OF
        this_month = AS_OF.replace(day=1)
        colour = Colour.GREEN if rng.random() < 0.85 else Colour.YELLOW
        rows = list(months_between(first, stop))
        for period in rows:
            status: str = Status.IN_PROGRESS
            if item.accepted_on is None or period < item.accepted_on.replace(day=1):
                status = Status.ASSIGNED
            if item.status in DONE and item.completed_on and period >= item.completed_on.replace(day=1):
                status = item.status
            if period == this_month and item.status in RATED:
                status = item.status
            roll = rng.random()
            if roll < 0.12:
                colour = (
                    Colour.YELLOW if colour == Colour.GREEN else Colour.RED if roll < 0.04 else Colour.GREEN
                )
            shown = Colour.GREEN if status in DONE else colour
            reason = "已办结" if status in DONE else rng.choice(names.REASONS[shown])
            assessed, assessed_reason = "", ""
            if period == this_month and item.status in RATED:
                item.computed_colour, item.computed_reason = shown, reason
                if shown != Colour.GREEN and rng.random() < 0.02:
                    assessed, assessed_reason = Colour.YELLOW, "已协调解决主要问题，研判为黄色"
                    item.assessed_colour, item.assessed_reason = assessed, assessed_reason
                    item.assessed_on = AS_OF - timedelta(days=3)
            computed_on = min(AS_OF, period + timedelta(days=27))
            self.colours.add(
                self.b.ids.one(ItemColour),
                item.pk,
                period,
                status,
                shown,
                reason,
                assessed,
                assessed_reason,
                shown != Colour.GREEN and rng.random() < 0.2,
                bool(status not in DONE and item.deadline and item.deadline < computed_on),
                0,
                computed_on,
            )

    def _ending_events(self, item: Item, head: User) -> None:
        kinds = {
            Status.COMPLETION_REQUESTED: [EventKind.COMPLETION_REQUESTED],
            Status.COMPLETED: [EventKind.COMPLETION_REQUESTED, EventKind.COMPLETED],
            Status.CLOSED: [EventKind.COMPLETION_REQUESTED, EventKind.COMPLETED, EventKind.CLOSED],
            Status.SUSPENDED: [EventKind.SUSPENDED],
            Status.WITHDRAWN: [EventKind.WITHDRAWN],
            Status.REPLACED: [EventKind.REPLACED],
            Status.RETURNED: [
                EventKind.DECLINED if item.accepted_on is None else EventKind.COMPLETION_RETURNED
            ],
        }.get(Status(item.status), [])
        day = item.completed_on or AS_OF - timedelta(days=5)
        for minute, kind in enumerate(kinds):
            actor = head if kind == EventKind.COMPLETION_REQUESTED else self.supervisor
            self._event(item, kind, at(day, 14, minute), "", "", actor)

    def _event(
        self,
        item: Item,
        kind: str,
        moment: datetime,
        from_status: str,
        to_status: str,
        actor: User | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.events.add(
            self.b.ids.one(ItemEvent),
            item.pk,
            kind,
            (actor or self.supervisor).pk,
            moment,
            from_status,
            to_status,
            data or {},
        )

    # -----------------------------------------------------------------------------------------
    def _instructions(self, items: list[Item]) -> None:
        rows = []
        for item in items:
            if item.patron_leader is None or item.status not in REPORTING or self.rng.random() > 0.02:
                continue
            given = AS_OF - timedelta(days=self.rng.randint(1, 50))
            acknowledged = self.rng.random() < 0.5
            assert item.lead_unit_id is not None
            head = self.unit_users[item.lead_unit_id][0]
            rows.append(
                Instruction(
                    item=item,
                    leader=item.patron_leader,
                    text="请加快推进，确保按期完成。",
                    given_on=given,
                    author=self.supervisor,
                    created_at=at(given, 17),
                    acknowledged_by=head if acknowledged else None,
                    acknowledged_at=at(given + timedelta(days=1), 9) if acknowledged else None,
                )
            )
        _bulk(Instruction, rows, self.b.counts)

    def _actions(self, items: list[Item]) -> None:
        active = [i for i in items if i.status == Status.IN_PROGRESS]
        if not active:
            return
        actions = SupervisionAction.objects.bulk_create(
            [
                SupervisionAction(
                    region_id=self.county.region_id,
                    kind=self.rng.choice([ActionKind.THEMED, ActionKind.ON_SITE, ActionKind.UNANNOUNCED]),
                    title=f"{self.county.name}重点工作专项督查（第{n}次）",
                    held_on=AS_OF - timedelta(days=7 * n),
                    findings="部分项目进度滞后，资料不完整。",
                    demands="限期整改，按时反馈。",
                    created_by=self.supervisor,
                )
                for n in range(1, max(2, len(items) // 200) + 1)
            ]
        )
        ActionItems, ActionUnits = SupervisionAction.items.through, SupervisionAction.units.through
        item_rows, unit_rows = [], []
        for action in actions:
            chosen = self.rng.sample(active, min(5, len(active)))
            item_rows += [ActionItems(supervisionaction_id=action.pk, item_id=i.pk) for i in chosen]
            unit_rows += [
                ActionUnits(supervisionaction_id=action.pk, unit_id=u)
                for u in {i.lead_unit_id for i in chosen}
            ]
        _bulk(ActionItems, item_rows, self.b.counts)
        _bulk(ActionUnits, unit_rows, self.b.counts)
        self.b.counts["items.SupervisionAction"] = self.b.counts.get("items.SupervisionAction", 0) + len(
            actions
        )

    def _proposals(self, items: list[Item]) -> None:
        rows = [
            Proposal(
                item=item,
                colour=Colour.RED,
                action="letter",
                reason=item.computed_reason[:300],
                proposed_on=AS_OF - timedelta(days=self.rng.randint(0, 20)),
                status=ProposalStatus.PROPOSED,
            )
            for item in items
            if item.computed_colour == Colour.RED and not item.assessed_colour and self.rng.random() < 0.6
        ]
        _bulk(Proposal, rows, self.b.counts)
