"""Benchmark of the statistics on generated cases in PostgreSQL.

    .venv/bin/python bench/stats.py [--cases 1000000] [--db guichet_stats]

- the first full `stats_refresh` (every day) and an incremental one after a day's activity;
- the dashboard's p50/p95 through the whole view for a unit manager, an administrator of every
  collectivité (every unit) and the public « Nos engagements » page; target p95 < 500 ms.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    Output,
    analyze,
    bench_env,
    drop_database,
    manage,
    recreate_database,
    setup_django,
    summary,
)

MANAGER = "marc.weber@montfleury-sur-orne.example"


def timed(client, url, rounds):
    client.get(url)
    millis = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        millis.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return millis


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--db", default="guichet_bench_stats")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    env = bench_env(args.db)
    out = Output("stats")
    out(f"Guichet bench statistiques — {os.cpu_count()} cœurs, PostgreSQL, {args.cases} "
        "demandes générées")
    if not args.reuse:
        recreate_database(args.db)
        started = time.perf_counter()
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("load_demo", "--reports", "0", "--no-bookings", "-v", "0", env=env)
        manage("gendata", "--cases", str(args.cases), "--batch", "10000", "-v", "0", env=env)
        analyze(args.db)
        out(f"Préparation : {time.perf_counter() - started:.0f} s")
    setup_django(env)
    try:
        from django.test import Client
        from django.utils import timezone

        from guichet.accounts.models import User
        from guichet.cases.models import Case
        from guichet.stats.models import DailyStat
        from guichet.stats.services import stats_refresh

        started = time.perf_counter()
        days = stats_refresh(full=True)
        out(f"stats_refresh --full : {days} jours, {DailyStat.objects.count()} lignes "
            f"d'agrégats, {time.perf_counter() - started:.1f} s")
        recent = list(Case.objects.order_by("-created_at").values_list("pk", flat=True)[:1500])
        Case.objects.filter(pk__in=recent).update(updated_at=timezone.now())
        started = time.perf_counter()
        days = stats_refresh()
        out(f"stats_refresh incrémental après 1 500 demandes modifiées : {days} jours, "
            f"{time.perf_counter() - started:.1f} s")
        manager = User.objects.get(email=MANAGER)
        admin = User.objects.filter(is_superuser=False, memberships__role="admin").first()
        for label, user, url in (
                ("tableau de bord, responsable (voirie)", manager, "/agents/statistiques/"),
                ("tableau de bord, un an avant", manager,
                 "/agents/statistiques/?comparer=" + f"{timezone.localdate().year - 1}-"
                 f"{timezone.localdate().month:02d}"),
                ("tableau de bord, administratrice (tout)", admin, "/agents/statistiques/"),
                ("export CSV d'un tableau", admin,
                 "/agents/statistiques/tableaux/services.csv"),
                ("Nos engagements (public)", None,
                 "/collectivites/montfleury-sur-orne/engagements/")):
            client = Client()
            if user:
                client.force_login(user)
            out(summary(label, timed(client, url, args.rounds)))
    finally:
        if not args.keep:
            drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
