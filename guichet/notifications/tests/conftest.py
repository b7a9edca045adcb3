"""A real SMTP server on loopback (aiosmtpd) that can be started late, to play an outage."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from guichet.notifications.models import Notification


class Mailbox:
    def __init__(self):
        self.messages = []
        self.peers = set()  # one (address, port) per SMTP connection

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.peers.add(session.peer)
        return "250 OK"


class SMTPServer:
    """A loopback SMTP server that can be started late, to play an outage."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.mailbox.messages


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def make_due(notification):
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
