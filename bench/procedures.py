"""Benchmark of online procedures on PostgreSQL.

    .venv/bin/python bench/procedures.py [--files 100000]

- a step of a 40-field, 5-page procedure rendered through the whole view, and a full
  submission validated as the server does before sending: median and p95;
- exports of 100,000 files to CSV, XLSX and ODS as the worker writes them, each in its own
  process: total time and peak memory (resident set size).
"""

import argparse
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    ROOT,
    Output,
    analyze,
    bench_env,
    drop_database,
    manage,
    recreate_database,
    setup_django,
    summary,
)

RESIDENT = "claire.dupont@example.org"
KINDS = [
    ("text", {}, "Dupont"), ("email", {}, "claire@example.org"),
    ("phone", {}, "03 87 12 34 56"), ("integer", {"min": 0, "max": 100}, 42),
    ("decimal", {"min": "0"}, "12.50"), ("date", {"min": "2000-01-01"}, "2026-05-04"),
    ("yesno", {}, "oui"), ("choice", {"choices": ["A", "B", "C"]}, "B"),
    ("multichoice", {"choices": ["Lundi", "Mardi", "Jeudi"]}, ["Lundi", "Jeudi"]),
    ("address", {}, "4 rue Haute, 57120 Montfleury"), ("siret", {}, "73282932000074"),
    ("iban", {}, "FR7630006000011234567890189"), ("textarea", {}, "Texte libre."),
]


def big_definition():
    pages, answers, n = [], {}, 0
    for p in range(5):
        fields = []
        for _ in range(8):
            kind, extra, value = KINDS[n % len(KINDS)]
            key = f"f{n}"
            field = {"key": key, "type": kind, "label": f"Question {n + 1}", "required": True,
                     "purpose": "Bench", **extra}
            if n % 7 == 6 and n > 6:
                field["condition"] = {"field": "f6", "op": "eq", "value": "oui"}
            fields.append(field)
            answers[key] = value
            n += 1
        pages.append({"title": f"Page {p + 1}", "fields": fields})
    return {"pages": pages, "documents": []}, answers


def measure_tunnel(out, rounds):
    from django.test import Client

    from guichet.accounts.models import User
    from guichet.demo.procedures import DPO, TERMS
    from guichet.organisations.models import Unit
    from guichet.procedures import definition as definitions
    from guichet.procedures.models import Procedure
    from guichet.procedures.services import (
        procedure_publish,
        submission_save_page,
        submission_start,
    )

    definition, answers = big_definition()
    unit = Unit.objects.get(slug="enfance-jeunesse")
    admin = User.objects.get(email__startswith="helene.marchal")
    procedure = Procedure.objects.create(
        organisation=unit.organisation, unit=unit, title="Bench 40 champs", slug="bench-40",
        summary="Bench", terms=TERMS, processing_purpose="Bench", dpo_contact=DPO,
        definition=definition)
    procedure_publish(procedure=procedure, acting_user=admin)
    procedure.refresh_from_db()
    resident = User.objects.get(email=RESIDENT)
    submission = submission_start(procedure=procedure, user=resident)
    submission_save_page(submission=submission, index=0, page_answers=answers, user=resident)
    client = Client()
    client.force_login(resident)
    url = f"/dossiers/{submission.token}/etape/2/"
    client.get(url)
    millis = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        millis.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    out(summary("Étape de 8 champs (démarche de 40 champs) — vue", millis))
    millis = []
    for _ in range(rounds):
        started = time.perf_counter()
        failing = definitions.validate(definition, answers)
        millis.append((time.perf_counter() - started) * 1000)
        assert failing == {}
    out(summary("Validation complète d'un dossier de 40 champs", millis))


def generate_files(out, count):
    import random

    from django.db import transaction
    from django.utils import timezone

    from guichet.cases.models import Case, new_token
    from guichet.demo.procedures import _answers
    from guichet.procedures.models import Procedure, Submission

    procedure = Procedure.objects.select_related("unit", "current_version").get(
        slug="cantine-scolaire")
    residents = list(__import__("guichet.accounts.models", fromlist=["User"]).User.objects
                     .filter(email__endswith="@example.org")[:50])
    rng = random.Random(7)
    now = timezone.now()
    started = time.perf_counter()
    states = [s for s in Submission.State.values if s != "draft"]
    for start in range(0, count, 5000):
        with transaction.atomic():
            batch = range(start, min(count, start + 5000))
            cases = Case.objects.bulk_create([Case(
                reference=f"BENCH-{i:07d}", token=new_token(), kind="procedure",
                organisation_id=procedure.organisation_id, unit_id=procedure.unit_id,
                requester_name=f"Usager {i}", requester_email=f"usager{i}@example.org",
                subject=procedure.title, created_at=now, updated_at=now) for i in batch])
            Submission.objects.bulk_create([Submission(
                procedure=procedure, version_id=procedure.current_version_id, case=case,
                state=rng.choice(states), submitted_at=now, created_at=now, updated_at=now,
                answers=_answers(procedure.slug, rng.choice(residents), rng))
                for case in cases])
    out(f"{count} dossiers générés en {time.perf_counter() - started:.0f} s")
    return procedure


def measure_exports(out, procedure, env, db):
    from guichet.accounts.models import User
    from guichet.procedures.models import Export

    agent = User.objects.get(email__startswith="camille.fischer")
    for fmt in ("csv", "xlsx", "ods"):
        export = Export.objects.create(procedure=procedure, requested_by=agent, params={},
                                       fmt=fmt)
        result = subprocess.run([sys.executable, __file__, "--export-child", str(export.pk),
                                 "--db", db],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(result.stderr)
        seconds, peak_mb = result.stdout.split()
        export.refresh_from_db()
        out(f"Export {fmt.upper():<4} de {export.rows} dossiers : {float(seconds):6.1f} s, "
            f"mémoire maximale {float(peak_mb):6.0f} Mo, fichier {export.file.size / 1e6:.1f} Mo")


def export_child(export_id: int) -> None:
    from guichet.procedures.exports import export_run

    started = time.perf_counter()
    export_run(export_id=export_id)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{time.perf_counter() - started:.2f} {peak:.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--db", default="guichet_bench_procedures")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--export-child", type=int)
    args = parser.parse_args()
    env = bench_env(args.db)
    if args.export_child:
        setup_django(env)
        export_child(args.export_child)
        return
    out = Output("demarches")
    out(f"Guichet bench démarches en ligne — {os.cpu_count()} cœurs, PostgreSQL")
    recreate_database(args.db)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("load_demo", "--reports", "0", "--no-bookings", "-v", "0", env=env)
    setup_django(env)
    try:
        measure_tunnel(out, args.rounds)
        procedure = generate_files(out, args.files)
        analyze(args.db)
        measure_exports(out, procedure, env, args.db)
    finally:
        if not args.keep:
            drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
