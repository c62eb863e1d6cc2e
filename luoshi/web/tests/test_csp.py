"""Pages carry a Content-Security-Policy: scripts from our own files only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import luoshi
from luoshi.conftest import client_for

ROOT = Path(luoshi.__file__).parent
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def script_sources(policy: str) -> str:
    return next(part for part in policy.split(";") if part.strip().startswith("script-src"))


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_inline_scripts(supervisor):
    for response in (
        Client().get("/login/"),
        client_for(supervisor).get("/work/"),
        Client().get("/no-such/"),
    ):
        policy = response["Content-Security-Policy"]
        assert "'self'" in script_sources(policy)
        assert "unsafe-inline" not in script_sources(policy) and "unsafe-eval" not in script_sources(policy)
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_holds_a_script_the_policy_would_block():
    """An inline <script> or an on…= handler would stop working under the policy: none may exist."""
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            assert "src=" in tag or "application/json" in tag, f"inline script in {path}"
        assert not INLINE_HANDLER.search(text), f"inline event handler in {path}"
