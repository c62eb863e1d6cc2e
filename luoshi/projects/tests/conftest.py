"""The projects' fixtures, shared by the test modules of the app."""

from luoshi.projects.tests.test_projects import ledger

__all__ = ["ledger"]
