"""The ledger registry: a ledger plugs in by registering itself; the shell asks the registry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from luoshi.core import clock, registry
from luoshi.web.demo import ledgers_demo_load


@pytest.fixture
def plugged():
    """Two ledgers of one app sharing a demo loader, removed after the test."""
    calls: list[tuple[date, date]] = []

    def demo(*, as_of: date) -> None:
        calls.append((as_of, clock.today()))

    ledgers = [
        registry.Ledger(kind="creation", label="示范创建", app_label="creations", order=30, demo=demo),
        registry.Ledger(kind="meeting_site", label="现场会", app_label="creations", order=31, demo=demo),
    ]
    # The real ledgers of other apps step aside (their demos need the database), and come back;
    # those keeping a kind the test does not plug stay, without their demo.
    real = [entry for entry in registry.ledgers() if entry.demo is not None]
    for entry in real:
        registry.unregister(entry.kind)
        if entry.kind not in ("project", "indicator", "creation", "onsite_meeting"):
            registry.register(replace(entry, demo=None))
    for ledger in ledgers:
        registry.register(ledger)
    yield calls
    for ledger in ledgers:
        registry.unregister(ledger.kind)
    for entry in real:
        registry.unregister(entry.kind)
        registry.register(entry)


def test_kinds_come_from_the_registry_in_the_ledgers_order(plugged):
    kinds = [kind for kind, _label in registry.kind_choices()]
    assert kinds[:3] == ["task", "creation", "meeting_site"]
    assert {"commitment", "rectification"} <= set(kinds)
    assert registry.kind_label("creation") == "示范创建" and registry.kind_label("unknown") == "unknown"


def test_each_demo_loader_runs_once_on_the_demo_day(plugged):
    ledgers_demo_load(as_of=date(2023, 7, 25))
    assert plugged == [(date(2023, 7, 25), date(2023, 7, 25))]


def test_two_apps_cannot_claim_one_kind(plugged):
    registry.register(registry.ledger("creation"))  # the same registration again is harmless
    with pytest.raises(registry.RegistryError, match="creation"):
        registry.register(registry.Ledger(kind="creation", label="创建", app_label="other"))


def test_a_ledger_with_a_detail_model_creates_its_own_items():
    ledger = registry.Ledger(
        kind="honour", label="荣誉", app_label="creations", detail_model="creations.Honour"
    )
    registry.register(ledger)
    try:
        assert "honour" in dict(registry.kind_choices())
        assert "honour" not in dict(registry.plain_kind_choices())  # not offered by the item form
    finally:
        registry.unregister("honour")
    # The enterprises and investment ledgers are such ledgers: their items are opened from a row.
    assert "enterprise" not in dict(registry.plain_kind_choices())
    assert "investment" not in dict(registry.plain_kind_choices())
    assert registry.ledger("indicator").detail_model == "indicators.Indicator"
    assert "indicator" not in dict(registry.plain_kind_choices())
    # The key projects ledger is one: its items are made with their detail, never on their own.
    assert registry.ledger("project").detail_model == "projects.Project"
    assert "project" not in dict(registry.plain_kind_choices())


def test_a_ledger_app_takes_over_a_kind_items_keeps_plainly():
    plain = registry.Ledger(kind="pledge", label="承诺", app_label="items", provisional=True)
    kept = registry.Ledger(kind="pledge", label="承诺事项", app_label="pledges", url_name="pledges:ledger")
    try:
        registry.register(plain)
        assert registry.register(kept) is kept and registry.ledger("pledge") is kept
        assert registry.register(plain) is kept  # whichever app is ready first
        assert registry.ledger("pledge") is kept
    finally:
        registry.unregister("pledge")
    # The real ones: commitments and rectification keep the kinds items made plain.
    assert registry.ledger("commitment").app_label == "commitments"
    assert registry.ledger("rectification").app_label == "rectification"
    assert {"commitment", "rectification"} <= set(dict(registry.plain_kind_choices()))
