"""The list of published syntheses."""

from django.urls import reverse

from guichet.surveys.services import synthesis_publish
from guichet.surveys.tests.fixtures import build_survey


def test_it_checks_ownership(client, open_survey, unit, agent):
    published = build_survey(unit, agent, title="Piscine")
    synthesis_publish(survey=published, intro="Merci.", changes="", shown_questions=[],
                      acting_user=agent)
    body = client.get(reverse("portal:survey_syntheses")).content.decode()
    assert "Piscine" in body and "Votre avis sur la médiathèque" not in body


def test_bad_input_an_empty_list_says_so(client, db):
    body = client.get(reverse("portal:survey_syntheses") + "?page=99").content.decode()
    assert "Aucun résultat n&#x27;est encore publié." in body or \
        "Aucun résultat n'est encore publié." in body
