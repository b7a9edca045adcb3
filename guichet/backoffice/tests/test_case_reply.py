"""Replying to the resident: emailed, on their timeline, first-response clock stopped."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.cases.models import Case, Event, Status


def url(case):
    return reverse("backoffice:case_reply", args=[case.reference])


def test_agent_answers_and_the_resident_is_emailed(client, agent, case, deliver, mailoutbox):
    client.force_login(agent)
    response = client.post(url(case), {"body": "Nous intervenons jeudi."})
    assert response.status_code == 302
    deliver()
    message = mailoutbox[-1]
    assert message.to == ["alice@exemple.fr"]
    assert "Nous intervenons jeudi." in message.body
    case.refresh_from_db()
    assert case.first_responded_at is not None
    assert case.assignee == agent
    assert case.status == Status.IN_PROGRESS
    client.force_login(case.requester)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Nous intervenons jeudi." in page
    assert "Paul Lemoine" in page


def test_waiting_for_the_resident_pauses_the_clock(client, agent, case):
    client.force_login(agent)
    client.post(url(case), {"body": "Quel numéro de rue ?", "wait_for_resident": "on"})
    case.refresh_from_db()
    assert case.status == Status.WAITING
    assert case.paused_at is not None


def test_empty_message_is_refused_in_french(client, agent, case):
    client.force_login(agent)
    response = client.post(url(case), {"body": "", "wait_for_resident": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in html
    assert "error-summary" in html
    assert not Event.objects.filter(kind=Event.Kind.AGENT_MESSAGE).exists()


def test_disguised_file_is_refused_and_the_text_kept(client, agent, case):
    fake = SimpleUploadedFile("devis.pdf", b"MZ\x90\x00" + b"\0" * 300,
                              content_type="application/pdf")
    client.force_login(agent)
    response = client.post(url(case), {"body": "Voici le devis.", "attachments": [fake]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "devis.pdf" in html
    assert "Voici le devis." in html
    assert not Event.objects.filter(kind=Event.Kind.AGENT_MESSAGE).exists()


def test_closed_case_cannot_be_answered(client, agent, case):
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    client.force_login(agent)
    response = client.post(url(case), {"body": "Encore un mot."})
    assert response.status_code == 400
    assert "Cette demande est close" in response.content.decode()


def test_it_checks_ownership(client, other_agent, resident, case):
    for user in (other_agent, resident):
        client.force_login(user)
        response = client.post(url(case), {"body": "Intrusion"})
        assert response.status_code in (403, 404)
    assert not Event.objects.filter(kind=Event.Kind.AGENT_MESSAGE).exists()


def test_get_is_not_allowed(client, agent, case):
    client.force_login(agent)
    assert client.get(url(case)).status_code == 405
