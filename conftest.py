"""Shared fixtures: a small territory and the personas every view test needs.

Data is built through services or small factories, never loaded from a previous run."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.utils.text import slugify

from guichet.accounts.models import Membership, ResidentProfile, User
from guichet.contact.services import contact_submit
from guichet.notifications.services import notifications_deliver_due
from guichet.organisations.models import ElectedOfficial, OpeningPeriod, Organisation, Unit

# Fixtures of a territory with commune outlines and report categories.
pytest_plugins = ["guichet.reports.tests.fixtures", "guichet.appointments.tests.fixtures",
                  "guichet.bookings.tests.fixtures", "guichet.procedures.tests.fixtures",
                  "guichet.news.tests.fixtures", "guichet.surveys.tests.fixtures",
                  "guichet.notifications.tests.webhook_receiver"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.AXES_ENABLED = True
    settings.GEOCODER_URL = ""  # tests never reach the national address service
    # The second factor has its own tests (test_two_factor.py); elsewhere agents sign in
    # with force_login and would otherwise be sent to the TOTP set-up page.
    settings.AGENT_2FA_REQUIRED = False


def make_org(name: str, *, kind: str = "commune", prefix: str, insee: str = "57463",
             epci: Organisation | None = None) -> Organisation:
    org = Organisation.objects.create(
        kind=kind, name=name, slug=name.lower().replace(" ", "-").replace("'", ""),
        reference_prefix=prefix, insee_code=insee, epci=epci, email=f"contact@{prefix.lower()}.fr",
        phone="03 87 00 00 00", address="1 place de la Mairie\n57000 Exemple",
    )
    for day in range(5):
        OpeningPeriod.objects.create(organisation=org, weekday=day, opens=dt.time(8, 30),
                                     closes=dt.time(12, 30))
        OpeningPeriod.objects.create(organisation=org, weekday=day, opens=dt.time(13, 30),
                                     closes=dt.time(17, 30))
    return org


def make_unit(org: Organisation, name: str, **fields) -> Unit:
    slug = slugify(name)
    return Unit.objects.create(organisation=org, name=name, slug=slug,
                               email=f"{slug}@{org.reference_prefix.lower()}.fr",
                               phone="03 87 11 22 33", **fields)


def make_user(email: str, *, first_name: str = "", last_name: str = "",
              password: str = "motdepasse-solide-42") -> User:
    user = User.objects.create_user(email=email, password=password, first_name=first_name,
                                    last_name=last_name)
    ResidentProfile.objects.create(user=user)
    return user


def make_agent(email: str, unit: Unit, role: str = Membership.Role.AGENT, **names) -> User:
    user = make_user(email, **names)
    Membership.objects.create(user=user, unit=unit, role=role, title=names.get("title", ""))
    return user


@pytest.fixture
def epci(db):
    return make_org("Val de Fensch", kind="epci", prefix="VF", insee="57606")


@pytest.fixture
def commune(epci):
    return make_org("Hayange", prefix="HAY", insee="57306", epci=epci)


@pytest.fixture
def other_commune(db):
    """A commune outside the EPCI: nothing may be transferred to it."""
    return make_org("Ailleurs", prefix="AIL", insee="75056")


@pytest.fixture
def unit(commune):
    return make_unit(commune, "Voirie")


@pytest.fixture
def other_unit(commune):
    return make_unit(commune, "État civil")


@pytest.fixture
def epci_unit(epci):
    return make_unit(epci, "Déchets")


@pytest.fixture
def official(commune, other_unit):
    return ElectedOfficial.objects.create(
        organisation=commune, first_name="Claire", last_name="Martin", role="Maire",
        delegation="Affaires générales", is_contactable=True, handling_unit=other_unit,
    )


@pytest.fixture
def resident(db):
    return make_user("alice@exemple.fr", first_name="Alice", last_name="Durand")


@pytest.fixture
def other_resident(db):
    return make_user("bob@exemple.fr", first_name="Bob", last_name="Petit")


@pytest.fixture
def agent(unit):
    return make_agent("agent.voirie@hayange.fr", unit, first_name="Paul", last_name="Lemoine")


@pytest.fixture
def manager(unit):
    return make_agent("chef.voirie@hayange.fr", unit, Membership.Role.MANAGER,
                      first_name="Nadia", last_name="Roux")


@pytest.fixture
def other_agent(other_unit):
    """An agent of another unit of the same commune."""
    return make_agent("agent.etatcivil@hayange.fr", other_unit, first_name="Léa",
                      last_name="Morel")


@pytest.fixture
def dpo(unit):
    return make_agent("dpo@hayange.fr", unit, Membership.Role.DPO, first_name="Denis",
                      last_name="Garnier")


@pytest.fixture
def case(unit, resident):
    """A contact case filed by the resident from their account."""
    return contact_submit(unit=unit, subject="Nid-de-poule rue Foch",
                          message="Un trou profond devant le 12.", requester=resident)


@pytest.fixture
def anonymous_case(unit):
    """A contact case filed without an account."""
    return contact_submit(unit=unit, subject="Lampadaire éteint", message="Depuis lundi.",
                          name="Marc Blanc", email="marc@exemple.fr")


@pytest.fixture
def deliver():
    """Run the notification worker's job once and return the emails that went out."""

    def run():
        notifications_deliver_due()
        return mail.outbox

    return run


# --- A BAN-like address server on loopback (the real one is outside the machine) -----------

FOCH = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [6.05, 49.33]},
        "properties": {"label": "12 Rue Foch 57700 Hayange", "score": 0.93, "type": "housenumber",
                       "postcode": "57700", "citycode": "57306", "city": "Hayange"}}


class BanLike(BaseHTTPRequestHandler):
    """Answers like the BAN API (GeoJSON FeatureCollection), by what the query holds: « Foch »
    is found, « vague » scores too low, « panne » gets a 500, « lent » answers after the
    timeout, « casse » answers HTML; anything else is an empty FeatureCollection."""

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        self.server.queries.append(query)
        if "panne" in query:
            return self._send(500, b'{"code": 500, "message": "Internal error"}')
        if "casse" in query:
            return self._send(200, b"<html><body>Maintenance</body></html>", "text/html")
        if "lent" in query:
            time.sleep(2)
        features = []
        if "Foch" in query:
            features = [FOCH]
        elif "vague" in query:
            features = [{"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [6.0, 49.0]},
                         "properties": {"label": "Quelque part", "score": 0.2}}]
        body = {"type": "FeatureCollection", "version": "draft", "features": features,
                "attribution": "BAN", "licence": "ETALAB-2.0", "query": query, "limit": 1}
        self._send(200, json.dumps(body).encode())

    def _send(self, status, body, content_type="application/json"):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting (the timeout case)

    def log_message(self, *args):
        pass


class BanServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), BanLike)
        self.queries: list[str] = []

    def handle_error(self, request, client_address):
        pass


@pytest.fixture
def ban(settings):
    """A BAN-like server on a loopback port; GEOCODER_URL points to it."""
    server = BanServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/search"
    settings.GEOCODER_TIMEOUT = 0.5
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ban_unreachable(settings):
    """GEOCODER_URL on a loopback port where nothing listens (it was just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GEOCODER_URL = f"http://127.0.0.1:{port}/search"
    return settings.GEOCODER_URL
