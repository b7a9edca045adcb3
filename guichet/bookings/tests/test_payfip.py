"""The PayFiP adapter against a stand-in PayFiP on loopback: a real HTTP server in a thread
that checks the payment URL as PayFiP does (refdet of 6 to 30 letters and digits, client
number, amount), posts the notification to Guichet when the payer pays, sends the browser back
and answers the payment status service. Only PayFiP itself is outside the machine."""

from __future__ import annotations

import json
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from guichet.appointments.tests.fixtures import at, next_working_day
from guichet.bookings.models import FacilityBooking, Payment, PaymentLog
from guichet.bookings.services import facility_request, payment_callback
from guichet.journal.models import Entry

CLIENT_NUMBER = "057306"
REFDET = re.compile(r"^[A-Za-z0-9]{6,30}$")


class StandIn:
    """What the stand-in PayFiP saw and what its status service answers."""

    def __init__(self):
        self.operations: dict[str, dict] = {}
        self.status_queries: list[str] = []
        self.notifications: list[tuple[int, str]] = []
        self.tamper: dict = {}


class PayfipLike(BaseHTTPRequestHandler):
    state: StandIn

    def _answer(self, status: int, body: str, content_type="text/html; charset=utf-8",
                **headers):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        """The payment page: refuses a URL that PayFiP would refuse."""
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/tpa/paiement.web":
            return self._answer(404, "inconnu")
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        errors = []
        if query.get("numcli") != CLIENT_NUMBER:
            errors.append("numcli")
        if not REFDET.match(query.get("refdet", "")):
            errors.append("refdet")
        if not query.get("montant", "").isdigit() or int(query["montant"]) < 100:
            errors.append("montant")
        if query.get("saisie") not in ("T", "X", "W"):
            errors.append("saisie")
        if not re.match(r"^[A-Za-z0-9 ]{1,100}$", query.get("objet", "")):
            errors.append("objet")
        if not query.get("exer", "").isdigit():
            errors.append("exer")
        if errors:
            return self._answer(400, "Paramètres invalides : " + ", ".join(errors))
        operation = secrets.token_hex(16)
        self.state.operations[operation] = query
        return self._answer(200, f'<form method="post" action="/tpa/payer?idOp={operation}">'
                                 f'<p>{int(query["montant"]) / 100:.2f} EUR</p></form>')

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if url.path == "/tpa/payer":
            # The payer pays: PayFiP notifies the collectivité, then sends the browser back.
            operation = urllib.parse.parse_qs(url.query)["idOp"][0]
            query = self.state.operations[operation]
            notification = urllib.request.Request(
                query["urlnotif"], data=urllib.parse.urlencode({"idOp": operation}).encode(),
                method="POST")
            try:
                with urllib.request.urlopen(notification, timeout=10) as response:
                    self.state.notifications.append((response.status, response.read().decode()))
            except urllib.error.HTTPError as exc:
                self.state.notifications.append((exc.code, exc.read().decode()))
            return self._answer(302, "", Location=query["urlredirect"])
        if url.path == "/ws/detail":
            # The payment status service (recupererDetailPaiementSecurise).
            operation = json.loads(body or b"{}").get("idOp", "")
            self.state.status_queries.append(operation)
            query = self.state.operations.get(operation)
            if query is None:
                return self._answer(404, "{}", "application/json")
            details = {"idOp": operation, "numcli": query["numcli"], "exer": query["exer"],
                       "refdet": query["refdet"], "montant": query["montant"],
                       "mel": query["mel"], "objet": query["objet"], "saisie": query["saisie"],
                       "resultrans": "P", "numauto": "AUTO42", "dattrans": "03122026",
                       "heurtrans": "1432", **self.state.tamper}
            return self._answer(200, json.dumps(details), "application/json")
        return self._answer(404, "inconnu")

    def log_message(self, *args):
        pass


@pytest.fixture
def payfip(settings):
    state = StandIn()
    handler = type("Handler", (PayfipLike,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.PAYMENT_PROVIDER = "payfip"
    settings.PAYFIP_URL = f"{base}/tpa/paiement.web"
    settings.PAYFIP_CHECK_URL = f"{base}/ws/detail"
    settings.PAYFIP_CLIENT_NUMBER = CLIENT_NUMBER
    settings.PAYFIP_MODE = "T"
    yield state
    server.shutdown()
    server.server_close()


def hall_form(day):
    return {"day": day.isoformat(), "starts": "14:00", "ends": "18:00", "audience": "resident",
            "purpose": "Anniversaire", "attendees": "40", "name": "Marc Blanc",
            "email": "marc@exemple.fr"}


@pytest.mark.django_db(transaction=True)
def test_a_hall_paid_through_payfip_redirect_notification_status(client, hall, payfip,
                                                                   live_server, settings):
    settings.SITE_URL = live_server.url
    start = client.post(reverse("portal:facility", args=[hall.slug]),
                        hall_form(next_working_day(5)))["Location"]
    payment = Payment.objects.get()
    assert payment.provider == "payfip" and REFDET.match(payment.provider_reference)
    # Guichet sends the browser to PayFiP, which accepts the URL…
    to_payfip = client.post(start)["Location"]
    assert to_payfip.startswith(settings.PAYFIP_URL)
    with urllib.request.urlopen(to_payfip, timeout=10) as response:
        assert response.status == 200 and "80.00 EUR" in response.read().decode()
    [(operation, query)] = payfip.operations.items()
    assert query["refdet"] == payment.provider_reference and query["montant"] == "8000"
    # …the payer pays: the notification reaches Guichet, which asks PayFiP's status service,
    # and the browser comes back to the payment's page.
    payer = urllib.request.Request(f"{settings.PAYFIP_URL.rsplit('/', 1)[0]}/payer?"
                                   f"idOp={operation}", data=b"", method="POST")
    with urllib.request.urlopen(payer, timeout=20) as response:
        assert response.url == live_server.url + reverse("portal:payment_return",
                                                         args=[payment.reference])
    assert payfip.notifications == [(200, "OK")]
    assert payfip.status_queries == [operation]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.provider_transaction == "AUTO42"
    assert FacilityBooking.objects.get().status == FacilityBooking.Status.CONFIRMED
    page = client.get(reverse("portal:payment_return", args=[payment.reference]))
    assert "Paiement reçu" in page.content.decode()


def _payfip_payment(hall, payfip, settings):
    """A booking held for payment, and the operation PayFiP opened for it."""
    settings.SITE_URL = "https://guichet.example.fr"
    day = next_working_day(5)
    case = facility_request(facility=hall, starts_at=at(day, 14), ends_at=at(day, 18),
                            audience="resident", purpose="Anniversaire", attendees=40,
                            name="Marc Blanc", email="marc@exemple.fr")
    payment = case.payments.get()
    from guichet.bookings.payments import provider

    with urllib.request.urlopen(provider("payfip").start_url(payment), timeout=10) as response:
        assert response.status == 200
    [operation] = payfip.operations
    return payment, operation


@pytest.mark.parametrize("tamper, outcome", [
    ({"montant": "100"}, "montant différent (1,00 € au lieu de 80,00 €)"),
    ({"numcli": "999999"}, "numéro de client PayFiP différent"),
    ({"refdet": "GUINCONNUE0000000000"}, "référence inconnue"),
])
def test_a_notification_that_does_not_match_the_payment_is_refused(hall, payfip, settings,
                                                                     tamper, outcome):
    payment, operation = _payfip_payment(hall, payfip, settings)
    payfip.tamper = tamper
    assert payment_callback(provider_code="payfip", data={"idOp": operation}) is None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert FacilityBooking.objects.get().status == FacilityBooking.Status.PENDING_PAYMENT
    assert PaymentLog.objects.get().outcome == f"refusé : {outcome}"
    entry = Entry.objects.get(action=Entry.Action.PAYMENT_REFUSED)
    assert entry.details["reason"] == outcome and entry.details["provider"] == "payfip"


def test_an_unknown_operation_is_refused(hall, payfip, settings):
    payment, _ = _payfip_payment(hall, payfip, settings)
    assert payment_callback(provider_code="payfip", data={"idOp": "inconnue"}) is None
    assert payfip.status_queries == ["inconnue"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert PaymentLog.objects.get().outcome == "refusé : vérification PayFiP impossible : " \
                                               "HTTPError"
