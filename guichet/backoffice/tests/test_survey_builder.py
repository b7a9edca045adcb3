from django.urls import reverse

from guichet.surveys.services import kiosk_create


def test_the_builder_lists_pages_questions_and_what_prevents_opening(client, agent,
                                                                       draft_survey):
    client.force_login(agent)
    html = client.get(reverse("backoffice:survey_builder", args=[draft_survey.pk])).content \
        .decode()
    assert "Votre note</strong> — Note (échelle 1 à 5 ou 1 à 10), obligatoire" in html
    assert "lignes : Accueil, Horaires ; colonnes : Bien, Moyen, Mal" in html
    assert "Ouvrir le questionnaire" in html
    assert "Ajouter une question" in html and "Créer une borne" in html


def test_an_empty_questionnaire_says_why_it_cannot_open(client, agent, unit):
    from guichet.surveys.services import survey_create

    survey = survey_create(unit=unit, title="Vide", acting_user=agent)
    client.force_login(agent)
    html = client.get(reverse("backoffice:survey_builder", args=[survey.pk])).content.decode()
    assert "Le questionnaire n&#x27;a aucune question." in html
    assert "Ouvrir le questionnaire</button>" not in html


def test_an_open_questionnaire_shows_its_public_link_and_kiosk_addresses(client, agent,
                                                                         open_survey):
    kiosk = kiosk_create(survey=open_survey, place="Médiathèque — hall", acting_user=agent)
    client.force_login(agent)
    html = client.get(reverse("backoffice:survey_builder", args=[open_survey.pk])).content \
        .decode()
    assert f"http://testserver{open_survey.get_absolute_url()}" in html or \
        open_survey.get_absolute_url() in html
    assert kiosk.get_absolute_url() in html and "Médiathèque — hall" in html
    assert "Clore le questionnaire" in html


def test_it_checks_ownership(client, other_agent, resident, draft_survey):
    url = reverse("backoffice:survey_builder", args=[draft_survey.pk])
    client.force_login(other_agent)
    assert client.get(url).status_code == 404
    client.force_login(resident)
    assert client.get(url).status_code == 403
