"""The published synthesis: the results chosen by the collectivité, with charts and their
tables, and « Ce que nous avons changé »."""

import pytest
from django.urls import reverse

from guichet.surveys.models import Channel
from guichet.surveys.services import response_submit, synthesis_publish


@pytest.fixture
def published(open_survey, agent):
    for note in (5, 4, 4, 2):
        response_submit(survey=open_survey, channel=Channel.LINK,
                        answers={"votre_note": note, "reviendrez_vous": "oui",
                                 "une_idee_pour_nous": "Secret de Léa",
                                 "ce_que_vous_empruntez": ["Livres"]})
    synthesis_publish(survey=open_survey, intro="Vous aimez l'accueil.",
                      changes="Nous ouvrons le dimanche matin.",
                      shown_questions=["votre_note", "reviendrez_vous", "une_idee_pour_nous"],
                      acting_user=agent)
    open_survey.refresh_from_db()
    return open_survey


def test_it_checks_ownership(client, open_survey):
    # Not published yet: no page, even for someone who guesses the address.
    assert client.get(reverse("portal:survey_synthesis", args=[open_survey.slug])) \
        .status_code == 404


def test_the_chosen_results_with_charts_tables_and_what_changed(client, published):
    body = client.get(reverse("portal:survey_synthesis", args=[published.slug])) \
        .content.decode()
    assert "Ce que nous avons changé" in body and "Nous ouvrons le dimanche matin." in body
    assert "4 répondants — moyenne : 3,75 sur 5" in body
    assert '<svg viewBox="0 0 720' in body and 'role="img"' in body
    assert "<caption>Votre note de l&#x27;accueil : réponses par choix</caption>" in body
    assert '<th scope="row">Oui</th><td>4</td><td>100 %</td>' in body
    # Not chosen: not shown. Open answers are never published word for word.
    assert "Ce que vous empruntez" not in body and "Secret de Léa" not in body


def test_bad_input_an_unknown_questionnaire_is_not_found(client, published):
    assert client.get(reverse("portal:survey_synthesis", args=["inconnu"])).status_code == 404
