"""`luoshi run` on an empty data directory: migrates, loads the demo, serves, lets every account in.

Nothing here assumes an idle machine: the server is polled until it answers, with per-request
timeouts long enough for a loaded machine and one generous overall deadline.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from luoshi.org.demo import ACCOUNTS
from luoshi.web.management.commands.run import Command, server_environment

ROOT = Path(__file__).resolve().parents[3]
# Migrating, collecting the static files and loading the demo take ~30 s on an idle machine and
# several times that while other processes keep both cores busy.
STARTUP_DEADLINE = 300
REQUEST_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_served(process: subprocess.Popen[str], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    while True:
        try:
            if requests.get(url, timeout=REQUEST_TIMEOUT).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or too busy to answer in time: ask again
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"luoshi run did not serve {url} in time:\n{log.read_text()}"
        time.sleep(1)


def test_run_serves_with_debug_off_unless_asked(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    assert Command().create_parser("luoshi", "run").parse_args([]).debug is False
    assert "DEBUG" not in server_environment(debug=False)  # the settings' default: off
    assert server_environment(debug=True)["DEBUG"] == "1"


@pytest.mark.slow
def test_luoshi_run_serves_the_demo_and_every_account_logs_in(tmp_path):
    port = free_port()
    data = tmp_path / "data"
    log = tmp_path / "run.log"
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LUOSHI_TODAY", "DEBUG"}
    }
    env |= {
        "LUOSHI_ENV": "development",
        "LUOSHI_DEMO": "1",
        "LUOSHI_DATA_DIR": str(data),
        "LUOSHI_DEMO_PASSWORD": "run-test-0725",
    }
    # The output goes to a file, not a pipe: a pipe nobody reads until the end could fill up and
    # block the server's access log.
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "luoshi.cli", "run", "--port", str(port), "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(process, f"{base}/login/", log)

        for spec in ACCOUNTS:
            session = requests.Session()
            page = session.get(f"{base}/login/", timeout=REQUEST_TIMEOUT)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token
            response = session.post(
                f"{base}/login/",
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "username": spec.username,
                    "password": "run-test-0725",
                },
                headers={"Referer": f"{base}/login/"},
                timeout=REQUEST_TIMEOUT,
            )
            assert response.status_code == 200
            landing = (f"{base}/work/", f"{base}/dashboard/", f"{base}/audit/")  # the auditor: his log
            assert response.url in landing, f"{spec.username} could not log in"
            assert "演示数据 · 截至2023年7月25日" in response.text

        # DEBUG is off: a wrong address gets the Chinese page, not Django's list of every URL.
        missing = requests.get(f"{base}/no-such-page/", timeout=REQUEST_TIMEOUT)
        assert missing.status_code == 404
        assert "找不到这个页面" in missing.text and "URLconf" not in missing.text

        # ... and the pages look the same: every stylesheet and script they link (collected, with
        # hashed names) is served by the app.
        login_page = requests.get(f"{base}/login/", timeout=REQUEST_TIMEOUT).text
        assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:css|js))"', login_page)
        assert any(re.search(r"bootstrap\.min\.[0-9a-f]{12}\.css$", a) for a in assets), assets
        for asset in assets:
            assert requests.get(f"{base}{asset}", timeout=REQUEST_TIMEOUT).status_code == 200, asset
        assert (
            requests.get(
                f"{base}/static/vendor/bootstrap/css/bootstrap.min.css", timeout=REQUEST_TIMEOUT
            ).status_code
            == 200
        )
        assert (data / "luoshi.sqlite3").exists()
        assert (data / "jobs.sqlite3").exists()  # the job worker started beside the server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    text = log.read_text()
    assert f"http://127.0.0.1:{port}" in text
    assert "调试模式" not in text
    for spec in ACCOUNTS:
        assert spec.username in text  # the demo accounts are printed


@pytest.mark.slow
def test_luoshi_demo_on_an_empty_data_directory_migrates_first(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LUOSHI_TODAY"}}
    env |= {"LUOSHI_ENV": "development", "LUOSHI_DEMO": "1", "LUOSHI_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "演示县已加载" in result.stdout and "Traceback" not in result.stderr
