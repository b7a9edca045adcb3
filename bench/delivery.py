"""Benchmark: 1 000 receipts through an SMTP outage and two worker crashes, none lost, none
sent twice under two Message-IDs.

    make bench                      # or: .venv/bin/python bench/delivery.py --receipts 1000

Creates a fresh PostgreSQL database, files N contact requests (each queues its registration
receipt), then runs two `manage.py db_worker` processes and the periodic `send_notifications`
(every 5 s) against a real SMTP server on loopback (aiosmtpd) that is down for the first minute
(connections refused) and started after it. While the receipts go out, every worker process —
the two workers and a running `send_notifications` — is SIGKILLed twice (at about a third and two
thirds of the messages) and restarted. The SMTP server counts what it accepted by Message-ID:

- delivered: distinct Message-IDs accepted, expected N;
- lost: receipts whose Message-ID never arrived, expected 0;
- re-sent: SMTP transactions minus distinct Message-IDs — a worker killed between the SMTP
  server's acceptance and the sent marker leaves a message that another worker sends again once
  the lease runs out, with the same Message-ID (a receiver drops it); duplicates under two
  different Message-IDs: expected 0.

Retries are shortened for the run (base 5 s, cap 20 s, lease 15 s); nothing else changes.
Figures are printed and written to bench/results/delivery-<date>.txt. Bounded: --timeout.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    ROOT,
    Output,
    bench_env,
    drop_database,
    manage,
    recreate_database,
    setup_django,
)

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


class Counting:
    """Counts SMTP transactions by Message-ID."""

    def __init__(self):
        self.by_id: Counter = Counter()
        self.lock = threading.Lock()
        self.transactions = 0
        self.first_at = None

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.transactions += 1
            self.first_at = self.first_at or time.monotonic()
            self.by_id[found.group(1).decode() if found else "?"] += 1
        return "250 OK"

    def distinct(self) -> int:
        with self.lock:
            return len(self.by_id)


class Processes:
    """The worker side: two db_workers and a periodic send_notifications, all killable."""

    def __init__(self, env, workers):
        self.env, self.count = env, workers
        self.workers: list[subprocess.Popen] = []
        self.periodic: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.kills = 0
        self.thread = threading.Thread(target=self._periodic, daemon=True)

    def _spawn(self, *args):
        return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        with self.lock:
            self.workers = [self._spawn("db_worker", "--no-reload", "--interval", "0.2",
                                        "--no-startup-delay", "--worker-id", f"bench-{i}")
                            for i in range(self.count)]
        if not self.thread.is_alive():
            self.thread.start()

    def _periodic(self):
        while not self.stopping.is_set():
            with self.lock:
                if self.periodic is None or self.periodic.poll() is not None:
                    self.periodic = self._spawn("send_notifications")
            self.stopping.wait(5)

    def kill_all(self) -> int:
        """SIGKILL every worker process now (no cleanup, as a crash or an OOM kill)."""
        killed = 0
        with self.lock:
            for process in [*self.workers, self.periodic]:
                if process is not None and process.poll() is None:
                    os.kill(process.pid, signal.SIGKILL)
                    killed += 1
            for process in [*self.workers, self.periodic]:
                if process is not None:
                    process.wait()
            self.periodic = None
        self.kills += 1
        return killed

    def stop(self):
        self.stopping.set()
        with self.lock:
            for process in [*self.workers, self.periodic]:
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in [*self.workers, self.periodic]:
                if process is not None:
                    try:
                        process.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        process.kill()


def file_receipts(count: int) -> list[str]:
    from guichet.contact.services import contact_submit
    from guichet.notifications.models import Notification
    from guichet.organisations.models import Organisation, Unit

    org = Organisation.objects.create(kind="commune", name="Banc-sur-Essai", slug="banc",
                                      reference_prefix="BANC", insee_code="57463",
                                      email="mairie@banc.example", phone="03 87 00 00 00",
                                      address="1 place de la Mairie\n57000 Banc")
    unit = Unit.objects.create(organisation=org, name="Accueil", slug="accueil",
                               email="accueil@banc.example", phone="03 87 00 00 01")
    for i in range(count):
        contact_submit(unit=unit, subject=f"Demande {i}", message="Bonjour.",
                       name="Usager Mesure", email=f"usager-{i}@exemple.fr")
    return list(Notification.objects.filter(template="registration_receipt")
                .values_list("message_id", flat=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--outage", type=float, default=60, help="secondes sans serveur SMTP")
    parser.add_argument("--timeout", type=float, default=420, help="durée maximale, en s")
    parser.add_argument("--db", default="guichet_bench_delivery")
    parser.add_argument("--keep", action="store_true", help="ne pas supprimer la base à la fin")
    args = parser.parse_args()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**bench_env(args.db), "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_TIMEOUT": "5",
           "NOTIFICATION_RETRY_BASE_SECONDS": "5", "NOTIFICATION_RETRY_MAX_SECONDS": "20",
           "NOTIFICATION_LEASE_SECONDS": "15", "LOG_LEVEL": "ERROR"}
    out = Output("delivery")
    out(f"Guichet bench livraison — {os.cpu_count()} cœurs, PostgreSQL, {args.receipts} "
        f"accusés, {args.workers} workers, serveur SMTP absent pendant {args.outage:.0f} s, "
        f"2 SIGKILL")
    recreate_database(args.db)
    manage("migrate", "--noinput", "-v", "0", env=env)
    setup_django(env)
    from aiosmtpd.controller import Controller
    from django.db import connections

    from guichet.notifications.models import Notification

    started = time.perf_counter()
    queued = file_receipts(args.receipts)
    seconds = time.perf_counter() - started
    out(f"{len(queued)} accusés d'enregistrement mis en file en {seconds:.1f} s")
    connections.close_all()

    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    processes = Processes(env, args.workers)
    t0 = time.monotonic()
    processes.start()
    kill_marks = [args.receipts // 3, 2 * args.receipts // 3]
    smtp_up_at = None
    timeline = []
    try:
        while time.monotonic() - t0 < args.timeout:
            elapsed = time.monotonic() - t0
            if smtp_up_at is None and elapsed >= args.outage:
                controller.start()
                smtp_up_at = time.monotonic()
                timeline.append(f"{elapsed:5.1f} s  serveur SMTP démarré")
            distinct = handler.distinct()
            if kill_marks and distinct >= kill_marks[0]:
                kill_marks.pop(0)
                killed = processes.kill_all()
                timeline.append(f"{elapsed:5.1f} s  SIGKILL de {killed} processus à {distinct} "
                                f"reçus, redémarrage")
                processes.start()
            if smtp_up_at and distinct >= len(queued) and not kill_marks:
                left = Notification.objects.exclude(status=Notification.Status.SENT).count()
                if not left:
                    break
            time.sleep(0.05)
        drained = time.monotonic() - (smtp_up_at or t0)
    finally:
        processes.stop()
        if smtp_up_at:
            time.sleep(0.5)
            controller.stop()

    with handler.lock:
        by_id = dict(handler.by_id)
        transactions = handler.transactions
    statuses = Counter(Notification.objects.values_list("status", flat=True))
    attempts = sum(Notification.objects.values_list("attempts", flat=True))
    delivered = len(set(queued) & set(by_id))
    lost = len(set(queued) - set(by_id))
    foreign = len(set(by_id) - set(queued))
    resent = transactions - len(by_id)
    for line in timeline:
        out(line)
    out(f"Transactions SMTP acceptées : {transactions}")
    out(f"Délivrés (Message-ID distincts) : {delivered} / {len(queued)}")
    out(f"Perdus : {lost}")
    out(f"Doublons sous un autre Message-ID : {foreign}")
    out(f"Renvois du même Message-ID (crash entre l'acceptation SMTP et le marqueur « envoyé ») : "
        f"{resent} sur {sum(1 for c in by_id.values() if c > 1)} message(s)")
    out(f"Statuts en base : {dict(statuses)} ; tentatives au total : {attempts}")
    out(f"Tout délivré {drained:.1f} s après le retour du serveur SMTP"
        + ("" if delivered == len(queued) else "  — DÉLAI DÉPASSÉ"))
    out.save()
    if not args.keep:
        drop_database(args.db)
    ok = delivered == len(queued) and lost == 0 and foreign == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
