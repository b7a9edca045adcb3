"""A real HTTP receiver on loopback for the webhook tests: it records every request, answers
with the status it is told to (204 by default), can be slow, and can be stopped and started
again on the same port, to play an outage."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from guichet.notifications.models import WebhookEndpoint
from guichet.notifications.webhooks import webhook_endpoint_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if receiver.delay:
            time.sleep(receiver.delay)
        status = receiver.status
        receiver.requests.append(Received(self.path, {k.lower(): v for k, v in
                                                      self.headers.items()}, body, status))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        text = b"ok" if status < 300 else b"refus du recepteur"
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass


class Receiver:
    def __init__(self):
        self.requests: list[Received] = []
        self.status = 204
        self.delay = 0.0
        self.port = 0
        self._server = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/guichet"

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self._server.daemon_threads = True
        self._server.receiver = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def accepted(self) -> list[Received]:
        return [r for r in self.requests if 200 <= r.answered < 300]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def make_endpoint(organisation, url: str, events=("case.created",), user=None
                  ) -> WebhookEndpoint:
    return webhook_endpoint_create(organisation=organisation, url=url, events=list(events),
                                   description="GED de la mairie", acting_user=user)
