"""Loaded by pytest before Django is set up (pyproject: addopts -p luoshi.testing.plugin)."""

import os

os.environ["LUOSHI_ENV"] = "test"
# Tests never read a developer's demo settings or pinned date from the environment.
os.environ.pop("LUOSHI_DEMO", None)
os.environ.pop("LUOSHI_TODAY", None)
