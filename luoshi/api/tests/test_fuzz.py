"""Schemathesis against the API's own schema, in-process (the WSGI app), as a reporter and as the
office: no 500, no answer outside the schema, and nothing of another unit or county in any answer.

Bounded: a few examples per operation (LUOSHI_FUZZ_EXAMPLES, default 3), so the run takes a few
minutes at most; CI runs it as part of the suite (.ci/run)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from luoshi.api.tests.conftest import token_for
from luoshi.items.tests.factories import ItemFactory
from luoshi.org.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLES = int(os.environ.get("LUOSHI_FUZZ_EXAMPLES", "3"))
# Written into the titles of what the fuzzed user must never read.
MARK = "越界标记"


@pytest.fixture
def in_process() -> Iterator[None]:
    """Requests through the WSGI app share the test's transaction: the app must not close the
    connection at the end of each request (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def outside(zhashui, zhenan, fagaiju) -> None:
    """An item of another unit of the county and one of another county, with reports."""
    ItemFactory(
        region=zhashui,
        lead_unit=Unit.objects.get(region=zhashui, short_name="县财政局"),
        title=f"{MARK}县财政局",
    )
    ItemFactory(region=zhenan, lead_unit=Unit.objects.filter(region=zhenan).first(), title=f"{MARK}镇安县")
    ItemFactory(region=zhashui, lead_unit=fagaiju, title="县发改局的事项")


def operations() -> list[schemathesis.APIOperation]:
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(token: str, *, forbidden: str = "") -> list[str]:
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations():
        if operation.path.endswith("/schema/") or operation.path.endswith("/docs/"):
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except Exception as error:
                failures.append(f"{case.method} {case.formatted_path}: {str(error)[:400]}")
            if forbidden and forbidden in response.text:
                failures.append(f"{case.method} {case.formatted_path}: answered another unit's object")

        try:
            run()
        except Exception as error:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:400]}")
    return failures


def test_fuzzing_as_a_reporter(in_process, outside, fagaiju_reporter):
    failures = fuzz(token_for(fagaiju_reporter), forbidden=MARK)
    assert not failures, "\n".join(failures)


def test_fuzzing_as_the_office(in_process, outside, supervisor):
    failures = fuzz(token_for(supervisor), forbidden=f"{MARK}镇安县")
    assert not failures, "\n".join(failures)
