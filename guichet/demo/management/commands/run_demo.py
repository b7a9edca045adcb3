"""Run the whole demo in one terminal: web server, task worker and the periodic catch-up of
notifications, stopped together with Ctrl+C. Production runs them as separate services.

The addresses and the table of demo accounts are printed last, once the server answers, so
that they stay readable; a periodic job is printed only when it did something."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from guichet.lib.urls import local_site_url

# Periodic jobs a scheduler runs in production, and how often the demo runs them (seconds).
PERIODIC = {"send_notifications": 60, "webhooks_deliver_due": 60, "expire_holds": 60,
            "send_reminders": 300,
            "ask_if_fixed": 3600, "send_digest": 86400, "fetch_mail": 300,
            "record_implicit_decisions": 86400, "expire_drafts": 86400,
            "news_dispatch_due": 300, "send_digests": 86400,
            "stats_refresh": 300, "send_stats_reports": 86400, "privacy_retention": 86400}
STARTUP_TIMEOUT = 60


def first_runs(start: float) -> dict[str, float]:
    """When each periodic job first runs: one period after start, since `load_demo` has just
    run them on the seeded history (a digest or reminders right away would only repeat it)."""
    return {command: start + every for command, every in PERIODIC.items()}


def did_something(output: str) -> bool:
    """« 0 notification(s) envoyée(s). » is not worth a line every minute."""
    return bool(re.search(r"[1-9]", output))


class Command(BaseCommand):
    help = "Lance le serveur web, le worker de tâches et le rattrapage des notifications."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        env = dict(os.environ)
        # Without an SMTP server on the demo machine, emails are printed in this terminal.
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        # The web server and the worker derive SITE_URL (links in emails) from these.
        env["HOST"], env["PORT"] = host, str(port)
        # Their lines reach the terminal (or a log file) in the order they are written.
        env.setdefault("PYTHONUNBUFFERED", "1")
        site_url = (env.get("SITE_URL") or local_site_url(host, port)).rstrip("/")
        manage = [sys.executable, "manage.py"]
        children = {
            "serveur web": subprocess.Popen(
                [*manage, "runserver", f"{host}:{port}", "--noreload"], env=env),
            "worker": subprocess.Popen([*manage, "db_worker", "--no-reload"], env=env),
        }
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        start = time.monotonic()
        next_run = first_runs(start)
        dead = None
        announced = False
        try:
            while not stopping:
                dead = next((name for name, p in children.items() if p.poll() is not None), None)
                if dead:
                    break
                if not announced and (self._answers(host, port)
                                      or time.monotonic() - start > STARTUP_TIMEOUT):
                    time.sleep(1)  # the worker's start-up line comes first too
                    self._announce(site_url)
                    announced = True
                for command, every in PERIODIC.items():
                    if time.monotonic() >= next_run[command]:
                        self._run_periodic([*manage, command], env)
                        next_run[command] = time.monotonic() + every
                time.sleep(0.5)
        finally:
            for p in children.values():
                if p.poll() is None:
                    p.terminate()
            for p in children.values():
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if dead:
            raise CommandError(f"Le processus « {dead} » s'est arrêté "
                               f"(code {children[dead].returncode}).")
        self.stdout.write("Guichet est arrêté.")

    @staticmethod
    def _answers(host: str, port) -> bool:
        address = "127.0.0.1" if host in ("", "0.0.0.0") else host.strip("[]")
        address = "::1" if address == "::" else address
        try:
            with socket.create_connection((address, int(port)), timeout=0.5):
                return True
        except OSError:
            return False

    def _announce(self, site_url: str) -> None:
        from guichet.accounts.models import User
        from guichet.demo.territory import logins, logins_table

        out = self.stdout
        out.write("")
        out.write(f"Guichet tourne sur {site_url}/ — Ctrl+C pour arrêter.")
        if User.objects.filter(email=logins()[0][1]).exists():
            out.write("")
            out.write(self.style.SUCCESS("Comptes de démonstration"))
            for line in logins_table(site_url):
                out.write(line)
        out.write("")
        out.flush()

    def _run_periodic(self, command: list[str], env: dict) -> None:
        result = subprocess.run(command, env=env, check=False, stdout=subprocess.PIPE,
                                text=True)
        if did_something(result.stdout):
            self.stdout.write(result.stdout.rstrip("\n"))
            self.stdout.flush()
