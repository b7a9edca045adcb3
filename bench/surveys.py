"""Benchmark of a questionnaire's results page with 100,000 responses in PostgreSQL.

    nice -n 10 .venv/bin/python bench/surveys.py [--responses 100000] [--db guichet_bench_surveys]

Fills a fresh database with one questionnaire of eight questions (note, NPS, single and
multiple choice, matrix, ranking, yes/no, open text) answered 100,000 times from the link,
email invitations and three kiosks (bulk_create in batches, the answer items built by the
service's own code), then times the agent's pages rendered in-process by the Django test
client: the results page (target p50 < 200 ms), filtered by place and by date, the open
answers searched, and the list of questionnaires.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid

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

QUESTIONS = [
    {"type": "rating", "label": "Votre note de l'accueil", "scale": 5, "required": True},
    {"type": "nps", "label": "Recommanderiez-vous la médiathèque ?"},
    {"type": "choice", "label": "Vous venez", "choices": ["Chaque semaine", "Chaque mois",
                                                          "Plus rarement"]},
    {"type": "multichoice", "label": "Ce que vous empruntez",
     "choices": ["Livres", "Films", "Jeux", "Musique", "Revues"], "max_choices": 3},
    {"type": "matrix", "label": "Qualité", "rows": ["Accueil", "Horaires", "Choix"],
     "choices": ["Bien", "Moyen", "Mal"]},
    {"type": "ranking", "label": "Vos priorités", "choices": ["Horaires", "Choix", "Calme"]},
    {"type": "yesno", "label": "Venez-vous en bus ?"},
    {"type": "textarea", "label": "Une idée ?"},
]
IDEAS = ["Ouvrir le dimanche", "Plus de bandes dessinées", "Des prises pour recharger",
         "Un coin calme pour travailler", "Des ateliers pour les enfants", "Plus de places"]


def timed(client, url, rounds):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    millis = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        millis.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return millis


def _answers(rng):
    answers = {"votre_note_de_laccueil": rng.choice([1, 2, 3, 4, 4, 5, 5]),
               "recommanderiez_vous_la_mediatheque": rng.randint(0, 10),
               "vous_venez": rng.choice(["Chaque semaine", "Chaque mois", "Plus rarement"]),
               "ce_que_vous_empruntez": rng.sample(["Livres", "Films", "Jeux", "Musique",
                                                    "Revues"], rng.randint(1, 3)),
               "qualite": {row: rng.choice(["Bien", "Moyen", "Mal"])
                           for row in ("Accueil", "Horaires", "Choix")},
               "vos_priorites": rng.sample(["Horaires", "Choix", "Calme"], 3),
               "venez_vous_en_bus": rng.choice(["oui", "non"])}
    if rng.random() < 0.3:
        answers["une_idee"] = f"{rng.choice(IDEAS)} ({rng.randint(1, 9999)})"
    return answers


def fill(count: int, batch: int, out) -> tuple:
    from django.utils import timezone

    from guichet.accounts.models import Membership, ResidentProfile, User
    from guichet.organisations.models import Organisation, Unit
    from guichet.surveys import questions as q
    from guichet.surveys.models import Answer, Channel, Response
    from guichet.surveys.services import (
        _items,
        kiosk_create,
        survey_create,
        survey_open,
        survey_question_add,
        tallies_rebuild,
    )

    org = Organisation.objects.create(kind="commune", name="Montfleury", slug="montfleury",
                                      reference_prefix="MTF", insee_code="57999",
                                      email="contact@montfleury.example")
    unit = Unit.objects.create(organisation=org, name="Médiathèque", slug="mediatheque",
                               email="mediatheque@montfleury.example")
    agent = User.objects.create_user(email="agent@montfleury.example", password="x" * 20)
    ResidentProfile.objects.create(user=agent)
    Membership.objects.create(user=agent, unit=unit, role=Membership.Role.AGENT)
    survey = survey_create(unit=unit, title="Votre médiathèque", acting_user=agent)
    for question in QUESTIONS:
        survey_question_add(survey=survey, page=0, question=question, acting_user=agent)
    survey.refresh_from_db()
    survey = survey_open(survey=survey, acting_user=agent)
    kiosks = [kiosk_create(survey=survey, place=place, acting_user=agent)
              for place in ("Médiathèque — hall", "Piscine", "Mairie annexe")]
    assert [f["key"] for f in q.all_questions(survey.definition)][:2] == [
        "votre_note_de_laccueil", "recommanderiez_vous_la_mediatheque"]
    rng = random.Random(13)
    now = timezone.now()
    started = time.perf_counter()
    items = 0
    for offset in range(0, count, batch):
        responses = []
        for _ in range(min(batch, count - offset)):
            channel = rng.choice([Channel.LINK, Channel.LINK, Channel.EMAIL, Channel.KIOSK])
            kiosk = rng.choice(kiosks) if channel == Channel.KIOSK else None
            responses.append(Response(
                survey=survey, channel=channel, kiosk=kiosk,
                place=kiosk.place if kiosk else "", client_uuid=uuid.UUID(
                    int=rng.getrandbits(128)) if kiosk else None,
                answers=q.prune(survey.definition, _answers(rng)),
                submitted_at=now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 120))))
        Response.objects.bulk_create(responses)
        rows = [row for response in responses for row in _items(survey, response)]
        Answer.objects.bulk_create(rows, batch_size=5000)
        items += len(rows)
    out(f"Remplissage : {count} réponses, {items} éléments de réponse en "
        f"{time.perf_counter() - started:.0f} s")
    # bulk_create skips response_submit, which keeps the tallies: they are rebuilt once.
    started = time.perf_counter()
    tallies = tallies_rebuild(survey=survey)
    out(f"tallies_rebuild : {tallies} lignes de décompte en {time.perf_counter() - started:.1f} s")
    return survey, agent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--db", default="guichet_bench_surveys")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="a database kept by --keep")
    args = parser.parse_args()
    env = bench_env(args.db)
    out = Output("surveys")
    out(f"Guichet bench questionnaires — {os.cpu_count()} cœurs, PostgreSQL, "
        f"{args.responses} réponses")
    if not args.reuse:
        recreate_database(args.db)
        manage("migrate", "--noinput", "-v", "0", env=env)
    setup_django(env)
    try:
        from django.test import Client
        from django.utils import timezone

        if args.reuse:
            from guichet.accounts.models import User
            from guichet.surveys.models import Survey

            survey, agent = Survey.objects.get(), User.objects.get()
        else:
            survey, agent = fill(args.responses, args.batch, out)
            analyze(args.db)
        client = Client()
        client.force_login(agent)
        base = f"/agents/questionnaires/{survey.pk}/resultats/"
        today = timezone.localdate()
        pages = (
            ("résultats, toutes les réponses", base),
            ("résultats, une borne", base + "?lieu=Piscine"),
            ("résultats, un mois", base + f"?du={today - dt.timedelta(days=30):%Y-%m-%d}"
                                          f"&au={today:%Y-%m-%d}"),
            ("réponses libres cherchées (page 1)", base + "une_idee/?recherche=dimanche"),
            ("liste des questionnaires", "/agents/questionnaires/"),
        )
        for label, url in pages:
            out(summary(label, timed(client, url, args.rounds)))
    finally:
        if not args.keep:
            drop_database(args.db)
    out.save()


if __name__ == "__main__":
    main()
