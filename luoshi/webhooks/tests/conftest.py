"""Fixtures of the webhooks' tests: a receiving system on this machine, reached as the configured
gateway (the only private address the rule lets through), and a county's subscription to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from luoshi.items.tests.conftest import fagaiju_item, wenlvju  # noqa: F401  (fixtures shared with items)
from luoshi.webhooks import services
from luoshi.webhooks.models import Event, Subscription


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    origin: str
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # status codes to answer in turn (then 200)
    location: str = ""  # answer 307 to this address

    @property
    def url(self) -> str:
        return f"{self.origin}/luoshi/events?token=receiver-token-0725"


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            if receiver.location:
                self.send_response(307)
                self.send_header("Location", receiver.location)
            else:
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    server = HTTPServer(("127.0.0.1", 0), _handler(Receiver("")))
    found = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(found)
    settings.LUOSHI_WEBHOOK_GATEWAY = found.origin
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscription(zhashui, supervisor, receiver) -> Subscription:
    return services.subscription_create(
        actor=supervisor,
        region=zhashui,
        data=services.SubscriptionInput(name="县大屏", url=receiver.url, events=tuple(Event.values)),
    )
