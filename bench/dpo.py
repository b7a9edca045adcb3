"""Benchmark of the DPO's pages on a large audit journal in PostgreSQL.

    .venv/bin/python bench/dpo.py [--cases 100000] [--entries 1000000] [--db guichet_bench_dpo]

Generated cases (gendata) and journal entries (bulk-inserted, about cases and people at
random, a few thousand about one resident), then p50/p95 through the whole view of: the DPO's
people search, one person's access history (first and last page), its CSV export, and the
register of processing activities; target p95 < 500 ms for the pages.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
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
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--db", default="guichet_bench_dpo")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    env = bench_env(args.db)
    out = Output("dpo")
    out(f"Guichet bench DPO — {os.cpu_count()} cœurs, PostgreSQL, {args.cases} demandes, "
        f"{args.entries} entrées de journal")
    if not args.reuse:
        recreate_database(args.db)
        started = time.perf_counter()
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("load_demo", "--reports", "0", "--no-bookings", "-v", "0", env=env)
        manage("gendata", "--cases", str(args.cases), "--batch", "10000", "-v", "0", env=env)
    setup_django(env)
    try:
        from django.test import Client
        from django.utils import timezone

        from guichet.accounts.models import Membership, User
        from guichet.cases.models import Case
        from guichet.journal.models import Entry

        dpo = User.objects.filter(memberships__role=Membership.Role.DPO).first()
        target = (User.objects.filter(cases__isnull=False, memberships__isnull=True)
                  .distinct().first())
        if not args.reuse:
            started = time.perf_counter()
            case_ids = list(Case.objects.values_list("pk", flat=True))
            people = list(User.objects.values_list("pk", flat=True))
            agents = list(Membership.objects.values_list("user_id", flat=True))
            theirs = list(Case.objects.filter(requester=target).values_list("pk", flat=True))
            now = timezone.now()
            actions = [Entry.Action.CASE_VIEWED, Entry.Action.CASE_REPLIED,
                       Entry.Action.PERSON_VIEWED, Entry.Action.ATTACHMENT_VIEWED]
            batch, made = [], 0
            for n in range(args.entries):
                mine = n % 500 == 0
                case = random.choice(theirs) if mine and theirs else random.choice(case_ids)
                batch.append(Entry(
                    at=now - dt.timedelta(minutes=random.randint(0, 2 * 365 * 24 * 60)),
                    actor_id=random.choice(agents), action=random.choice(actions),
                    case_id=case, person_id=target.pk if mine else random.choice(people)))
                if len(batch) == 10000:
                    Entry.objects.bulk_create(batch)
                    made += len(batch)
                    batch = []
            Entry.objects.bulk_create(batch)
            analyze(args.db)
            out(f"Préparation : {time.perf_counter() - started:.0f} s (journal)")
        client = Client()
        client.force_login(dpo)
        history = f"/agents/donnees-personnelles/personnes/{target.pk}/"
        from guichet.privacy.dpo import person_history

        pages = max(1, -(-person_history(dpo, target).count() // 50))
        out(f"Personne mesurée : {Entry.objects.filter(person=target).count()} entrées à son "
            f"nom, {pages} pages d'historique")
        for label, url in (
                ("recherche d'une personne", "/agents/donnees-personnelles/personnes/?q="
                 + target.email[:6]),
                ("historique d'une personne, page 1", history),
                (f"historique d'une personne, page {pages}", f"{history}?page={pages}"),
                ("export CSV de l'historique", f"{history}acces.csv"),
                ("registre des traitements", "/agents/donnees-personnelles/registre/")):
            out(summary(label, timed(client, url, args.rounds)))
    finally:
        if not args.keep:
            drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
