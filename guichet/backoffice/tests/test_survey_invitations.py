from django.urls import reverse

from guichet.contact.services import contact_submit
from guichet.surveys.models import Invitation


def test_invitations_go_to_a_segment_once_each(client, agent, unit, case, anonymous_case,
                                               open_survey, deliver):
    contact_submit(unit=unit, subject="Encore", message="Deuxième demande.",
                   requester=case.requester)  # the same person twice: one invitation
    client.force_login(agent)
    url = reverse("backoffice:survey_invitations", args=[open_survey.pk])
    html = client.get(url).content.decode()
    assert f'<option value="unit:{unit.pk}">Voirie</option>' in html
    assert "Usagers ayant fait une demande à un service" in html  # the group's label
    html = client.post(url, {"target": f"unit:{unit.pk}"}, follow=True).content.decode()
    assert "2 invitations envoyées." in html
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "alice@exemple.fr", "marc@exemple.fr"}
    emails = [m for m in deliver() if m.subject.startswith("Votre avis")]
    assert len(emails) == 2
    token = Invitation.objects.get(email="marc@exemple.fr").token
    assert token in next(m.body for m in emails if m.to == ["marc@exemple.fr"])
    assert "0 réponse pour 2 invitations : 0,0 %" in html
    again = client.post(url, {"target": f"unit:{unit.pk}"}, follow=True).content.decode()
    assert "Aucune nouvelle adresse" in again
    # The resident with an account also finds it in her centre, under « Questionnaires ».
    from guichet.notifications.models import Category, InAppItem
    item = InAppItem.objects.get(user=case.requester, title__startswith="Votre avis")
    assert item.category == Category.SURVEYS


def test_errors_are_shown_in_french(client, agent, draft_survey, unit):
    client.force_login(agent)
    url = reverse("backoffice:survey_invitations", args=[draft_survey.pk])
    response = client.post(url, {"target": ""})
    assert response.status_code == 400
    assert "Choisissez à qui envoyer le questionnaire." in response.content.decode()
    html = client.post(url, {"target": f"unit:{unit.pk}"}).content.decode()
    assert "Ouvrez le questionnaire avant d&#x27;envoyer les invitations." in html
    assert f'value="unit:{unit.pk}" selected' in html
    assert not Invitation.objects.exists()


def test_it_checks_ownership(client, other_agent, resident, open_survey, unit):
    url = reverse("backoffice:survey_invitations", args=[open_survey.pk])
    client.force_login(other_agent)
    assert client.get(url).status_code == 404
    assert client.post(url, {"target": f"unit:{unit.pk}"}).status_code == 404
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert not Invitation.objects.exists()
