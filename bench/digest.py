"""Benchmark: 50 000 daily digests through a real SMTP server, one worker SIGKILL in the middle:
time, peak memory, 0 duplicates, 0 losses.

    .venv/bin/python bench/digest.py                 # --subscribers 50000 --workers 2

Creates a fresh PostgreSQL database, N confirmed daily subscriptions to a commune, publishes a
news item and an alert of that commune and fans them out (`news_announce`, in this process:
2 N Dispatch rows), then runs the daily job (`digests_enqueue`: one `send_batch` task per 200
subscriptions). Two `manage.py db_worker` processes turn the batches into N digest emails (one
outbox row each, written with the `done_at` of the subscription's dispatches in one
transaction) and deliver them to an aiosmtpd server on loopback that counts what it accepted by
Message-ID and by recipient. When half the digests have arrived every worker is SIGKILLed and
restarted; the periodic `send_notifications` safety net runs every 5 s.

- lost: subscribers who received no digest, expected 0;
- duplicates: subscribers who received two different digests (two Message-IDs), expected 0;
- re-sent: the same Message-ID accepted twice (a worker killed between the SMTP server's
  acceptance and the sent marker; the receiver drops the copy) — reported, not a duplicate.
Peak memory: the highest resident set size (VmHWM) of any worker process, and of this
process after the fan-out. Figures are printed and written to bench/results/digest-<date>.txt.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
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
UNSUBSCRIBE = re.compile(rb"^List-Unsubscribe-Post:", re.IGNORECASE | re.MULTILINE)


class Counting:
    def __init__(self):
        self.by_id: Counter = Counter()
        self.by_rcpt: dict[str, set] = {}
        self.lock = threading.Lock()
        self.transactions = 0
        self.without_unsubscribe = 0

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content)
        mid = found.group(1).decode() if found else "?"
        with self.lock:
            self.transactions += 1
            self.by_id[mid] += 1
            for rcpt in envelope.rcpt_tos:
                self.by_rcpt.setdefault(rcpt, set()).add(mid)
            if not UNSUBSCRIBE.search(envelope.content):
                self.without_unsubscribe += 1
        return "250 OK"

    def distinct(self) -> int:
        with self.lock:
            return len(self.by_id)


def vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Workers:
    def __init__(self, env, count):
        self.env, self.count = env, count
        self.workers: list[subprocess.Popen] = []
        self.periodic = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.peak_kb = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _spawn(self, *args):
        return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        with self.lock:
            self.workers = [self._spawn("db_worker", "--no-reload", "--interval", "0.2",
                                        "--no-startup-delay", "--worker-id", f"digest-{i}")
                            for i in range(self.count)]
        if not self.thread.is_alive():
            self.thread.start()

    def sample(self):
        with self.lock:
            for process in [*self.workers, self.periodic]:
                if process is not None and process.poll() is None:
                    self.peak_kb = max(self.peak_kb, vm_hwm_kb(process.pid))

    def _loop(self):
        last = 0.0
        while not self.stopping.is_set():
            self.sample()
            if time.monotonic() - last >= 5:
                last = time.monotonic()
                with self.lock:
                    if self.periodic is None or self.periodic.poll() is not None:
                        self.periodic = self._spawn("send_notifications")
            self.stopping.wait(0.5)

    def kill_all(self) -> int:
        self.sample()
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
        return killed

    def stop(self):
        self.stopping.set()
        self.sample()
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


def populate(count: int):
    import datetime as dt

    from django.utils import timezone

    from guichet.news.models import Alert, News, Subscription
    from guichet.organisations.models import Organisation

    org = Organisation.objects.create(kind="commune", name="Banc-sur-Essai", slug="banc",
                                      reference_prefix="BANC", insee_code="57463")
    now = timezone.now()
    subs = Subscription.objects.bulk_create(
        [Subscription(email=f"abonne-{i}@exemple.fr", frequency="daily", confirmed_at=now,
                      token=f"bench-{i:06d}-{os.urandom(8).hex()}") for i in range(count)],
        batch_size=2000)
    through = Subscription.communes.through
    through.objects.bulk_create([through(subscription_id=s.pk, organisation_id=org.pk)
                                 for s in subs], batch_size=5000)
    news = News.objects.create(organisation=org, title="Le marché de Noël ouvre samedi",
                               slug="marche", summary="Place de la mairie, de 10 h à 19 h.",
                               body_html="<p>Venez.</p>", status="published", publish_at=now)
    alert = Alert.objects.create(organisation=org, kind="works", title="Travaux rue Foch",
                                 description="Chaussée fermée.", status="published",
                                 starts_at=now, ends_at=now + dt.timedelta(days=2))
    return [s.email for s in subs], news, alert


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8151)
    parser.add_argument("--timeout", type=float, default=3000)
    parser.add_argument("--db", default="guichet_news")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    env = {**bench_env(args.db), "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(args.port), "EMAIL_TIMEOUT": "5",
           "NOTIFICATION_RETRY_BASE_SECONDS": "5", "NOTIFICATION_RETRY_MAX_SECONDS": "20",
           "NOTIFICATION_LEASE_SECONDS": "15", "LOG_LEVEL": "ERROR"}
    out = Output("digest")
    out(f"Guichet bench résumés — {os.cpu_count()} cœurs, PostgreSQL, {args.subscribers} "
        f"abonnés quotidiens, {args.workers} workers, 1 SIGKILL de tous les workers à mi-course")
    recreate_database(args.db)
    manage("migrate", "--noinput", "-v", "0", env=env)
    setup_django(env)
    from aiosmtpd.controller import Controller
    from django.db import connections

    from guichet.news.models import Dispatch
    from guichet.news.services import digests_enqueue, news_announce
    from guichet.notifications.models import Notification

    t = time.perf_counter()
    emails, news, alert = populate(args.subscribers)
    out(f"{len(emails)} abonnements créés en {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    matched = news_announce(kind="news", item_id=news.pk) + news_announce(kind="alert",
                                                                         item_id=alert.pk)
    out(f"Diffusion (2 éléments → {matched} envois à préparer) en {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    batches = digests_enqueue()
    out(f"Tâche quotidienne : {batches} lots de 200 mis en file en "
        f"{time.perf_counter() - t:.1f} s (le processus web n'envoie rien)")
    fan_out_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    connections.close_all()

    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=args.port)
    controller.start()
    workers = Workers(env, args.workers)
    t0 = time.monotonic()
    workers.start()
    killed_at = None
    timeline = []
    try:
        while time.monotonic() - t0 < args.timeout:
            distinct = handler.distinct()
            if killed_at is None and distinct >= len(emails) // 2:
                killed = workers.kill_all()
                killed_at = time.monotonic() - t0
                timeline.append(f"{killed_at:6.1f} s  SIGKILL de {killed} processus à {distinct} "
                                f"résumés reçus, redémarrage")
                workers.start()
            if distinct >= len(emails) and killed_at is not None:
                if not Dispatch.objects.filter(done_at__isnull=True).exists() and not \
                        Notification.objects.exclude(status="sent").exists():
                    break
                connections.close_all()
            time.sleep(0.2)
        elapsed = time.monotonic() - t0
    finally:
        workers.stop()
        time.sleep(0.5)
        controller.stop()

    with handler.lock:
        by_rcpt = {k: len(v) for k, v in handler.by_rcpt.items()}
        transactions, distinct = handler.transactions, len(handler.by_id)
        without = handler.without_unsubscribe
    lost = sum(1 for e in emails if e not in by_rcpt)
    duplicates = sum(1 for e in emails if by_rcpt.get(e, 0) > 1)
    pending = Dispatch.objects.filter(done_at__isnull=True).count()
    statuses = Counter(Notification.objects.values_list("status", flat=True))
    for line in timeline:
        out(line)
    out(f"Résumés distincts reçus : {distinct} / {len(emails)} en {elapsed:.1f} s "
        f"({distinct / elapsed:.0f} par seconde, création des résumés comprise)")
    out(f"Perdus (abonnés sans résumé) : {lost} ; envois restés en attente : {pending}")
    out(f"Doublons (abonnés ayant reçu deux résumés différents) : {duplicates}")
    out(f"Renvois du même Message-ID : {transactions - distinct}")
    out(f"Messages sans List-Unsubscribe-Post : {without}")
    out(f"Statuts en base : {dict(statuses)}")
    out(f"Mémoire : pic d'un worker {workers.peak_kb / 1024:.0f} Mio ; processus de diffusion "
        f"{fan_out_rss / 1024:.0f} Mio")
    out.save()
    if not args.keep:
        drop_database(args.db)
    sys.exit(0 if lost == 0 and duplicates == 0 and distinct == len(emails) else 1)


if __name__ == "__main__":
    main()
