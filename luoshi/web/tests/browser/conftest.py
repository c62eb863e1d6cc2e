"""Real-browser journeys: Debian's Chromium, driven by Playwright, against `luoshi run` serving the
demo county on a data directory of its own.

The server is the one users run (gunicorn and the job worker, DEBUG off, collected static files,
the real Content-Security-Policy), started once per session; each journey logs its people in, in
fresh browser contexts. Every step is screenshotted to the artefact folder and scanned with axe.

Nothing assumes an idle machine: the server is polled until it answers, navigations and actions
wait up to a minute, and assertions on the page retry for as long.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from luoshi.help import screenshots
from luoshi.web.tests.browser import axe

ROOT = axe.ROOT
CHROMIUM = Path(os.environ.get("LUOSHI_CHROMIUM") or "/usr/bin/chromium")
# Without the background-networking flags Chromium calls home, and this network refuses it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(os.environ.get("LUOSHI_ARTEFACTS") or ROOT / ".ci" / "artefacts") / "browser"
PASSWORD = "demo-pass-2023"  # every demo account's, through LUOSHI_DEMO_PASSWORD
# Migrating, collecting the static files and loading the demo take ~30 s on an idle machine and
# several times that while other processes keep both cores busy.
STARTUP_DEADLINE = 600
REQUEST_TIMEOUT = 60
NAVIGATION_MS = 60_000
ACTION_MS = 60_000
expect.set_options(timeout=60_000)

# The server runs the demo on SQLite in its own folder, whatever the test run is pointed at.
SERVER_ENV_DROPPED = {
    "DATABASE_URL",
    "REDIS_URL",
    "LUOSHI_TODAY",
    "LUOSHI_DATA_DIR",
    "LUOSHI_STORAGE_URL",
    "LUOSHI_STORAGE_ACCESS_KEY",
    "LUOSHI_STORAGE_SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "PORT",
    "HOST",
}
SERVER_ENV_PREFIXES_DROPPED = ("LUOSHI_LLM_", "EMAIL_")


def _missing(message: str) -> None:
    """CI sets LUOSHI_BROWSER_TESTS=required: there a missing browser fails instead of skipping."""
    if os.environ.get("LUOSHI_BROWSER_TESTS") == "required":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_prerequisites() -> None:
    if not CHROMIUM.exists():
        _missing("Chromium 未安装：apt-get install chromium fonts-noto-cjk")
    if not axe.AXE_JS.exists():
        _missing("axe-core 未安装：在项目目录执行 npm ci")
    if not (ROOT / "assets" / "vendor").is_dir():
        _missing("前端库还没有构建：npm ci && npm run build")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_served(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    while True:
        try:
            if requests.get(url, timeout=REQUEST_TIMEOUT).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or too busy to answer in time: ask again
        assert process.poll() is None, f"luoshi run stopped:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"luoshi run did not serve {url} in time:\n{log.read_text()}"
        time.sleep(1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def luoshi_server(browser_prerequisites: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`luoshi run` on an empty data directory: migrates, loads the demo county, serves it."""
    data = tmp_path_factory.mktemp("browser-server")
    log = data / "run.log"
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SERVER_ENV_DROPPED and not k.startswith(SERVER_ENV_PREFIXES_DROPPED)
    }
    env |= {
        "LUOSHI_ENV": "development",
        "LUOSHI_DEMO": "1",
        "LUOSHI_DATA_DIR": str(data / "data"),
        "LUOSHI_DEMO_PASSWORD": PASSWORD,
    }
    # The output goes to a file, not a pipe nobody reads, which could fill up and block the server.
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "luoshi.cli", "run", "--port", str(port), "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_served(process, f"{base}/login/", log)
        yield base
    finally:
        _stop(process)
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, ARTEFACTS / f"server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log")


@pytest.fixture(scope="session")
def browser(browser_prerequisites: None) -> Iterator[Browser]:
    playwright = sync_playwright().start()
    try:
        # A new context per person is a fresh profile: no cookies, no storage, no cache.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    finally:
        playwright.stop()


class Journey:
    """One journey's people, each in a fresh browser context, and its screenshotted, scanned steps."""

    def __init__(self, browser: Browser, base_url: str, folder: Path) -> None:
        self.browser = browser
        self.base_url = base_url
        self.folder = folder
        self.contexts: list[BrowserContext] = []
        self.pages: list[tuple[str, Page]] = []
        self.steps = 0
        self.scans: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.login_scanned = False

    def log_in(self, username: str) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
        )
        context.set_default_navigation_timeout(NAVIGATION_MS)
        context.set_default_timeout(ACTION_MS)
        self.contexts.append(context)
        page = context.new_page()
        self.pages.append((username, page))
        page.on("console", lambda message: self._console(username, message.type, message.text))
        page.on("pageerror", lambda error: self.problems.append(f"{username}：页面脚本出错 {error}"))
        page.goto("/login/")
        if not self.login_scanned:
            self.step(page, "login")
            self.login_scanned = True
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        expect(page.get_by_test_id("user-menu")).to_be_visible()
        return page

    def _console(self, username: str, kind: str, text: str) -> None:
        # A script or a request the policy blocks is a page that does not work as written.
        if "Content Security Policy" in text:
            self.problems.append(f"{username}：{text}")

    def step(self, page: Page, name: str, *, help_image: str = "") -> None:
        """Screenshot the page as it is and scan it: no serious or critical WCAG 2 AA violation.

        `help_image`: the name of the help pages' picture of this screen (luoshi/help/static/help/img),
        taken as the window shows it; `make screenshots` writes it there (luoshi.help.screenshots).
        """
        # Fragments htmx loads on "load" (the item's warning history, the unread count) are in.
        page.wait_for_load_state("networkidle")
        self.steps += 1
        label = f"{self.steps:02d}-{name}"
        page.screenshot(path=self.folder / f"{label}.png", full_page=True)
        if help_image:
            shown = page.screenshot(path=self.folder / f"help-{help_image}.png")
            if screenshots.refreshing():
                screenshots.help_image_write(shown, help_image)
        violations = axe.scan(page)
        self.scans.append({"step": label, "url": page.url, "violations": [v.as_dict() for v in violations]})
        blocking = [v for v in violations if v.blocking]
        assert not blocking, (
            f"{label} {page.url}: axe 发现严重的无障碍问题（WCAG 2 AA）：\n{axe.describe(blocking)}"
        )
        assert not self.problems, "\n".join(self.problems)

    def capture_failure(self) -> None:
        """Where each person's page was when the journey failed."""
        for n, (username, page) in enumerate(self.pages, start=1):
            try:
                page.screenshot(path=self.folder / f"failed-{n}-{username}.png", full_page=True)
            except Exception:  # noqa: S112 - a closed or crashed page has nothing more to show
                continue

    def close(self) -> None:
        (self.folder / "axe.json").write_text(
            json.dumps(self.scans, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(browser: Browser, luoshi_server: str, request: pytest.FixtureRequest) -> Iterator[Journey]:
    folder = ARTEFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    journey = Journey(browser, luoshi_server, folder)
    try:
        yield journey
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            journey.capture_failure()
    finally:
        journey.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps the outcome of a test's call on it, for its journey fixture to see at teardown."""
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
