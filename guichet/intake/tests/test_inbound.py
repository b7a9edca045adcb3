"""Inbound email through a real SMTP server on loopback (aiosmtpd) that relays each message to
Guichet's endpoint over HTTP, as a mail server's pipe would."""

import smtplib
import socket
import urllib.request
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from guichet.cases.models import Case, Event
from guichet.intake.inbound import inbound_receive
from guichet.intake.models import InboundEmail
from guichet.notifications.models import Notification
from guichet.notifications.services import notifications_deliver_due

TOKEN = "jeton-de-test-entree"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Relay:
    """What the mail server does: hand the raw message to Guichet."""

    def __init__(self, url):
        self.url, self.answers = url, []

    async def handle_DATA(self, server, session, envelope):
        request = urllib.request.Request(
            self.url, data=envelope.content, method="POST",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "message/rfc822",
                     "X-Envelope-To": ",".join(envelope.rcpt_tos)})
        with urllib.request.urlopen(request, timeout=10) as response:
            self.answers.append(response.read().decode())
        return "250 OK"


@pytest.fixture
def smtp(live_server, settings):
    settings.INBOUND_TOKEN = TOKEN
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    relay = Relay(live_server.url + "/entree/courriel/")
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()

    def send(message):
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(message)
        return relay.answers[-1]

    yield send
    controller.stop()


def message(subject="Trottoir défoncé", body="Bonjour, devant le 8 rue Foch.",
            sender="Jeanne Roy <jeanne@exemple.fr>", to="voirie@hay.fr", **headers):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_to_the_unit_address_becomes_a_case_and_its_reply_threads(smtp, unit):
    first = message()
    first.add_attachment(PDF, maintype="application", subtype="pdf", filename="photo.pdf")
    first.add_attachment(b"MZ\x90\x00" * 50, maintype="application",
                         subtype="octet-stream", filename="virus.exe")
    assert '"created"' in smtp(first)
    case = Case.objects.get()
    assert (case.unit, case.channel, case.requester_email) == (unit, "email",
                                                              "jeanne@exemple.fr")
    assert case.attachments.get().original_name == "photo.pdf"
    assert "virus.exe" in case.events.get(kind=Event.Kind.SUBMITTED).body
    notifications_deliver_due()
    receipt = next(m for m in mail.outbox if case.reference in m.subject)
    receipt_id = Notification.objects.get(case=case, template="registration_receipt").message_id
    # The resident answers the receipt: the reply joins the case, no new case.
    reply = message(subject=f"Re: {receipt.subject}", body="Il y a aussi un lampadaire.",
                    In_Reply_To=receipt_id)
    assert '"threaded"' in smtp(reply)
    assert Case.objects.count() == 1
    assert case.events.filter(kind=Event.Kind.RESIDENT_MESSAGE).get().body == \
        "Il y a aussi un lampadaire."


def test_the_reference_in_the_subject_threads_but_not_from_someone_else(smtp, unit):
    smtp(message())
    case = Case.objects.get()
    assert '"threaded"' in smtp(message(subject=f"Au sujet de {case.reference}",
                                        body="Précision."))
    forged = message(subject=f"Au sujet de {case.reference}", body="Intrus",
                     sender="intrus@exemple.fr")
    assert '"created"' in smtp(forged)  # never added to Jeanne's case
    assert not case.events.filter(body="Intrus").exists()


def test_auto_replies_bounces_and_our_own_mail_are_ignored(smtp, unit, settings):
    assert '"auto"' in smtp(message(Auto_Submitted="auto-replied", subject="Absence"))
    assert '"auto"' in smtp(message(sender="MAILER-DAEMON@mx.exemple.fr",
                                    subject="Undelivered Mail"))
    assert '"loop"' in smtp(message(sender=settings.DEFAULT_FROM_EMAIL))
    assert '"no_unit"' in smtp(message(to="inconnu@hay.fr"))
    assert not Case.objects.exists()
    assert InboundEmail.objects.count() == 4


def test_html_is_reduced_to_text(smtp, unit):
    msg = message()
    msg.set_content("<p>Bonjour<script>alert(1)</script><img src='http://traceur.example/x'>"
                    "</p><p>Merci</p>", subtype="html")
    smtp(msg)
    body = Case.objects.get().events.get(kind=Event.Kind.SUBMITTED).body
    assert "Bonjour" in body and "Merci" in body
    assert "script" not in body and "alert" not in body and "traceur" not in body


def test_html_entities_come_out_as_the_characters_they_stand_for(unit):
    msg = message()
    msg.set_content("<p>J&#39;habite au 3 Rue d&#39;Alsace &amp; Lorraine, pr&eacute;s de "
                    "l&rsquo;&eacute;cole &lt;B&gt;</p>", subtype="html")
    inbound_receive(msg.as_bytes())
    body = Case.objects.get().events.get(kind=Event.Kind.SUBMITTED).body
    assert "Rue d'Alsace & Lorraine" in body
    assert "prés de l’école <B>" in body
    assert "&" + "amp;" not in body and "&#39;" not in body


def test_a_message_delivered_twice_is_filed_once(unit):
    raw = message(Message_ID="<unique-1@mx.exemple.fr>").as_bytes()
    assert inbound_receive(raw).outcome == "created"
    assert inbound_receive(raw).outcome == "duplicate"
    assert Case.objects.count() == 1


def test_the_endpoint_needs_its_token_and_refuses_huge_messages(client, unit, settings):
    settings.INBOUND_TOKEN = TOKEN
    raw = message().as_bytes()
    assert client.post("/entree/courriel/", raw, content_type="message/rfc822").status_code \
        == 403
    assert client.post("/entree/courriel/", raw, content_type="message/rfc822",
                       HTTP_AUTHORIZATION="Bearer faux").status_code == 403
    settings.INBOUND_MAX_BYTES = 100
    assert client.post("/entree/courriel/", raw, content_type="message/rfc822",
                       HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 413
    assert not Case.objects.exists()
