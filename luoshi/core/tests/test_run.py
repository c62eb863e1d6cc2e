"""`luoshi run` on an empty data directory: migrates, loads the demo, serves, lets every account in."""

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

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_luoshi_run_serves_the_demo_and_every_account_logs_in(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LUOSHI_TODAY"}}
    env |= {
        "LUOSHI_ENV": "development",
        "LUOSHI_DEMO": "1",
        "LUOSHI_DATA_DIR": str(tmp_path),
        "LUOSHI_DEMO_PASSWORD": "run-test-0725",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "luoshi.cli", "run", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{base}/login/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "luoshi run did not serve the login page in time"
            time.sleep(0.5)

        for spec in ACCOUNTS:
            session = requests.Session()
            page = session.get(f"{base}/login/", timeout=10)
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
                timeout=10,
            )
            assert response.status_code == 200
            assert response.url in (f"{base}/work/", f"{base}/dashboard/"), (
                f"{spec.username} could not log in"
            )
            assert "演示数据 · 截至2023年7月25日" in response.text
        assert (
            requests.get(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css", timeout=5).status_code
            == 200
        )
        assert (tmp_path / "luoshi.sqlite3").exists()
        assert (tmp_path / "jobs.sqlite3").exists()  # the job worker started beside the server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}" in output
    for spec in ACCOUNTS:
        assert spec.username in output  # the demo accounts are printed


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
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "演示县已加载" in result.stdout and "Traceback" not in result.stderr
