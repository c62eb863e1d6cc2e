"""The recomputation at scale: region by region, in batches that keep families whole, writing
only what changed, and the nightly job fanned out one job per region."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.alerts import engine
from luoshi.alerts import services as alerts
from luoshi.alerts.models import ItemColour, Proposal, ProposalStatus
from luoshi.alerts.services import _batches, colours_recompute, item_colours_refresh, regions_to_rate
from luoshi.items.models import EventKind, Item, ItemEvent, Status
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)
AUGUST = date(2023, 8, 1)


def _green(region, unit, **fields):
    """On schedule on 25 July: started in January, 60% done, reported once."""
    values = {
        "region": region,
        "lead_unit": unit,
        "status": Status.IN_PROGRESS,
        "planned_start": date(2023, 1, 1),
        "assigned_on": date(2023, 1, 5),
        "deadline": date(2023, 12, 31),
        "progress_percent": Decimal(60),
        "report_cycle": "once",
    }
    return ItemFactory(**(values | fields))


def _red(region, unit, **fields):
    """Past its deadline (20 July) on 25 July."""
    return ItemFactory(
        region=region, lead_unit=unit, status=Status.IN_PROGRESS, deadline=date(2023, 7, 20), **fields
    )


class Writes:
    """Every statement that writes, with the parameters of each row it was sent for."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, list]] = []

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            self.statements.append((sql, list(params) if many else [params]))
        return execute(sql, params, many, context)

    def rows(self, table: str) -> list:
        """The parameters of every row written to `table` by an UPDATE."""
        return [
            row for sql, params in self.statements if sql.startswith(f'UPDATE "{table}"') for row in params
        ]


@pytest.fixture
def zhenan_unit(zhenan):
    return Unit.objects.filter(region=zhenan).first()


class TestBatches:
    def test_families_stay_whole_and_batches_follow_the_pks(self):
        links = {1: None, 2: None, 3: 1, 4: None, 5: 3, 6: 1, 7: 2, 8: None, 9: None}
        batches = list(_batches(links, 2))
        assert batches == [[1, 3, 5, 6], [2, 7], [4, 8], [9]]
        assert sorted(pk for batch in batches for pk in batch) == sorted(links)

    def test_a_child_whose_parent_is_not_in_the_set_starts_its_own_family(self):
        assert [sorted(batch) for batch in _batches({5: 99, 6: None, 7: 5}, 10)] == [[5, 6, 7]]
        assert list(_batches({5: 99, 6: None, 7: 5}, 1)) == [[5, 7], [6]]

    def test_a_cycle_in_bad_data_does_not_hang(self):
        assert sorted(next(_batches({1: 2, 2: 1}, 10))) == [1, 2]


class TestBatchBoundaries:
    def test_a_parent_rolls_up_children_that_would_fall_in_other_batches(self, zhashui, fagaiju):
        parent = _green(zhashui, fagaiju, title="总体推进")
        others = [_green(zhashui, fagaiju) for _ in range(4)]
        _green(zhashui, fagaiju, parent=parent)
        red_child = _red(zhashui, fagaiju, parent=parent)
        assert red_child.pk > others[-1].pk > parent.pk  # by pk alone, batches of 2 would part them

        summary = colours_recompute(as_of=JULY, region=zhashui, batch_size=2)

        parent.refresh_from_db()
        assert parent.computed_colour == "red"
        assert parent.computed_reason.startswith("下属事项中有1项红色")
        assert summary.computed == 7
        assert summary.counts["task"] == {"green": 5, "yellow": 0, "red": 2}

    def test_a_grandparent_takes_the_colour_its_children_took_from_theirs(self, zhashui, fagaiju):
        grandparent = _green(zhashui, fagaiju)
        parent = _green(zhashui, fagaiju, parent=grandparent)
        _green(zhashui, fagaiju)
        _red(zhashui, fagaiju, parent=parent)
        colours_recompute(as_of=JULY, batch_size=1)
        assert set(
            Item.objects.filter(pk__in=[grandparent.pk, parent.pk]).values_list("computed_colour", flat=True)
        ) == {"red"}

    def test_the_summary_is_the_same_whatever_the_batch_size(self, zhashui, fagaiju, zhenan, zhenan_unit):
        parent = _green(zhashui, fagaiju)
        for n in range(6):
            (_red if n % 3 == 0 else _green)(zhashui, fagaiju, parent=parent if n % 2 else None)
        _red(zhenan, zhenan_unit)
        _green(zhenan, zhenan_unit, progress_percent=Decimal(30))  # 28 points behind: yellow
        whole = colours_recompute(as_of=JULY, store_history=False)
        for size in (1, 2, 3):
            assert colours_recompute(as_of=JULY, store_history=False, batch_size=size) == whole
        stored = colours_recompute(as_of=JULY, batch_size=2)
        assert (stored.computed, stored.changed, stored.counts) == (
            whole.computed,
            whole.changed,
            whole.counts,
        )
        assert stored.changed == 9
        assert stored.proposals == Proposal.objects.count() == 5  # 4 red, 1 yellow: the defaults
        assert ItemEvent.objects.filter(kind=EventKind.COLOUR_CHANGED).count() == 9
        assert ItemColour.objects.filter(period=date(2023, 7, 1)).count() == Item.objects.count()

    def test_each_batch_commits_on_its_own(self, zhashui, fagaiju, monkeypatch):
        first, second = _red(zhashui, fagaiju), _red(zhashui, fagaiju)
        colour = engine.colour

        def failing(facts, as_of, rules, calendar):
            if facts.deadline == date(2023, 7, 21):
                raise RuntimeError("坏数据")
            return colour(facts, as_of, rules, calendar)

        Item.objects.filter(pk=second.pk).update(deadline=date(2023, 7, 21))
        monkeypatch.setattr(engine, "colour", failing)
        with pytest.raises(RuntimeError):
            colours_recompute(as_of=JULY, batch_size=1)
        assert Item.objects.get(pk=first.pk).computed_colour == "red"  # its batch was stored
        assert Item.objects.get(pk=second.pk).computed_colour == ""
        assert not ItemColour.objects.filter(item=second).exists()


class TestWritesOnlyWhatChanged:
    def test_a_second_run_with_nothing_changed_writes_nothing(self, zhashui, fagaiju):
        parent = _green(zhashui, fagaiju)
        _red(zhashui, fagaiju, parent=parent)
        _green(zhashui, fagaiju, progress_percent=Decimal(30))
        ItemFactory(region=zhashui, lead_unit=fagaiju, status=Status.DRAFT)
        colours_recompute(as_of=JULY)
        recorder = Writes()
        with connection.execute_wrapper(recorder):
            summary = colours_recompute(as_of=JULY, batch_size=2)
        assert recorder.statements == []
        assert (summary.changed, summary.proposals) == (0, 0)
        assert summary.counts["task"] == {"green": 0, "yellow": 1, "red": 2}

    def test_only_the_rows_that_changed_are_written(self, zhashui, fagaiju):
        items = [_green(zhashui, fagaiju) for _ in range(5)]
        colours_recompute(as_of=JULY)
        Item.objects.filter(pk=items[2].pk).update(progress_percent=Decimal(20))
        row = ItemColour.objects.get(item=items[2])
        recorder = Writes()
        with connection.execute_wrapper(recorder):
            summary = colours_recompute(as_of=JULY)
        assert summary.changed == 1
        assert [params[-1] for params in recorder.rows("items_item")] == [items[2].pk]
        assert [params[-1] for params in recorder.rows("alerts_itemcolour")] == [row.pk]
        statements = [" ".join(sql.split()[:3]) for sql, _ in recorder.statements]
        assert [sql.split()[0] for sql in statements] == ["UPDATE", "INSERT", "UPDATE", "INSERT", "INSERT"]
        assert statements[-1] == 'INSERT INTO "audit_event"'  # one row of the audit log for the run
        row.refresh_from_db()
        assert (row.computed, row.progress) == ("red", Decimal(20))  # the event and the proposal: inserts

    def test_the_number_of_queries_does_not_grow_with_the_items(self, zhashui, fagaiju):
        def queries_for(count: int) -> int:
            Item.objects.all().delete()
            for n in range(count):
                (_red if n % 2 else _green)(zhashui, fagaiju)
            colours_recompute(as_of=JULY)
            for item in Item.objects.all():  # a new day: every row differs
                Item.objects.filter(pk=item.pk).update(progress_percent=Decimal(n % 90))
            with CaptureQueriesContext(connection) as queries:
                colours_recompute(as_of=AUGUST)
            return len(queries.captured_queries)

        assert queries_for(3) == queries_for(12)


class TestRefresh:
    def test_refreshing_a_parent_rolls_it_up_from_its_children(self, zhashui, fagaiju):
        parent = _green(zhashui, fagaiju)
        _red(zhashui, fagaiju, parent=parent)
        colours_recompute(as_of=JULY)
        item_colours_refresh(items=[parent], as_of=JULY)
        parent.refresh_from_db()
        assert parent.computed_colour == "red"

    def test_refreshing_a_grandchild_rates_the_whole_family_and_nothing_else(
        self, zhashui, fagaiju, django_assert_max_num_queries
    ):
        top = _green(zhashui, fagaiju)
        middle = _green(zhashui, fagaiju, parent=top)
        cousin = _green(zhashui, fagaiju, parent=top)
        leaf = _green(zhashui, fagaiju, parent=middle)
        sibling = _red(zhashui, fagaiju, parent=middle)
        stranger = _red(zhashui, fagaiju)
        with django_assert_max_num_queries(25):
            item_colours_refresh(items=[leaf.pk], as_of=JULY)
        colours = dict(Item.objects.values_list("pk", "computed_colour"))
        assert [colours[item.pk] for item in (top, middle, cousin, leaf, sibling)] == [
            "red",
            "red",
            "green",
            "green",
            "red",
        ]
        assert colours[stranger.pk] == ""


class TestRegions:
    def test_a_region_run_stores_only_that_regions_items(self, zhashui, fagaiju, zhenan, zhenan_unit):
        here, there = _red(zhashui, fagaiju), _red(zhenan, zhenan_unit)
        summary = colours_recompute(as_of=JULY, region=zhenan)
        assert summary.computed == 1
        assert Item.objects.get(pk=there.pk).computed_colour == "red"
        assert Item.objects.get(pk=here.pk).computed_colour == ""

    def test_a_child_in_another_region_counts_for_its_parent_but_is_stored_by_its_own(
        self, zhashui, fagaiju, zhenan, zhenan_unit
    ):
        parent = _green(zhashui, fagaiju)
        child = _red(zhenan, zhenan_unit, parent=parent)
        summary = colours_recompute(as_of=JULY, region=zhashui)
        assert summary.computed == 1
        assert Item.objects.get(pk=parent.pk).computed_colour == "red"
        assert Item.objects.get(pk=child.pk).computed_colour == ""
        whole = colours_recompute(as_of=JULY)
        assert whole.computed == 2 and whole.changed == 1  # the child, now; the parent was already red
        assert Item.objects.get(pk=child.pk).computed_colour == "red"

    def test_regions_to_rate_are_those_with_items(self, zhashui, fagaiju, zhenan, zhenan_unit):
        assert regions_to_rate() == []
        _green(zhashui, fagaiju)
        assert regions_to_rate() == [zhashui]
        _green(zhenan, zhenan_unit)
        assert set(regions_to_rate()) == {zhashui, zhenan}
        assert regions_to_rate(zhashui.parent) == regions_to_rate()
        assert regions_to_rate(zhenan) == [zhenan]


class TestNightlyAndCommand:
    def test_the_nightly_job_queues_one_job_per_region(
        self, zhashui, fagaiju, zhenan, zhenan_unit, settings, monkeypatch
    ):
        from luoshi.alerts import tasks

        _green(zhashui, fagaiju)
        _green(zhenan, zhenan_unit)
        settings.LUOSHI_TODAY = JULY
        queued = []
        monkeypatch.setattr(
            tasks, "recompute_region_colours", lambda region_id, as_of: queued.append((region_id, as_of))
        )
        tasks.recompute_colours_nightly.call_local()
        assert sorted(queued) == sorted([(zhashui.pk, JULY), (zhenan.pk, JULY)])

    def test_a_region_job_recomputes_its_region(self, zhashui, fagaiju, zhenan, zhenan_unit):
        from luoshi.alerts.tasks import recompute_region_colours

        here, there = _red(zhashui, fagaiju), _red(zhenan, zhenan_unit)
        recompute_region_colours.call_local(zhenan.pk, JULY)
        assert Item.objects.get(pk=there.pk).computed_colour == "red"
        assert Item.objects.get(pk=here.pk).computed_colour == ""

    def test_the_command_goes_region_by_region_and_prints_progress(
        self, zhashui, fagaiju, zhenan, zhenan_unit, capsys
    ):
        _red(zhashui, fagaiju)
        _red(zhenan, zhenan_unit)
        call_command("warnings", "--as-of", "2023-07-25", "--json")
        out, err = capsys.readouterr()
        assert json.loads(out)["total"] == {"red": 2, "yellow": 0, "green": 0}
        assert "柞水县" in err and "镇安县" in err and "[2/2]" in err
        call_command("warnings", "--as-of", "2023-07-25", "--region", "镇安县")
        out = capsys.readouterr().out
        assert "[1/1] 镇安县：评定 1 项" in out and "柞水县" not in out
        assert "合计     红1" in out


def test_a_lifted_warning_dismisses_its_proposals_in_its_own_batch(zhashui, fagaiju):
    items = [_red(zhashui, fagaiju) for _ in range(3)]
    colours_recompute(as_of=JULY)
    assert Proposal.objects.filter(status=ProposalStatus.PROPOSED).count() == 3
    Item.objects.filter(pk=items[1].pk).update(status=Status.COMPLETED, completed_on=JULY)
    colours_recompute(as_of=JULY, batch_size=1)
    statuses = dict(Proposal.objects.values_list("item_id", "status"))
    assert statuses == {
        items[0].pk: ProposalStatus.PROPOSED,
        items[1].pk: ProposalStatus.DISMISSED,
        items[2].pk: ProposalStatus.PROPOSED,
    }


def test_the_calendar_is_read_once_per_recomputation(zhashui, fagaiju, monkeypatch):
    for _ in range(4):
        _green(zhashui, fagaiju)
    calls = []
    real = alerts.work_calendar
    monkeypatch.setattr(alerts, "work_calendar", lambda: calls.append(1) or real())
    colours_recompute(as_of=JULY, batch_size=1)
    assert len(calls) == 1
