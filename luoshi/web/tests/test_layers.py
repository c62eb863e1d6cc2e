"""The import contract of DESIGN.md, enforced: a lower layer never imports a higher one."""

from __future__ import annotations

from pathlib import Path

import luoshi
from luoshi.testing.layers import LAYERS, apps_in, check_package, check_source

ROOT = Path(luoshi.__file__).parent


def test_every_app_has_a_layer():
    assert apps_in(ROOT) - set(LAYERS) == set(), "give the new app a layer in luoshi/testing/layers.py"


def test_no_app_imports_one_above_it():
    violations = check_package(ROOT)
    assert not violations, "\n".join(str(v) for v in violations)


def test_a_back_import_is_caught_however_it_is_written():
    assert check_source("items", "from luoshi.alerts.services import item_colours_refresh")
    assert check_source("items", "def f():\n    from luoshi.alerts import services\n")  # a lazy one
    assert check_source("core", "import luoshi.org.models")
    assert check_source("core", "from luoshi import items")
    assert check_source("items", 'm = models.ForeignKey("extraction.SourceDocument", on_delete=None)')
    assert check_source("alerts", "from luoshi.dashboard.selectors import snapshots_for")
    assert check_source("extraction", "from luoshi.projects.models import Project")  # ledgers side by side


def test_downward_imports_and_the_top_are_allowed():
    assert not check_source("alerts", "from luoshi.items.models import Item\nfrom luoshi.core import clock")
    assert not check_source("web", "from luoshi.dashboard import views\nfrom luoshi.extraction import models")
    assert not check_source("items", 'parent = models.ForeignKey("items.Item", on_delete=None)')


def test_a_deliberate_back_import_in_a_package_fails_the_check(tmp_path):
    root = tmp_path / "luoshi"
    for app, text in {
        "core": "from luoshi.core import clock\n",
        "items": "from luoshi.org.models import Unit\n",
        "org": "from luoshi.items.models import Item  # wrong way\n",
    }.items():
        (root / app).mkdir(parents=True)
        (root / app / "__init__.py").write_text("")
        (root / app / "models.py").write_text(text)
    (root / "org" / "tests").mkdir()
    (root / "org" / "tests" / "test_x.py").write_text("from luoshi.items import models\n")  # tests are exempt
    assert [(v.source, v.target, v.line) for v in check_package(root)] == [("org", "items", 1)]
