from django.urls import reverse

from guichet.surveys import questions as q


def test_a_page_is_added_with_a_condition(client, agent, draft_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_page_add", args=[draft_survey.pk]), {
        "page-title": "Pour aller plus loin", "page-condition_field": "votre_note",
        "page-condition_op": "lt", "page-condition_value": "3"})
    assert response.status_code == 302
    draft_survey.refresh_from_db()
    page = q.pages(draft_survey.definition)[1]
    assert page["title"] == "Pour aller plus loin"
    assert page["condition"] == {"field": "votre_note", "op": "lt", "value": "3"}
    html = client.get(response["Location"]).content.decode()
    assert "Page 2 : Pour aller plus loin" in html
    assert "Affichée si" in html


def test_a_page_without_title_is_refused_in_french(client, agent, draft_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_page_add", args=[draft_survey.pk]),
                           {"page-title": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire contient 1 erreur" in html
    assert "Indiquez le titre de la page." in html


def test_it_checks_ownership(client, other_agent, resident, draft_survey):
    url = reverse("backoffice:survey_page_add", args=[draft_survey.pk])
    client.force_login(other_agent)
    assert client.post(url, {"page-title": "x"}).status_code == 404
    client.force_login(resident)
    assert client.post(url, {"page-title": "x"}).status_code == 403
    draft_survey.refresh_from_db()
    assert len(q.pages(draft_survey.definition)) == 1
