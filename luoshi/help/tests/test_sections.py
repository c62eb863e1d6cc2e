"""Every page of the app links to its help, and every link lands on a section that exists."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from luoshi.conftest import client_for, demo_user
from luoshi.help import sections
from luoshi.org.demo import ACCOUNTS


def named_pages(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, str]]:
    """(namespace, url name) of every named URL pattern of the project, Django's admin included."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = ":".join(part for part in (namespace, inner) if part)
            yield from named_pages(pattern, full)
        else:
            assert isinstance(pattern, URLPattern)
            if pattern.name:
                yield namespace, pattern.name


def test_every_named_page_has_a_help_topic():
    pages = list(named_pages())
    assert len(pages) > 100
    missing = [
        f"{namespace}:{name}" if namespace else name
        for namespace, name in pages
        if sections.topic_for(name, namespace) is None
    ]
    assert not missing, (
        "pages without help: "
        + ", ".join(missing)
        + ". Give each a topic in BY_URL_NAME (or its namespace one in BY_NAMESPACE)"
        " of luoshi/help/sections.py."
    )


def test_the_mapping_names_only_pages_and_topics_that_exist():
    pages = {f"{namespace}:{name}" if namespace else name for namespace, name in named_pages()}
    namespaces = {namespace.split(":")[0] for namespace, _ in named_pages() if namespace}
    assert set(sections.BY_URL_NAME) <= pages, set(sections.BY_URL_NAME) - pages
    assert set(sections.BY_NAMESPACE) <= namespaces, set(sections.BY_NAMESPACE) - namespaces
    used = set(sections.BY_URL_NAME.values()) | set(sections.BY_NAMESPACE.values()) | {sections.DEFAULT_TOPIC}
    assert used <= set(sections.TOPICS), used - set(sections.TOPICS)
    for topic, places in sections.TOPICS.items():
        for guide, anchor in places:
            assert anchor in sections.ANCHORS[guide], f"{topic}: {guide} has no section #{anchor}"


def test_a_page_of_no_topic_opens_the_help_index():
    assert sections.topic_for("new_page", None) is None
    assert sections.help_url("new_page", None, []) == "/help/#roles"


def test_the_link_opens_the_readers_own_guide_where_it_has_the_topic():
    assert sections.help_url("work", None, ["reporter"]) == "/help/reporter/#month"
    assert sections.help_url("work", None, ["supervisor"]) == "/help/supervisor/#month"
    assert sections.help_url("report_correct", "items", ["reporter"]) == "/help/reporter/#correct"
    assert sections.help_url("report_correct", "items", ["unit_head"]) == "/help/unit_head/#correct"
    # A leader has no guide of his own on correcting a report: the general answer.
    assert sections.help_url("report_correct", "items", ["leader"]) == "/help/#faq-correct"
    assert sections.help_url("index", "dashboard", ["supervisor"]) == "/help/supervisor/#colours"
    assert sections.help_url("index", "dashboard", ["viewer"]) == "/help/viewer/#dashboard"
    # A ledger's pages open the ledgers' part; the unit's own guide first.
    assert sections.help_url("ledger", "projects", ["reporter"]) == "/help/reporter/#ledgers"
    assert sections.help_url("ledger", "projects", ["leader"]) == "/help/#ledgers"
    # The first of a person's seats decides; a superuser without one reads the administrator's.
    assert sections.help_url("work", None, ["unit_head", "reporter"]) == "/help/unit_head/#month"
    assert sections.help_url("work", None, [], is_superuser=True) == "/help/admin/#month"
    assert sections.help_url("audit_log", None, ["auditor"]) == "/help/auditor/#audit"


GUIDE_PAGES = ["/help/", *(f"/help/{guide.slug}/" for guide in sections.GUIDES)]


def page_of(place: sections.Place) -> str:
    guide, _ = place
    return "/help/" if guide == sections.INDEX else f"/help/{guide}/"


@pytest.mark.django_db
def test_every_section_a_link_can_open_is_on_its_page(demo_org):
    client = client_for(demo_user("fgj-reporter"))
    for guide, anchors in sections.ANCHORS.items():
        text = client.get(page_of((guide, ""))).content.decode()
        for anchor in anchors:
            assert f'id="{anchor}"' in text, f"{page_of((guide, ''))} has no #{anchor}"
    assert set(sections.ANCHORS) == {sections.INDEX, *sections.GUIDE_BY_SLUG}


@pytest.mark.django_db
@pytest.mark.parametrize("spec", ACCOUNTS, ids=[spec.username for spec in ACCOUNTS])
def test_every_role_reads_every_guide(demo_org, spec):
    client = client_for(demo_user(spec.username))
    for address in GUIDE_PAGES:
        response = client.get(address)
        assert response.status_code == 200, (spec.username, address)
        assert 'data-testid="help-link"' in response.content.decode()
    assert client.get("/help/nobody/").status_code == 404


@pytest.mark.django_db
def test_a_guide_names_the_readers_own_roles(demo_org):
    text = client_for(demo_user("yingpan-head")).get("/help/").content.decode()
    assert re.search(r"单位负责人\s*<span class=\"badge[^\"]*\">你的角色</span>", text)
    assert text.count("你的角色</span>") == 1


@pytest.mark.django_db
def test_help_needs_a_login(db):
    for address in GUIDE_PAGES:
        response = Client().get(address)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "address", "expected"),
    [
        ("fgj-reporter", "/work/", "/help/reporter/#month"),
        ("fgj-head", "/work/", "/help/unit_head/#month"),
        ("duchaban", "/work/", "/help/supervisor/#month"),
        ("duchaban", "/dashboard/", "/help/supervisor/#colours"),
        ("fengrui", "/dashboard/", "/help/leader/#dashboard"),
        ("renda", "/dashboard/", "/help/viewer/#dashboard"),
        ("duchaban", "/items/", "/help/#items"),
        ("duchaban", "/items/new/", "/help/supervisor/#assign"),
        ("duchaban", "/extraction/", "/help/supervisor/#extraction"),
        ("fgj-reporter", "/projects/", "/help/reporter/#ledgers"),
        ("fgj-reporter", "/org/", "/help/#directory"),
        ("shenji", "/audit/", "/help/auditor/#audit"),
        ("fgj-reporter", "/help/", "/help/#roles"),
    ],
)
def test_the_page_header_links_to_the_pages_help(demo_org, username, address, expected):
    response = client_for(demo_user(username)).get(address)
    assert response.status_code == 200
    link = re.search(r'<a [^>]*href="([^"]+)" data-testid="help-link"', response.content.decode())
    assert link is not None and link.group(1) == expected
