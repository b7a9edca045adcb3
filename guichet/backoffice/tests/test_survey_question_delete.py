from django.urls import reverse

from guichet.surveys import questions as q


def test_a_question_is_removed(client, agent, draft_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_question_delete",
                                   args=[draft_survey.pk]), {"key": "une_idee"})
    assert response.status_code == 302
    draft_survey.refresh_from_db()
    assert "une_idee" not in [f["key"] for f in q.all_questions(draft_survey.definition)]
    assert "La question est retirée." in client.get(response["Location"]).content.decode()


def test_once_answered_a_question_stays(client, agent, answered_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_question_delete",
                                   args=[answered_survey.pk]), {"key": "une_idee"},
                           follow=True)
    assert "une question ne peut plus être retirée" in response.content.decode()
    answered_survey.refresh_from_db()
    assert "une_idee" in [f["key"] for f in q.all_questions(answered_survey.definition)]


def test_an_unknown_key_is_a_404(client, agent, draft_survey):
    client.force_login(agent)
    assert client.post(reverse("backoffice:survey_question_delete", args=[draft_survey.pk]),
                       {"key": "nope"}).status_code == 404


def test_it_checks_ownership(client, other_agent, resident, draft_survey):
    url = reverse("backoffice:survey_question_delete", args=[draft_survey.pk])
    client.force_login(other_agent)
    assert client.post(url, {"key": "une_idee"}).status_code == 404
    client.force_login(resident)
    assert client.post(url, {"key": "une_idee"}).status_code == 403
    draft_survey.refresh_from_db()
    assert len(q.all_questions(draft_survey.definition)) == 4
