"""Answering from an email invitation: the token is the way in, one answer per invitation."""

import pytest
from django.core import mail
from django.urls import reverse

from guichet.portal.tests.helpers import link_in
from guichet.surveys.models import Invitation, Response, Survey
from guichet.surveys.services import invitations_send, survey_close
from guichet.surveys.tests.fixtures import build_survey


@pytest.fixture
def invitations(open_survey, case, anonymous_case, agent, unit, deliver):
    invitations_send(survey=open_survey, segment="unit", value=str(unit.pk), acting_user=agent)
    deliver()
    return {i.email: i for i in Invitation.objects.all()}


def url(invitation):
    return reverse("portal:survey_invited", args=[invitation.token])


def answer(client, invitation):
    client.post(url(invitation), {"page": 0, "action": "next", "votre_note": "4"})
    return client.post(url(invitation), {"page": 1, "action": "next",
                                         "reviendrez_vous": "oui"}, follow=True)


def test_it_checks_ownership(client, invitations, unit, agent):
    assert client.get(reverse("portal:survey_invited", args=["jeton-invente"])).status_code \
        == 404
    alice, marc = invitations["alice@exemple.fr"], invitations["marc@exemple.fr"]
    # Progress begun with Alice's token is not Marc's: his page starts at page 1, empty.
    client.post(url(alice), {"page": 0, "action": "next", "votre_note": "2"})
    page = client.get(url(marc)).content.decode()
    assert "Page 1 sur 2" in page and "checked" not in page
    answer(client, marc)
    alice.refresh_from_db()
    marc.refresh_from_db()
    assert marc.answered_at and not alice.answered_at
    assert Response.objects.get().invitation == marc
    # An invitation to another questionnaire leads to that one only.
    other = build_survey(unit, agent, title="Piscine")
    invitations_send(survey=other, segment="unit", value=str(unit.pk), acting_user=agent)
    theirs = Invitation.objects.get(survey=other, email="marc@exemple.fr")
    assert "Piscine" in client.get(url(theirs)).content.decode()


def test_the_emailed_link_takes_one_answer_per_invitation(client, invitations):
    link = next(link_in(m) for m in mail.outbox
                if "marc@exemple.fr" in m.to and "/questionnaires/" in m.body)
    assert link == url(invitations["marc@exemple.fr"])
    done = answer(client, invitations["marc@exemple.fr"])
    assert "Merci pour votre réponse" in done.content.decode()
    saved = Response.objects.get()
    assert (saved.channel, saved.user) == ("email", None)
    # From another browser, the same link says it has been used.
    client.cookies.clear()
    page = client.get(link).content.decode()
    assert "Cette invitation a déjà servi" in page and "Page 1" not in page
    answer(client, invitations["marc@exemple.fr"])
    assert Response.objects.count() == 1


def test_bad_input_is_explained_and_kept(client, invitations):
    marc = invitations["marc@exemple.fr"]
    client.post(url(marc), {"page": 0, "action": "next", "votre_note": "4"})
    response = client.post(url(marc), {"page": 1, "action": "next",
                                       "une_idee_pour_nous": "Ouvrir le dimanche"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Le formulaire contient 1 erreur" in body and 'href="#id_reviendrez_vous"' in body
    assert "Ouvrir le dimanche" in body


def test_closed_while_answering_keeps_the_answer_late(client, invitations, open_survey, agent):
    marc = invitations["marc@exemple.fr"]
    client.post(url(marc), {"page": 0, "action": "next", "votre_note": "4"})
    survey_close(survey=open_survey, acting_user=agent)
    assert "a été clos pendant que vous répondiez" in client.get(url(marc)).content.decode()
    client.post(url(marc), {"page": 1, "action": "next", "reviendrez_vous": "oui"})
    assert Response.objects.get().late is True
    # Someone who had not started is told it is closed.
    client.cookies.clear()
    alice = invitations["alice@exemple.fr"]
    assert "Ce questionnaire est clos" in client.get(url(alice)).content.decode()


def test_a_signed_in_questionnaire_links_the_answer_to_the_invited_account(
        client, resident, case, unit, agent, deliver):
    survey = build_survey(unit, agent, title="Réservé", audience=Survey.Audience.SIGNED_IN)
    invitations_send(survey=survey, segment="unit", value=str(unit.pk), acting_user=agent)
    answer(client, Invitation.objects.get(survey=survey, email=resident.email))
    assert Response.objects.get().user == resident
