"""Run the whole demo in one terminal: web server, task worker and the periodic catch-up of
notifications, stopped together with Ctrl+C. Production runs them as separate services."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

# Periodic jobs a scheduler runs in production, and how often the demo runs them (seconds).
PERIODIC = {"send_notifications": 60, "expire_holds": 60, "send_reminders": 300,
            "ask_if_fixed": 3600, "send_digest": 86400, "fetch_mail": 300,
            "record_implicit_decisions": 86400, "expire_drafts": 86400}


class Command(BaseCommand):
    help = "Lance le serveur web, le worker de tâches et le rattrapage des notifications."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        env = dict(os.environ)
        # Without an SMTP server on the demo machine, emails are printed in this terminal.
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
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
        self.stdout.write(f"Guichet tourne sur http://{host}:{port}/ — Ctrl+C pour arrêter.")
        # Daily jobs run a first time soon after start, so that the demo shows their effect.
        next_run = {command: time.monotonic() + min(every, 120)
                    for command, every in PERIODIC.items()}
        dead = None
        try:
            while not stopping:
                dead = next((name for name, p in children.items() if p.poll() is not None), None)
                if dead:
                    break
                for command, every in PERIODIC.items():
                    if time.monotonic() >= next_run[command]:
                        subprocess.run([*manage, command], env=env, check=False)
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
