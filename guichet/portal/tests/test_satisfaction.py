"""The satisfaction page reached from the closing email's signed link (no login)."""

import pytest
from django.urls import reverse

from guichet.cases.services import case_close
from guichet.surveys.models import SatisfactionRequest
from guichet.surveys.services import satisfaction_signed


@pytest.fixture
def asked(case, agent):
    case_close(case=case, acting_user=agent, message="C'est réparé.")
    return SatisfactionRequest.objects.get(case=case)


def test_it_checks_ownership(client, asked):
    signed = satisfaction_signed(asked)
    forged = f"{asked.pk}:{signed.split(':', 1)[1][:-2]}xx"
    response = client.get(reverse("portal:satisfaction", args=[forged, 1]))
    assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.score is None


def test_the_link_records_the_score_then_takes_a_comment(client, asked):
    url = reverse("portal:satisfaction", args=[satisfaction_signed(asked), 5])
    page = client.get(url)
    assert "Votre note est enregistrée : 5 sur 5" in page.content.decode()
    client.post(url, {"score": "4", "comment": "Rapide et aimable."})
    asked.refresh_from_db()
    assert (asked.score, asked.comment) == (4, "Rapide et aimable.")
    assert asked.follow_up == SatisfactionRequest.FollowUp.NONE


def test_a_missing_score_is_explained_in_french_and_the_comment_kept(client, asked):
    url = reverse("portal:satisfaction", args=[satisfaction_signed(asked), 0])
    response = client.post(url, {"comment": "Trop long"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choisissez une note de 1 à 5." in body and "Trop long" in body
    assert 'href="#id_score"' in body
