"""Questionnaires built through the builder's services, for the portal's and the browser
journeys' tests: two pages, a question shown on a condition, a kiosk in the médiathèque."""

import pytest

from guichet.surveys.services import (
    kiosk_create,
    survey_create,
    survey_open,
    survey_page_add,
    survey_question_add,
)

PAGE_ONE = [
    {"type": "rating", "label": "Votre note de l'accueil", "key": "votre_note", "scale": 5,
     "required": True},
    {"type": "text", "label": "Qu'est-ce qui vous a déplu ?",
     "condition": {"field": "votre_note", "op": "lt", "value": "3"}},
    {"type": "multichoice", "label": "Ce que vous empruntez",
     "choices": ["Livres", "Films", "Jeux"], "max_choices": 2},
]
PAGE_TWO = [
    {"type": "yesno", "label": "Reviendrez-vous ?", "required": True},
    {"type": "textarea", "label": "Une idée pour nous ?"},
]


def build_survey(unit, agent, *, title="Votre avis sur la médiathèque", **options):
    """An open two-page questionnaire, built and opened with the builder's services."""
    survey = survey_create(unit=unit, title=title, acting_user=agent,
                           intro="Deux minutes pour nous aider à nous améliorer.", **options)
    for question in PAGE_ONE:
        survey_question_add(survey=survey, page=0, question=question, acting_user=agent)
    survey_page_add(survey=survey, title="Et pour finir", acting_user=agent)
    for question in PAGE_TWO:
        survey_question_add(survey=survey, page=1, question=question, acting_user=agent)
    survey.refresh_from_db()
    return survey_open(survey=survey, acting_user=agent)


@pytest.fixture
def open_survey(unit, agent):
    return build_survey(unit, agent)


@pytest.fixture
def kiosk(open_survey, agent):
    return kiosk_create(survey=open_survey, place="Médiathèque — hall d'accueil",
                        acting_user=agent)
