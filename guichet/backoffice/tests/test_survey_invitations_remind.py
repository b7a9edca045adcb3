from django.urls import reverse

from guichet.surveys.models import Channel, Invitation
from guichet.surveys.services import invitations_send, response_submit

from .survey_fixtures import answer


def test_a_reminder_goes_to_who_has_not_answered(client, agent, unit, case, anonymous_case,
                                                 open_survey, deliver):
    invitations_send(survey=open_survey, segment="unit", value=str(unit.pk), acting_user=agent)
    first = Invitation.objects.get(email="alice@exemple.fr")
    response_submit(survey=open_survey, channel=Channel.EMAIL, invitation=first,
                    answers=answer())
    client.force_login(agent)
    url = reverse("backoffice:survey_invitations_remind", args=[open_survey.pk])
    html = client.post(url, follow=True).content.decode()
    assert "1 relance envoyée." in html
    assert "1 réponse pour 2 invitations : 50,0 %" in html
    reminders = [m for m in deliver() if m.subject.startswith("Rappel")]
    assert [m.to for m in reminders] == [["marc@exemple.fr"]]
    html = client.post(url, follow=True).content.decode()
    assert "Personne à relancer" in html


def test_a_closed_questionnaire_is_not_reminded(client, agent, draft_survey):
    client.force_login(agent)
    html = client.post(reverse("backoffice:survey_invitations_remind", args=[draft_survey.pk]),
                       follow=True).content.decode()
    assert "aucune relance n&#x27;est envoyée" in html


def test_it_checks_ownership(client, other_agent, resident, open_survey):
    url = reverse("backoffice:survey_invitations_remind", args=[open_survey.pk])
    client.force_login(other_agent)
    assert client.post(url).status_code == 404
    client.force_login(resident)
    assert client.post(url).status_code == 403
