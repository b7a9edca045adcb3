"""`make demo` runs the site as production does: the project's own French error pages (never
Django's technical pages, which show agents the code and the data), collected static files, and
sign-in working over plain http on the demo machine; the addresses and the table of accounts
printed last, after the server's and the worker's start-up lines, on the port asked for. The
server is started here with exactly the environment the Makefile gives it, on the test
database."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import make_user
from guichet.demo.management.commands.run_demo import PERIODIC, did_something, first_runs
from guichet.demo.territory import territory_load

BASE_DIR = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)


def demo_environment() -> dict[str, str]:
    """The variables the Makefile's `demo` recipe sets for run_demo, as its shell expands them
    when nothing is set beforehand."""
    dry_run = subprocess.run(["make", "--no-print-directory", "-n", "demo"], cwd=BASE_DIR,
                             capture_output=True, text=True, check=True).stdout
    line = next(line for line in dry_run.splitlines() if "manage.py run_demo" in line)
    assignments = re.match(r"\s*((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)", line).group(1)
    names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", assignments)
    base = {k: v for k, v in os.environ.items() if k not in names}
    printed = subprocess.run(["sh", "-c", f"{assignments} env -0"], env=base,
                             capture_output=True, text=True, check=True).stdout
    env = dict(item.split("=", 1) for item in printed.split("\0") if "=" in item)
    return {name: env[name] for name in names}


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def demo(tmp_path):
    """run_demo (web server and worker) with the Makefile's environment, on the test database."""
    env = {**os.environ, **demo_environment(), "DATABASE_URL": database_url(),
           "VAR_DIR": str(tmp_path), "STATIC_ROOT": str(tmp_path / "static")}
    env.pop("EMAIL_BACKEND", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=BASE_DIR,
                   env=env, check=True)
    port = free_port()
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen([*manage, "run_demo", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, \
                (tmp_path / "demo.log").read_text()
            time.sleep(0.2)
    yield url, tmp_path / "demo.log"
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def fetch(opener, url, data=None):
    try:
        response = opener.open(url, data=urllib.parse.urlencode(data).encode() if data else None,
                               timeout=20)
    except urllib.error.HTTPError as error:
        response = error
    return response.status, response.geturl(), response.read().decode()


def test_the_demo_shows_the_projects_error_pages_and_signs_in_over_http(demo, settings):
    url, log = demo
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    make_user("claire@exemple.fr", first_name="Claire", last_name="Dupont",
              password="Guichet-demo-2026")
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    status, _, html = fetch(browser, url + "/agents/demandes/MFO-2026-999999/nulle-part/")
    assert status == 404
    assert "Page introuvable" in html and 'lang="fr"' in html
    assert "DEBUG = True" not in html and "URLconf" not in html

    # The page's style sheet is served (collected files, WhiteNoise).
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert fetch(browser, url + stylesheet)[0] == 200

    # Signing in works over http: the session and CSRF cookies are not "secure only".
    _, _, form = fetch(browser, url + "/connexion/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    status, landed, _ = fetch(browser, url + "/connexion/", {
        "csrfmiddlewaretoken": token, "username": "claire@exemple.fr",
        "password": "Guichet-demo-2026"})
    assert (status, landed) == (200, url + "/mes-demandes/")

    # A resident on the agents' space: the French 403 page, one line in the log.
    status, _, html = fetch(browser, url + "/agents/")
    assert status == 403 and "Accès refusé" in html and "Traceback" not in html
    time.sleep(0.5)  # let the server flush its log line
    printed = log.read_text()
    assert printed.count("Forbidden (Permission denied): /agents/") == 1
    assert "Traceback" not in printed


@pytest.fixture
def demo_accounts():
    territory_load()


def test_the_accounts_come_last_with_the_port_asked_for(demo_accounts, demo):
    url, log = demo
    deadline = time.monotonic() + 60
    while "Espace agents :" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    lines = log.read_text().splitlines()

    def at(fragment: str) -> int:
        return next(i for i, line in enumerate(lines) if fragment in line)

    assert at(f"Starting development server at {url}/") < at(f"Guichet tourne sur {url}/")
    assert at("Starting worker") < at("Comptes de démonstration")
    assert at(f"Guichet tourne sur {url}/") < at("Comptes de démonstration") < at(
        "thomas.keller@montfleury-sur-orne.example") < at(
        f"Espace agents : {url}/agents/ — administration : {url}/admin/")
    assert "127.0.0.1:8000" not in "\n".join(lines)
    assert "Subject:" not in "\n".join(lines)


@pytest.mark.django_db(transaction=False)
def test_periodic_jobs_are_quiet_when_they_did_nothing():
    assert not did_something("0 notification(s) envoyée(s).\n")
    assert not did_something("0 alerte(s) envoyée(s), 0 décision(s) implicite(s) "
                             "enregistrée(s), 0 dossier(s) classé(s) faute de pièces.")
    assert did_something("2 rappel(s) envoyé(s).")


@pytest.mark.django_db(transaction=False)
def test_daily_jobs_wait_a_day_since_load_demo_has_just_run_them():
    """A managers' digest two minutes after start would be an email nobody triggered."""
    runs = first_runs(1000.0)
    assert runs["send_digest"] == 1000.0 + 86400
    assert runs["ask_if_fixed"] == 1000.0 + 3600
    assert min(runs.values()) == 1000.0 + min(PERIODIC.values())
