"""The kiosk's JSON endpoint, where kiosk.js sends an answer, right away or replayed after
the network came back: one client UUID counts once."""

import json
import uuid

from django.urls import reverse

from guichet.surveys.models import Response
from guichet.surveys.services import kiosk_create
from guichet.surveys.tests.fixtures import build_survey

DATA = {"votre_note": ["4"], "reviendrez_vous": ["non"],
        "_shown": ["votre_note,ce_que_vous_empruntez,reviendrez_vous,une_idee_pour_nous"]}


def send(client, kiosk, payload, **headers):
    return client.post(reverse("portal:kiosk_submit", args=[kiosk.key]),
                       json.dumps(payload), content_type="application/json", **headers)


def test_it_checks_ownership(client, kiosk, unit, agent):
    other = kiosk_create(survey=build_survey(unit, agent, title="Piscine"), place="Piscine",
                         acting_user=agent)
    key = str(uuid.uuid4())
    assert send(client, kiosk, {"client_uuid": key, "data": DATA}).status_code == 201
    # The same UUID sent to another kiosk's questionnaire is refused, not moved.
    refused = send(client, other, {"client_uuid": key, "data": DATA})
    assert refused.status_code == 409
    assert Response.objects.get().survey == kiosk.survey
    other.is_active = False
    other.save()
    assert send(client, other, {"client_uuid": str(uuid.uuid4()), "data": DATA}).status_code \
        == 410
    invented = client.post(reverse("portal:kiosk_submit", args=["inventee"]), "{}",
                           content_type="application/json")
    assert invented.status_code == 404


def test_a_replayed_answer_counts_once(client, kiosk):
    key = str(uuid.uuid4())
    first = send(client, kiosk, {"client_uuid": key, "data": DATA, "queued": True,
                                 "taken_at": "2020-01-01T10:00:00+00:00"})
    again = send(client, kiosk, {"client_uuid": key, "data": DATA, "queued": True})
    assert (first.status_code, first.json()["status"]) == (201, "created")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    saved = Response.objects.get()
    assert saved.place == "Médiathèque — hall d'accueil" and saved.channel == "kiosk"
    assert saved.answers["votre_note"] == 4


def test_the_time_it_was_taken_offline_is_kept(client, kiosk):
    from django.utils import timezone

    taken = (timezone.now() - timezone.timedelta(hours=2)).replace(microsecond=0)
    send(client, kiosk, {"client_uuid": str(uuid.uuid4()), "data": DATA, "queued": True,
                         "taken_at": taken.isoformat()})
    assert Response.objects.get().submitted_at == taken


def test_bad_input_gets_a_french_message(client, kiosk):
    url = reverse("portal:kiosk_submit", args=[kiosk.key])
    assert client.get(url).status_code == 405
    form = client.post(url, {"client_uuid": str(uuid.uuid4())})
    assert form.status_code == 415 and form.json()["error"] == "Envoyez les réponses en JSON."
    broken = client.post(url, "{pas du json", content_type="application/json")
    assert broken.status_code == 400 and "illisible" in broken.json()["error"]
    no_uuid = send(client, kiosk, {"client_uuid": "pas-un-uuid", "data": DATA})
    assert no_uuid.status_code == 400
    missing = send(client, kiosk, {"client_uuid": str(uuid.uuid4()),
                                   "data": {"_shown": DATA["_shown"]}})
    assert missing.status_code == 400
    assert any("Ce champ est obligatoire." in e for e in missing.json()["errors"])
    huge = send(client, kiosk, {"client_uuid": str(uuid.uuid4()),
                                "data": {"une_idee_pour_nous": ["x" * 70_000]}})
    assert huge.status_code == 413
    assert Response.objects.count() == 0


def test_a_question_that_appears_is_sent_back_live_but_kept_from_the_queue(client, kiosk):
    low = {**DATA, "votre_note": ["1"]}
    live = send(client, kiosk, {"client_uuid": str(uuid.uuid4()), "data": low})
    assert live.status_code == 409  # kiosk.js then sends the form the plain way
    queued = send(client, kiosk, {"client_uuid": str(uuid.uuid4()), "data": low,
                                  "queued": True})
    assert queued.status_code == 201
    assert Response.objects.get().answers["votre_note"] == 1


def test_no_csrf_token_is_needed(kiosk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert send(strict, kiosk, {"client_uuid": str(uuid.uuid4()), "data": DATA}).status_code \
        == 201
