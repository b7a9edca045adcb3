"""What the questionnaire view tests share: a questionnaire of the agent's unit with a few
question kinds and answers. The back-office's conftest brings them in: its `open_survey`
(one page, four kinds) stands in for the portal's (guichet.surveys.tests.fixtures) here."""

from __future__ import annotations

import pytest

from guichet.surveys.models import Channel
from guichet.surveys.services import (
    kiosk_create,
    response_submit,
    survey_create,
    survey_open,
    survey_question_add,
)

QUESTIONS = [
    {"type": "rating", "label": "Votre note", "scale": 5, "required": True},
    {"type": "multichoice", "label": "Ce que vous empruntez",
     "choices": ["Livres", "Films", "Jeux"], "max_choices": 2},
    {"type": "matrix", "label": "Qualité", "rows": ["Accueil", "Horaires"],
     "choices": ["Bien", "Moyen", "Mal"]},
    {"type": "textarea", "label": "Une idée ?"},
]


@pytest.fixture
def draft_survey(unit, agent):
    survey = survey_create(unit=unit, title="Accueil de la médiathèque", acting_user=agent,
                           intro="Deux minutes pour nous aider.")
    for question in QUESTIONS:
        survey_question_add(survey=survey, page=0, question=question, acting_user=agent)
    survey.refresh_from_db()
    return survey


@pytest.fixture
def open_survey(draft_survey, agent):
    return survey_open(survey=draft_survey, acting_user=agent)


def answer(note=4, **more):
    return {"votre_note": note, "ce_que_vous_empruntez": ["Livres", "Jeux"],
            "qualite": {"Accueil": "Bien", "Horaires": "Mal"},
            "une_idee": "Ouvrir le dimanche", **more}


@pytest.fixture
def answered_survey(open_survey, agent):
    """Three responses: two from the link, one from the swimming pool's kiosk."""
    survey = open_survey
    kiosk = kiosk_create(survey=survey, place="Piscine", acting_user=agent)
    response_submit(survey=survey, channel=Channel.LINK, answers=answer(4),
                    contact_email="claire@exemple.fr")
    response_submit(survey=survey, channel=Channel.LINK,
                    answers=answer(2, ce_que_vous_empruntez=["Films"],
                                   une_idee="Plus de bandes dessinées"))
    response_submit(survey=survey, channel=Channel.KIOSK, kiosk=kiosk, answers=answer(5))
    return survey
