"""The ledger registry: how items, alerts, the navigation bar, the dashboard, `luoshi stats` and
`luoshi demo` learn which ledgers exist without importing them.

Every item is a row of one ledger (台账), named by its `kind`. An app that keeps a ledger registers
it once, from its `AppConfig.ready()`, with what the rest of the system needs of it: its kind and
label, its detail model, the facts its colour needs, its list page, its section of the figures and
its demo. The registry lives in the ground layer (Django's admin registry and Wagtail's hooks do
the same), so the lower layers only ever ask it and never import a ledger.
"""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

# The facts a ledger adds to an item's colour: item id → the engine's extra facts for it.
ColourFacts = Callable[[Sequence[int], date], Mapping[int, Mapping[str, Any]]]


class StatsSection(Protocol):
    """A ledger's figures as of a day, as `user` may see them (a JSON-able dict, or a list of rows
    for a ledger whose figures are a table). `luoshi stats` passes a reader of one region; the
    pages call the same selectors with the user at hand."""

    def __call__(self, *, user: Any, as_of: date) -> dict[str, Any] | list[dict[str, Any]]: ...


class DemoLoader(Protocol):
    def __call__(self, *, as_of: date) -> None: ...


@dataclass(frozen=True)
class BulletinPart:
    """A ledger's part of a supervision bulletin (督查通报), in the bulletin's own words.

    `paragraphs` go to 一、总体情况 under the ledger's label, `problems` to 二、存在问题 (each names
    the units and the cause), and the table, when it has rows, becomes one of the bulletin's 附件.
    Plain text only: the bulletin escapes it wherever it is shown."""

    title: str  # 重点项目
    paragraphs: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    table_title: str = ""  # 未开工和欠进度的重点项目
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


class BulletinSection(Protocol):
    """A ledger's part of a bulletin as of a day, as `user` may see it (a reader of one region for
    a drafted bulletin); None when the ledger has nothing to say for that user."""

    def __call__(self, *, user: Any, as_of: date) -> BulletinPart | None: ...


@dataclass(frozen=True)
class MeetingRow:
    """A ledger row that needs a meeting's decision (a 调度会's material): what, who leads it, which
    leader is on it, and why it comes to the meeting. Plain text, like a BulletinPart."""

    title: str
    unit: str
    leader: str
    reason: str
    item_id: int | None = None  # the item the row is about, for a link


@dataclass(frozen=True)
class MeetingPart:
    """A ledger's rows for a meeting pack (调度会材料), under its own heading."""

    title: str  # 重点项目：逾期未解决的问题
    rows: tuple[MeetingRow, ...] = ()


class MeetingSection(Protocol):
    """A ledger's rows needing a decision as of a day, as `user` may see them (a reader of one region
    for a meeting pack); None when the ledger has nothing for that user."""

    def __call__(self, *, user: Any, as_of: date) -> MeetingPart | None: ...


@dataclass(frozen=True)
class Ledger:
    """One ledger: the items of one kind, and what the rest of the system asks of them."""

    kind: str  # the item kind of its rows, e.g. "project"
    label: str  # 重点项目
    app_label: str  # the Django app that keeps it
    order: int = 100  # its place in the navigation bar, the figures and the demo
    icon: str = "journal-text"  # a bootstrap-icons name
    summary: str = ""  # one sentence for its page and the navigation bar
    url_name: str = ""  # its list page; empty where the ledger's rows are listed with all items
    detail_model: str = ""  # "app_label.Model", one-to-one with Item; empty for plain items
    colour_facts: ColourFacts | None = None
    stats: StatsSection | None = None  # its section of `luoshi stats`, named after its app
    demo: DemoLoader | None = None  # loads its part of the demo county, after the items' part
    bulletin: BulletinSection | None = None  # its part of a drafted bulletin (app bulletins)
    meeting: MeetingSection | None = None  # its rows needing a meeting's decision (app bulletins)
    # A kind kept plainly (by items) until a ledger app takes it over with its pages and figures:
    # the app's registration replaces this one, whichever app is ready first.
    provisional: bool = False


class RegistryError(RuntimeError):
    pass


_ledgers: dict[str, Ledger] = {}


def register(ledger: Ledger) -> Ledger:
    """Register a ledger (from an app's `AppConfig.ready()`). Registering the same one twice is
    harmless; two different ledgers claiming one kind is a mistake caught at start-up, unless one of
    them is provisional (a kind items keeps plainly): the ledger app's registration wins."""
    existing = _ledgers.get(ledger.kind)
    if existing is not None and existing.provisional and not ledger.provisional:
        _ledgers[ledger.kind] = ledger  # a ledger app takes over a kind items kept plainly
        return ledger
    if existing is not None and ledger.provisional and not existing.provisional:
        return existing
    if existing is not None and existing != ledger:
        raise RegistryError(
            f"item kind {ledger.kind!r} is claimed by {existing.app_label} and {ledger.app_label}"
        )
    _ledgers[ledger.kind] = ledger
    return ledger


def unregister(kind: str) -> None:
    """For tests that plug in a ledger of their own."""
    _ledgers.pop(kind, None)


def ledgers() -> list[Ledger]:
    return sorted(_ledgers.values(), key=lambda ledger: (ledger.order, ledger.kind))


def ledger(kind: str) -> Ledger | None:
    return _ledgers.get(kind)


def kind_choices() -> list[tuple[str, str]]:
    """The item kinds, for `Item.kind` (a callable, so migrations do not freeze the list)."""
    return [(entry.kind, entry.label) for entry in ledgers()]


def plain_kind_choices() -> list[tuple[str, str]]:
    """The kinds an item can be created as on its own (by the item form, the Excel sheet, the
    extractor): a ledger with a detail model creates its items itself, with their detail."""
    return [(entry.kind, entry.label) for entry in ledgers() if not entry.detail_model]


def kind_label(kind: str) -> str:
    entry = _ledgers.get(kind)
    return entry.label if entry else kind


_sections: dict[str, tuple[int, StatsSection]] = {}


def register_stats(name: str, section: StatsSection, *, order: int = 100) -> None:
    """A section of `luoshi stats` that is not a ledger's own (the dashboard's figures)."""
    _sections[name] = (order, section)


def stats_sections() -> dict[str, StatsSection]:
    """The sections of `luoshi stats`: one per app that keeps ledgers (named after the app, in the
    ledgers' order), then the other registered ones in their order."""
    sections: list[tuple[int, str, StatsSection]] = []
    seen: set[str] = set()
    for entry in ledgers():
        if entry.stats is not None and entry.app_label not in seen:
            seen.add(entry.app_label)
            sections.append((entry.order, entry.app_label, entry.stats))
    sections += [(order, name, section) for name, (order, section) in _sections.items() if name not in seen]
    return {name: section for _order, name, section in sorted(sections, key=lambda row: row[0])}


class ImportHandler(Protocol):
    """Imports one file for `luoshi import <target> FILE`: writes the bad cells to `stderr`, raises
    `CommandError` when nothing was imported, and returns the line that says what was done."""

    def __call__(self, *, path: Path, options: Mapping[str, Any], stderr: Callable[[str], None]) -> str: ...


@dataclass(frozen=True)
class ImportTarget:
    """What `luoshi import` can read: `luoshi import <name> FILE [options]`. The command (in items)
    gives each target a sub-command whose options `add_arguments` declares, and hands it the file."""

    name: str  # the word after `luoshi import`, e.g. "indicators"
    label: str  # 考核指标数据
    add_arguments: Callable[[ArgumentParser], None]
    handle: ImportHandler
    order: int = 100


_imports: dict[str, ImportTarget] = {}


def register_import(target: ImportTarget) -> ImportTarget:
    """Register a target of `luoshi import` (from an app's `AppConfig.ready()`)."""
    existing = _imports.get(target.name)
    if existing is not None and existing != target:
        raise RegistryError(f"import target {target.name!r} is registered twice")
    _imports[target.name] = target
    return target


def import_targets() -> list[ImportTarget]:
    return sorted(_imports.values(), key=lambda target: (target.order, target.name))


_bulletins: dict[str, tuple[int, BulletinSection]] = {}


def register_bulletin(name: str, section: BulletinSection, *, order: int = 100) -> None:
    """A part of a drafted bulletin that is not a ledger's (the assessment's rankings): after every
    ledger's part, in its order."""
    _bulletins[name] = (order, section)


def bulletin_sections() -> list[BulletinSection]:
    """The parts of a drafted bulletin: each ledger's (once, in the ledgers' order), then the other
    registered ones in their order."""
    sections: list[BulletinSection] = []
    for entry in ledgers():
        if entry.bulletin is not None and entry.bulletin not in sections:
            sections.append(entry.bulletin)
    sections += [section for _order, section in sorted(_bulletins.values(), key=lambda pair: pair[0])]
    return sections


_demos: dict[str, tuple[int, DemoLoader]] = {}


def register_demo(name: str, loader: DemoLoader, *, order: int = 100) -> None:
    """A part of the demo county that is not a ledger's (a drafted bulletin): loaded after every
    ledger's part, in its order."""
    _demos[name] = (order, loader)


def demo_loaders() -> list[DemoLoader]:
    return [loader for _order, loader in sorted(_demos.values(), key=lambda pair: pair[0])]
