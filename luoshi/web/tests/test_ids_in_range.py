"""An id in a URL beyond what a database holds is a 404 on every page, never a 500."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from luoshi.conftest import client_for
from luoshi.org.models import User

pytestmark = pytest.mark.django_db

HUGE = "9" * 20  # beyond 2**63 - 1


def _int_only_routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every route of the project whose parameters are all integers, as a path with HUGE for each."""
    routes: list[str] = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _int_only_routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            parameters = re.findall(r"<(?:(\w+):)?\w+>", route)
            if parameters and all(converter == "int" for converter in parameters) and "^" not in route:
                routes.append("/" + re.sub(r"<int:\w+>", HUGE, route))
    return routes


def test_every_page_with_an_id_answers_404_for_an_id_out_of_range(supervisor: User):
    routes = _int_only_routes(get_resolver())
    assert len(routes) > 50, routes  # the walk found the project's pages
    client = client_for(supervisor)
    failures = {route: status for route in routes if (status := client.get(route).status_code) != 404}
    assert failures == {}


def test_a_huge_id_in_a_post_is_refused_the_same(supervisor: User):
    response = client_for(supervisor).post(f"/projects/{HUGE}/edit/", {})
    assert response.status_code == 404


def test_a_huge_id_posted_in_a_body_is_a_400_not_a_500(supervisor: User):
    client = client_for(supervisor)
    response = client.post(
        "/api/v1/items/",
        {"title": "越界的配合单位", "support_units": [int(HUGE)], "year": 2023},
        content_type="application/json",
    )
    # refused as a 400 in the API's shape: by the form's choices (PostgreSQL compares the number) or
    # by the database's range (SQLite cannot bind it), never a 500
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "提交的数值超出范围。" or "support_units" in error["fields"]


def test_a_huge_id_posted_in_a_page_form_is_a_400_not_a_500(supervisor: User):
    response = client_for(supervisor).post("/items/new/", {"title": "越界", "support_units": [HUGE]})
    assert response.status_code in (200, 400)  # the form refuses it, or the database's range does
