"""Demo questionnaires: a satisfaction survey of the mairie's reception with 300 answers, closed
and its synthesis published with « Ce que nous avons changé »; the médiathèque's kiosk
questionnaire with its tablet and a few dozen answers; and scores given by residents on part
of the closed cases (the satisfaction asked after every request)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from guichet.surveys.models import Channel, SatisfactionRequest, Survey
from guichet.surveys.services import (
    kiosk_create,
    response_submit,
    satisfaction_record,
    survey_close,
    survey_create,
    survey_open,
    survey_page_add,
    survey_question_add,
    synthesis_publish,
)

from .territory import Territory

CHANNELS = ["Au guichet", "Par téléphone", "En ligne"]
PRIORITIES = ["Des horaires plus larges", "Moins d'attente", "Plus de démarches en ligne",
              "Des réponses plus claires"]
ASPECTS = ["L'accueil", "Les délais", "La clarté des réponses"]
LEVELS = ["Satisfait", "Moyennement", "Pas satisfait"]
IDEAS = ["Ouvrir le samedi matin", "Un numéro d'attente au guichet", "Plus de places de parking",
         "Prendre rendez-vous en ligne pour l'état civil", "Rien, c'est très bien"]
KIOSK_PLACE = "Médiathèque de Montfleury — hall d'accueil"


def _build(unit, author, title, intro, pages):
    survey = survey_create(unit=unit, title=title, intro=intro, acting_user=author)
    for number, (page_title, questions) in enumerate(pages):
        if number:
            survey_page_add(survey=survey, title=page_title, acting_user=author)
        for question in questions:
            survey_question_add(survey=survey, page=number, question=question,
                                acting_user=author)
    survey.refresh_from_db()
    return survey_open(survey=survey, acting_user=author)


def _satisfaction_survey(unit, author, rng) -> Survey:
    survey = _build(unit, author, "Votre avis sur l'accueil de la mairie",
                    "Dix questions, trois minutes : dites-nous comment nous vous recevons.", [
        ("", [
            {"type": "rating", "label": "Votre note de l'accueil", "key": "note", "scale": 5,
             "required": True},
            {"type": "text", "label": "Qu'est-ce qui n'a pas été ?", "key": "probleme",
             "condition": {"field": "note", "op": "lt", "value": "3"}},
            {"type": "choice", "label": "Comment nous avez-vous contactés ?", "key": "canal",
             "choices": CHANNELS, "required": True},
            {"type": "matrix", "label": "Votre avis sur", "key": "aspects", "rows": ASPECTS,
             "choices": LEVELS},
        ]),
        ("Pour la suite", [
            {"type": "multichoice", "label": "Ce qui compte le plus pour vous", "key": "priorites",
             "choices": PRIORITIES, "max_choices": 2},
            {"type": "nps", "label": "Recommanderiez-vous nos services à un proche ?",
             "key": "recommandation"},
            {"type": "textarea", "label": "Une idée pour nous améliorer ?", "key": "idee"},
        ]),
    ])
    now = timezone.now()
    for n in range(300):
        note = rng.choices([1, 2, 3, 4, 5], weights=[4, 8, 20, 40, 28])[0]
        answers = {
            "note": note, "canal": rng.choices(CHANNELS, weights=[50, 20, 30])[0],
            "aspects": {aspect: rng.choices(LEVELS, weights=[60 if note > 3 else 20, 25,
                                                             15 if note > 3 else 55])[0]
                        for aspect in ASPECTS},
            "priorites": rng.sample(PRIORITIES, rng.choice([1, 2])),
            "recommandation": min(10, max(0, note * 2 + rng.choice([-2, -1, 0, 0, 1]))),
        }
        if note < 3:
            answers["probleme"] = rng.choice(["L'attente", "Une réponse incomplète",
                                              "Un guichet fermé"])
        if n % 4 == 0:
            answers["idee"] = rng.choice(IDEAS)
        response_submit(survey=survey, answers=answers,
                        channel=rng.choices([Channel.LINK, Channel.EMAIL], weights=[2, 1])[0],
                        at=now - dt.timedelta(days=60) + dt.timedelta(minutes=280 * n))
    survey_close(survey=survey, acting_user=author)
    synthesis_publish(
        survey=survey, acting_user=author,
        intro="300 habitants nous ont répondu. L'accueil est apprécié ; l'attente au guichet "
              "et les horaires sont ce que vous voudriez voir changer.",
        changes="Depuis le 1er du mois, la mairie ouvre le samedi de 9 h à 12 h.\n"
                "Un écran d'appel par numéro a été installé à l'accueil.\n"
                "Les rendez-vous d'état civil se prennent désormais en ligne.",
        shown_questions=["note", "canal", "aspects", "priorites", "recommandation"])
    return survey


def _kiosk_survey(unit, author, rng) -> Survey:
    survey = _build(unit, author, "La médiathèque et vous",
                    "Touchez l'écran pour répondre : c'est anonyme.", [
        ("", [
            {"type": "rating", "label": "Votre visite aujourd'hui", "key": "visite",
             "scale": 5, "required": True},
            {"type": "multichoice", "label": "Vous êtes venu(e) pour", "key": "motif",
             "choices": ["Emprunter", "Travailler sur place", "Une animation", "Internet"]},
            {"type": "yesno", "label": "Avez-vous trouvé ce que vous cherchiez ?",
             "key": "trouve", "required": True},
            {"type": "textarea", "label": "Un mot pour l'équipe ?", "key": "mot"},
        ]),
    ])
    kiosk = kiosk_create(survey=survey, place=KIOSK_PLACE, acting_user=author)
    now = timezone.now()
    for n in range(48):
        response_submit(survey=survey, channel=Channel.KIOSK, kiosk=kiosk,
                        answers={"visite": rng.choices([2, 3, 4, 5], weights=[1, 3, 6, 5])[0],
                                 "motif": rng.sample(["Emprunter", "Travailler sur place",
                                                      "Une animation", "Internet"], 1),
                                 "trouve": rng.choice(["oui", "oui", "oui", "non"])},
                        at=now - dt.timedelta(days=20) + dt.timedelta(hours=9 * n))
    return survey


def _satisfaction_scores(rng) -> int:
    """Two closed cases in three get a score (a few low ones open a follow-up)."""
    given = 0
    for request in SatisfactionRequest.objects.filter(answered_at__isnull=True).order_by("pk"):
        if rng.random() > 0.66:
            continue
        score = rng.choices([1, 2, 3, 4, 5], weights=[3, 5, 15, 42, 35])[0]
        comment = rng.choice(["", "", "Merci pour la rapidité.", "Réponse claire.",
                              "J'ai dû relancer deux fois."])
        satisfaction_record(request=request, score=score, comment=comment)
        given += 1
    return given


def surveys_load(territory: Territory) -> dict:
    """Idempotent: does nothing when the demo questionnaires are there."""
    if Survey.objects.exists():
        return {}
    rng = random.Random(13)
    unit = territory.units[("montfleury-sur-orne", "accueil")]
    author = territory.admin
    _satisfaction_survey(unit, author, rng)
    _kiosk_survey(unit, author, rng)
    return {"scores": _satisfaction_scores(rng)}
