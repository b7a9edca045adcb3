"""Benchmark of appointments in PostgreSQL.

    .venv/bin/python bench/appointments.py

- the free slots of an agenda for the next 8 weeks (5 desks, 15-minute slots, 2,000 existing
  appointments, a few closures and absences): p50/p95 and queries;
- 50 concurrent attempts on the last place of a slot: successes, refusals, errors.
"""

import argparse
import datetime as dt
import os
import random
import sys
import threading
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


def prepare(rng):
    from django.db import transaction
    from django.utils import timezone

    from guichet.appointments.models import (
        Agenda,
        AppointmentType,
        OpeningRule,
        Place,
        Slot,
        Unavailability,
    )
    from guichet.appointments.slots import openings
    from guichet.lib.business_time import PARIS
    from guichet.organisations.models import Unit

    unit = Unit.objects.get(organisation__slug="montfleury-sur-orne", slug="etat-civil")
    place = Place.objects.create(organisation=unit.organisation, name="Mesure", address="—")
    agenda = Agenda.objects.create(unit=unit, place=place, name="Mesure", slug="mesure")
    for weekday in range(5):
        OpeningRule.objects.create(agenda=agenda, weekday=weekday, starts=dt.time(8, 30),
                                   ends=dt.time(12))
        OpeningRule.objects.create(agenda=agenda, weekday=weekday, starts=dt.time(13, 30),
                                   ends=dt.time(17, 30))
    OpeningRule.objects.create(agenda=agenda, weekday=5, starts=dt.time(9), ends=dt.time(12))
    type_ = AppointmentType.objects.create(agenda=agenda, name="Passeport", slug="passeport",
                                           duration_minutes=15, desks=5, min_delay_hours=0,
                                           max_delay_days=70)
    today = timezone.localdate()
    grid = openings(type_, today, today + dt.timedelta(days=56), online=False)
    booked, slots = 0, []
    for opening in rng.sample(grid, len(grid)):
        if booked >= 2000:
            break
        taken = min(rng.randint(1, 5), 2000 - booked)
        slots.append(Slot(type=type_, starts_at=opening.starts_at, capacity=5, booked=taken))
        booked += taken
    with transaction.atomic():
        Slot.objects.bulk_create(slots)
        for week in range(8):
            day = today + dt.timedelta(days=7 * week + 2)
            Unavailability.objects.create(
                agenda=agenda, starts_at=dt.datetime.combine(day, dt.time(8), PARIS),
                ends_at=dt.datetime.combine(day, dt.time(12), PARIS), desks=2,
                summary="Formation")
    return type_, booked


def measure_slots(out, type_, booked, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from guichet.appointments.slots import openings

    today = timezone.localdate()
    last = today + dt.timedelta(days=56)
    found = openings(type_, today, last)
    millis = []
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(rounds):
            started = time.perf_counter()
            openings(type_, today, last)
            millis.append((time.perf_counter() - started) * 1000)
    out(f"Rendez-vous existants : {booked} ; créneaux libres sur 8 semaines : {len(found)}")
    out(summary("Créneaux libres d'un agenda sur 8 semaines", millis,
                [len(ctx) // rounds]))


def measure_concurrency(out, type_, attempts):
    from django.db import connections

    from guichet.appointments.services import BookingError, appointment_book
    from guichet.appointments.slots import next_openings

    opening = next_openings(type_, count=1)[0]
    for n in range(opening.free - 1):  # leave one place
        appointment_book(type_=type_, starts_at=opening.starts_at, name="X",
                         email=f"avant{n}@exemple.fr")
    barrier = threading.Barrier(attempts)
    results, lock = [], threading.Lock()

    def attempt(n):
        try:
            barrier.wait()
            started = time.perf_counter()
            appointment_book(type_=type_, starts_at=opening.starts_at, name="X",
                             email=f"concurrent{n}@exemple.fr")
            outcome = "booked"
        except BookingError:
            outcome = "refused"
        except Exception as exc:  # noqa: BLE001 — counted as an error
            outcome = f"error {type(exc).__name__}"
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            connections.close_all()
        with lock:
            results.append((outcome, elapsed))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = [o for o, _ in results]
    out(f"{attempts} tentatives simultanées sur la dernière place : "
        f"{outcomes.count('booked')} réservée(s), {outcomes.count('refused')} refus « créneau "
        f"plus disponible », {attempts - outcomes.count('booked') - outcomes.count('refused')}"
        f" erreur(s)")
    out(summary("Durée d'une tentative (réservée ou refusée)", [e for _, e in results]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=50)
    parser.add_argument("--db", default="guichet_bench_rdv")
    args = parser.parse_args()
    env = bench_env(args.db)
    out = Output("rendez-vous")
    out(f"Guichet bench rendez-vous — {os.cpu_count()} cœurs, PostgreSQL")
    recreate_database(args.db)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("load_demo", "--cases", "10", "--reports", "0", "--no-bookings", "-v", "0",
           env=env)
    setup_django(env)
    try:
        type_, booked = prepare(random.Random(5))
        analyze(args.db)
        measure_slots(out, type_, booked, args.rounds)
        measure_concurrency(out, type_, args.attempts)
    finally:
        drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
