"""Instructing a file: reading it, requesting documents, deciding, verifying pieces."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guichet.procedures.models import Submission
from guichet.procedures.tests.fixtures import submitted


def test_the_file_page_shows_answers_pieces_and_the_actions_of_the_role(
        client, canteen, resident, agent):
    submission = submitted(canteen, resident)
    client.force_login(agent)
    response = client.get(reverse("backoffice:submission", args=[submission.case.reference]))
    assert response.status_code == 200
    assert "Léo" in response.text and "Justificatif de domicile" in response.text
    assert "Prendre en instruction" in response.text and "Demander des pièces" in response.text
    assert "Décision implicite d'acceptation le" in response.text


def test_requesting_documents_then_accepting(client, canteen, resident, agent):
    submission = submitted(canteen, resident)
    url = reverse("backoffice:submission_action", args=[submission.case.reference])
    client.force_login(agent)
    response = client.post(url, {"form": "request", "documents": "RIB",
                                 "due_on": "01/01/2020", "message": "Merci"})
    assert response.status_code == 400 and "dans le futur" in response.text
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    client.post(url, {"form": "request", "documents": "RIB\nStatuts", "due_on": due})
    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_DOCUMENTS
    assert submission.documents_requested == ["RIB", "Statuts"]
    client.post(url, {"code": "resume"})
    client.post(url, {"form": "decision", "code": "accept", "reason": ""})
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED


def test_a_refusal_needs_a_reason(client, canteen, resident, agent):
    submission = submitted(canteen, resident)
    client.force_login(agent)
    response = client.post(
        reverse("backoffice:submission_action", args=[submission.case.reference]),
        {"form": "decision", "code": "reject", "reason": " "})
    assert response.status_code == 400 and "Motivez la décision" in response.text


def test_verifying_a_piece(client, canteen, resident, agent):
    submission = submitted(canteen, resident)
    item = submission.files.get()
    client.force_login(agent)
    client.post(reverse("backoffice:submission_file_verify",
                        args=[submission.case.reference, item.key]))
    item.refresh_from_db()
    assert item.verified_by == agent
    response = client.get(reverse("backoffice:submission_file",
                                  args=[submission.case.reference, item.key]))
    assert response.status_code == 200


def test_it_checks_ownership(client, canteen, resident, other_agent):
    submission = submitted(canteen, resident)
    reference = submission.case.reference
    item = submission.files.get()
    client.force_login(other_agent)
    assert client.get(reverse("backoffice:submission", args=[reference])).status_code == 404
    response = client.post(reverse("backoffice:submission_action", args=[reference]),
                           {"form": "decision", "code": "accept"})
    assert response.status_code == 404
    assert client.get(reverse("backoffice:submission_file",
                              args=[reference, item.key])).status_code == 404
    assert client.post(reverse("backoffice:submission_file_verify",
                               args=[reference, item.key])).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("backoffice:submission", args=[reference])).status_code == 403
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED


def test_setting_a_deadline(client, canteen, resident, agent):
    submission = submitted(canteen, resident)
    url = reverse("backoffice:submission_action", args=[submission.case.reference])
    client.force_login(agent)
    response = client.post(url, {"form": "deadline", "echeance-due_on": "01/01/2020"})
    assert response.status_code == 400 and "dans le futur" in response.text
    due = timezone.localdate() + dt.timedelta(days=20)
    client.post(url, {"form": "deadline", "echeance-due_on": due.isoformat(),
                      "echeance-reason": "Avis de la commission"})
    submission.case.refresh_from_db()
    assert timezone.localdate(submission.case.resolution_due_at) == due
    assert "Avis de la commission" in submission.case.events.last().body
