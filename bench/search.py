"""Benchmark of the multi-channel back-office on 1,000,000 cases in PostgreSQL.

    .venv/bin/python bench/search.py [--cases 1000000]

- search: median and p95 of common queries (a name, a street, a reference, a phone number,
  a word of a message), as the busiest agent, through the whole view;
- the inbox's first page on the same data;
- routing suggestions: top-1/top-3 accuracy on a held-out part of the labelled history and
  training time;
- inbound email: messages filed per second through `inbound_receive`.
"""

import argparse
import os
import sys
import time
from email.message import EmailMessage

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

AGENT = "thomas.keller@montfleury-sur-orne.example"


def timed(client, url, rounds):
    client.get(url)
    millis = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        millis.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return millis


def measure_search(out, rounds):
    from django.test import Client

    from guichet.accounts.models import User
    from guichet.cases.models import Case

    agent = User.objects.get(email=AGENT)
    client = Client()
    client.force_login(agent)
    sample = Case.objects.filter(unit__memberships__user=agent).exclude(
        requester_phone="").order_by("?").first()
    queries = {
        "un nom": sample.requester_name.split()[-1],
        "une rue": "rue de la Gare",
        "une référence": sample.reference,
        "un téléphone": sample.requester_phone,
        "un mot d'un message": "lampadaire",
        "sans accent": "eclairage",
    }
    out(f"Demandes en base : {Case.objects.count()}")
    for label, query in queries.items():
        out(summary(f"Recherche : {label}", timed(client, f"/agents/recherche/?q={query}",
                                                  rounds)))
    out(summary("Boîte de réception, 1re page", timed(client, "/agents/", rounds)))


def measure_routing(out):
    from guichet.intake.routing import routing_train

    model = routing_train()
    out(f"Suggestion de service : {model.samples} demandes étiquetées, {model.units} services ;"
        f" exactitude sur 20 % réservés : {model.top1:.1%} (1er choix), {model.top3:.1%} "
        f"(3 premiers) ; entraînement {model.seconds:.1f} s")


def measure_inbound(out, count):
    from guichet.intake.inbound import inbound_receive
    from guichet.organisations.models import Unit

    unit = Unit.objects.get(organisation__slug="montfleury-sur-orne", slug="voirie")
    raws = []
    run = int(time.time())  # new Message-IDs each run: a message seen before is not filed again
    for n in range(count):
        msg = EmailMessage()
        msg["From"], msg["To"] = f"Habitant {n} <habitant{n}@example.net>", unit.email
        msg["Subject"] = f"Trottoir abîmé n° {n}"
        msg["Message-ID"] = f"<mesure-{run}-{n}@example.net>"
        msg.set_content("Bonjour,\nle trottoir est abîmé devant chez moi.\nMerci.")
        raws.append(msg.as_bytes())
    started = time.perf_counter()
    outcomes = [inbound_receive(raw).outcome for raw in raws]
    elapsed = time.perf_counter() - started
    out(f"Courriels entrants : {count} traités en {elapsed:.1f} s, {count / elapsed:.0f} par "
        f"seconde ({outcomes.count('created')} demandes créées)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--db", default="guichet_bench_search")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    env = bench_env(args.db)
    out = Output("recherche")
    if not args.reuse:
        recreate_database(args.db)
        started = time.perf_counter()
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("load_demo", "--reports", "0", "--no-bookings", "-v", "0", env=env)
        manage("gendata", "--cases", str(args.cases), "--batch", "10000", "-v", "0", env=env)
        analyze(args.db)
        out(f"Préparation : {time.perf_counter() - started:.0f} s")
    setup_django(env)
    from guichet.cases.models import Case

    # Said from the database, not from --cases: with --reuse the two may differ.
    out(f"Guichet bench recherche et accueil — {os.cpu_count()} cœurs, PostgreSQL, "
        f"{Case.objects.count()} demandes dans la base")
    try:
        measure_search(out, args.rounds)
        measure_routing(out)
        measure_inbound(out, args.emails)
    finally:
        if not args.keep:
            drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
