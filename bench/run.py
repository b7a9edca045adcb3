"""Benchmark: back-office pages on 100 000 cases in PostgreSQL, and how long a resident waits
for the registration receipt.

    make bench                      # or: .venv/bin/python bench/run.py --cases 100000

Creates a fresh PostgreSQL database (dropped at the end unless --keep), migrates it, loads the
demo territory, generates cases, then measures through Django's test client (the whole request:
middleware, queries, template) as the busiest demo agent:

- the inbox's first page (25 and 100 rows) on each tab, and case pages: p50/p95 and queries;
- the receipt delay: 50 contact forms submitted one after another while a real `db_worker`
  delivers through a real SMTP server on loopback (aiosmtpd); from the POST to the message
  arriving at the SMTP server.

Figures are printed and written to bench/results/<date>.txt.
"""

import argparse
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import DEV_SECRET_KEY, ROOT, analyze, summary  # noqa: E402

AGENT = "thomas.keller@montfleury-sur-orne.example"


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(args, env):
    import psycopg

    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db}"')
    started = time.perf_counter()
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("load_demo", "--reports", "0", env=env)
    manage("gendata", "--cases", str(args.cases), "-v", "0", env=env)
    analyze(args.db)
    return time.perf_counter() - started


def measure_pages(out, rounds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from guichet.accounts.models import User
    from guichet.backoffice.inbox import TABS
    from guichet.cases.models import Case

    agent = User.objects.get(email=AGENT)
    client = Client()
    client.force_login(agent)
    units = list(agent.memberships.values_list("unit_id", flat=True))
    total = Case.objects.count()
    visible = Case.objects.filter(unit_id__in=units).count()
    out(f"Demandes en base : {total} ; dans les services de l'agent : {visible}")

    def timed(url):
        millis, queries = [], []
        client.get(url)  # warm the caches once, as a running server would be
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                millis.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries.append(len(ctx.captured_queries))
        return millis, queries

    for per_page in (25, 100):
        for tab in TABS:
            millis, queries = timed(f"/agents/?onglet={tab.code}&per_page={per_page}")
            out(summary(f"Boîte « {tab.label} », {per_page} par page", millis, queries))
    millis, queries = timed("/agents/?per_page=25&page=200")
    out(summary("Boîte : page 200 (25 par page)", millis, queries))

    references = list(Case.objects.filter(unit_id__in=units).order_by("?")
                      .values_list("reference", flat=True)[:rounds])
    all_millis, all_queries = [], []
    for reference in references:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(f"/agents/demandes/{reference}/")
            all_millis.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (reference, response.status_code)
        all_queries.append(len(ctx.captured_queries))
    out(summary(f"Page d'une demande ({len(references)} demandes au hasard)", all_millis,
                all_queries))


class Inbox:
    """Collects messages arriving at the loopback SMTP server with their arrival time."""

    def __init__(self):
        self.arrivals = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        arrived = time.perf_counter()
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.arrivals.setdefault(recipient, arrived)
        return "250 OK"


def measure_receipts(out, env, count):
    from aiosmtpd.controller import Controller
    from django.test import Client

    from guichet.organisations.models import Unit

    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    worker_env = {**env, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                  "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload",
                               "--interval", "0.2", "-v", "0"],
                              cwd=ROOT, env=worker_env, stdout=subprocess.DEVNULL)
    try:
        time.sleep(3)  # the worker starts
        unit = Unit.objects.select_related("organisation").filter(
            organisation__slug="montfleury-sur-orne").first()
        url = f"/collectivites/{unit.organisation.slug}/services/{unit.slug}/ecrire/"
        client = Client()
        posted = {}
        stamp = int(time.time())
        for i in range(count):
            email = f"bench-{stamp}-{i}@exemple.fr"
            posted[email] = time.perf_counter()
            response = client.post(url, {"subject": f"Mesure {i}", "message": "Bonjour.",
                                         "name": "Usager Mesure", "email": email})
            assert response.status_code == 302, response.status_code
            time.sleep(random.uniform(0.05, 0.3))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(e in handler.arrivals for e in posted):
            time.sleep(0.1)
        delays = [(handler.arrivals[e] - t) * 1000 for e, t in posted.items()
                  if e in handler.arrivals]
        missing = count - len(delays)
        line = (summary("Accusé d'enregistrement : du POST au serveur SMTP", delays)
                if delays else "Accusé d'enregistrement : du POST au serveur SMTP")
        out(line + (f"   NON REÇUS : {missing} sur {count}" if missing else ""))
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        controller.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30, help="requêtes par page mesurée")
    parser.add_argument("--receipts", type=int, default=50)
    parser.add_argument("--db", default="guichet_bench")
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--reuse", action="store_true",
                        help="réutiliser la base déjà remplie (pas de génération)")
    parser.add_argument("--keep", action="store_true", help="ne pas supprimer la base à la fin")
    args = parser.parse_args()

    database_url = args.admin_url.rsplit("/", 1)[0] + "/" + args.db
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "STATIC_MANIFEST": "0",
           "AXES_ENABLED": "0", "LOG_LEVEL": "WARNING",
           "DEMO": "1", "SECRET_KEY": os.environ.get("SECRET_KEY") or DEV_SECRET_KEY,
           "PAYMENT_PROVIDER": os.environ.get("PAYMENT_PROVIDER", "test"),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    lines = []

    def out(line=""):
        print(line, flush=True)
        lines.append(line)

    out(f"Guichet bench — {dt.datetime.now():%Y-%m-%d %H:%M} — {os.cpu_count()} cœurs, "
        f"PostgreSQL, {args.cases} demandes générées")
    if not args.reuse:
        seconds = prepare_database(args, env)
        out(f"Préparation (migrate, load_demo, gendata) : {seconds:.0f} s")

    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "guichet.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        measure_pages(out, args.rounds)
        measure_receipts(out, env, args.receipts)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            import psycopg

            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')

    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
    path.write_text("\n".join(lines) + "\n")
    print(f"Résultats écrits dans {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
