"""What every benchmark shares: percentiles, a fresh PostgreSQL database, Django set-up."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# The public development key (guichet/settings.py): benchmarks run without DEBUG.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(label, millis, queries=None):
    if not millis:
        return f"{label:<52} aucune mesure"
    line = (f"{label:<52} p50 {percentile(millis, 50):7.1f} ms   "
            f"p95 {percentile(millis, 95):7.1f} ms   max {max(millis):7.1f} ms   n={len(millis)}")
    if queries is not None:
        line += f"   requêtes SQL {min(queries)}–{max(queries)}"
    return line


def bench_env(db: str) -> dict:
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + db
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "STATIC_MANIFEST": "0",
            "AXES_ENABLED": "0", "LOG_LEVEL": "WARNING", "GEOCODER_URL": "",
            # Pages are measured for a signed-in agent; the second factor is not what is timed.
            "AGENT_2FA_REQUIRED": "0",
            # The demo territory and the development key, said explicitly (no DEBUG here).
            "DEMO": "1", "SECRET_KEY": os.environ.get("SECRET_KEY") or DEV_SECRET_KEY,
            "PAYMENT_PROVIDER": os.environ.get("PAYMENT_PROVIDER", "test"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def recreate_database(db: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def analyze(db: str) -> None:
    """Statistics and the visibility map as autovacuum leaves them some time after a bulk
    load (index-only scans need the latter)."""
    import psycopg

    with psycopg.connect(ADMIN_URL.rsplit("/", 1)[0] + "/" + db, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def drop_database(db: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "guichet.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Output:
    """Prints figures and keeps them for bench/results/<name>-<date>.txt."""

    def __init__(self, name: str):
        self.name, self.lines = name, []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def save(self) -> Path:
        results = ROOT / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        path = results / f"{self.name}-{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
        path.write_text("\n".join(self.lines) + "\n")
        print(f"Résultats écrits dans {path.relative_to(ROOT)}")
        return path
