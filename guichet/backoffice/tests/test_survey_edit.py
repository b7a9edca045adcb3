from django.urls import reverse

from guichet.surveys.models import Survey

ADD = reverse("backoffice:survey_add")


def _data(unit, **changes):
    return {"title": "Horaires de la piscine", "unit": unit.pk, "intro": "Votre avis.",
            "audience": "anonymous", "opens_at": "2026-09-01T08:00",
            "closes_at": "2026-09-30T18:00", **changes}


def test_an_agent_creates_a_draft_and_lands_on_the_builder(client, agent, unit):
    client.force_login(agent)
    response = client.post(ADD, _data(unit))
    survey = Survey.objects.get()
    assert response["Location"] == reverse("backoffice:survey_builder", args=[survey.pk])
    assert survey.status == Survey.Status.DRAFT and survey.unit == unit
    assert survey.closes_at.day == 30


def test_errors_are_by_the_field_summarised_and_typed_input_kept(client, agent, unit):
    client.force_login(agent)
    response = client.post(ADD, _data(unit, title="", closes_at="2026-08-01T08:00",
                                      opens_at="2026-09-01T08:00", intro="Gardé tel quel"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le formulaire contient 2 erreurs" in html
    assert "Indiquez le titre du questionnaire." in html
    assert "La clôture doit suivre l&#x27;ouverture." in html
    assert "Gardé tel quel" in html
    assert not Survey.objects.exists()


def test_settings_are_edited(client, agent, draft_survey):
    client.force_login(agent)
    url = reverse("backoffice:survey_edit", args=[draft_survey.pk])
    assert 'value="Accueil de la médiathèque"' in client.get(url).content.decode()
    client.post(url, _data(draft_survey.unit, title="Nouveau titre", audience="signed_in",
                           opens_at="", closes_at=""))
    draft_survey.refresh_from_db()
    assert draft_survey.title == "Nouveau titre" and draft_survey.audience == "signed_in"
    assert draft_survey.closes_at is None


def test_it_checks_ownership(client, other_agent, resident, draft_survey, unit):
    url = reverse("backoffice:survey_edit", args=[draft_survey.pk])
    client.force_login(other_agent)
    assert client.get(url).status_code == 404
    # Nor may another unit's agent file a questionnaire under this unit.
    html = client.post(ADD, _data(unit)).content.decode()
    assert "Choisissez un de vos services." in html
    client.force_login(resident)
    assert client.get(url).status_code == 403
