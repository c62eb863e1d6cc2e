"""Fixtures of the notification tests: the items' fixtures, and a group robot on this machine."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from luoshi.items.tests.conftest import fagaiju_item, wenlvju  # noqa: F401  (fixtures shared with items)


class Robot(BaseHTTPRequestHandler):
    """A group robot: records what it is sent and answers as 企业微信 and 钉钉 do, or, for a path
    in `redirects`, sends the poster elsewhere."""

    received: list[tuple[str, dict]] = []
    redirects: dict[str, str] = {}

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Robot.received.append((self.path, json.loads(body)))
        target = Robot.redirects.get(self.path.split("?", 1)[0])
        if target:
            self.send_response(307)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def robot_server() -> Iterator[str]:
    """The robot's origin, http://127.0.0.1:port: a private address, reachable as the gateway only."""
    Robot.received = []
    Robot.redirects = {}
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
