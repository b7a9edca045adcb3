from django.urls import reverse

from guichet.surveys.models import Response


def _url(survey):
    return reverse("backoffice:survey_synthesis", args=[survey.pk])


def test_publishing_the_synthesis_tells_respondents_who_left_an_address(client, agent,
                                                                        answered_survey,
                                                                        deliver):
    client.force_login(agent)
    html = client.get(_url(answered_survey)).content.decode()
    assert "Pas encore publiée." in html and "Ce que vous empruntez" in html
    response = client.post(_url(answered_survey), {
        "intro": "Vous aimez l'accueil.", "changes": "Ouverture le dimanche dès janvier.",
        "shown_questions": ["votre_note", "qualite"]}, follow=True)
    html = response.content.decode()
    assert "La synthèse est publiée. 1 répondant a laissé son adresse : il est prévenu." in html
    assert "Mettre à jour la synthèse" in html and "Publiée le" in html
    answered_survey.refresh_from_db()
    assert answered_survey.shown_questions == ["votre_note", "qualite"]
    assert answered_survey.changes == "Ouverture le dimanche dès janvier."
    (email,) = [m for m in deliver() if m.to == ["claire@exemple.fr"]]
    assert "synthese/" in email.body
    assert Response.objects.filter(notified_at__isnull=False).count() == 1
    # Updated later: nobody is told twice.
    html = client.post(_url(answered_survey), {"intro": "Mise à jour.", "changes": ""},
                       follow=True).content.decode()
    assert "La synthèse est publiée." in html and "prévenu" not in html


def test_an_empty_synthesis_is_refused_and_choices_kept(client, agent, answered_survey):
    client.force_login(agent)
    response = client.post(_url(answered_survey), {"intro": " ", "changes": "",
                                                   "shown_questions": ["votre_note"]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le formulaire contient 1 erreur" in html
    assert "Écrivez la synthèse ou ce que vous avez changé." in html
    assert 'value="votre_note" id="id_shown_questions_0" checked' in html
    answered_survey.refresh_from_db()
    assert answered_survey.synthesis_published_at is None


def test_it_checks_ownership(client, other_agent, resident, answered_survey):
    data = {"intro": "Piratée", "changes": ""}
    client.force_login(other_agent)
    assert client.get(_url(answered_survey)).status_code == 404
    assert client.post(_url(answered_survey), data).status_code == 404
    client.force_login(resident)
    assert client.post(_url(answered_survey), data).status_code == 403
    answered_survey.refresh_from_db()
    assert answered_survey.synthesis_published_at is None
