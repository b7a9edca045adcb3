"""A facility's kiosk: one screen, no login, no personal data, answers tagged with its place,
a thank-you screen then the first question again; out of service or closed: said clearly."""

import re
import uuid

from django.urls import reverse

from guichet.surveys.models import Response
from guichet.surveys.services import survey_close

ANSWER = {"votre_note": "5", "ce_que_vous_empruntez": ["Films"], "reviendrez_vous": "oui",
          "_shown": "votre_note,ce_que_vous_empruntez,reviendrez_vous,une_idee_pour_nous"}


def url(kiosk):
    return reverse("portal:kiosk", args=[kiosk.key])


def test_it_checks_ownership(client, kiosk):
    assert client.get(reverse("portal:kiosk", args=["cle-inventee"])).status_code == 404
    kiosk.is_active = False
    kiosk.save()
    page = client.get(url(kiosk))
    assert page.status_code == 410
    assert "Cette borne n&#x27;est plus en service" in page.content.decode() or \
        "Cette borne n'est plus en service" in page.content.decode()
    client.post(url(kiosk), {**ANSWER, "client_uuid": str(uuid.uuid4())})
    assert Response.objects.count() == 0


def test_one_screen_without_login_links_nor_personal_data(client, kiosk, resident):
    client.force_login(resident)
    body = client.get(url(kiosk)).content.decode()
    assert "Votre note de l&#x27;accueil" in body and "Reviendrez-vous" in body  # both pages
    assert "Se connecter" not in body and "Se déconnecter" not in body
    assert "site-header" not in body and 'type="email"' not in body
    assert "Médiathèque — hall d&#x27;accueil" in body
    assert "js/kiosk.js" in body


def test_an_answer_is_tagged_with_the_place_then_thanks_and_back(client, kiosk, resident):
    client.force_login(resident)
    key = str(uuid.uuid4())
    response = client.post(url(kiosk), {**ANSWER, "client_uuid": key})
    assert response.status_code == 302 and response["Location"].endswith("?merci=")
    thanks = client.get(response["Location"]).content.decode()
    assert "Merci pour votre réponse" in thanks and f'href="{url(kiosk)}"' in thanks
    saved = Response.objects.get()
    assert (saved.channel, saved.place, saved.kiosk, saved.user) == (
        "kiosk", "Médiathèque — hall d'accueil", kiosk, None)
    assert saved.contact_email == "" and str(saved.client_uuid) == key
    # A double tap sends the same form twice: it counts once.
    client.post(url(kiosk), {**ANSWER, "client_uuid": key})
    assert Response.objects.count() == 1


def test_bad_input_is_explained_in_french_and_kept(client, kiosk):
    response = client.post(url(kiosk), {"ce_que_vous_empruntez": ["Films"],
                                        "une_idee_pour_nous": "Plus de BD",
                                        "_shown": ANSWER["_shown"],
                                        "client_uuid": str(uuid.uuid4())})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Le formulaire contient 2 erreurs" in body
    assert 'href="#id_votre_note"' in body and 'href="#id_reviendrez_vous"' in body
    assert "Plus de BD" in body and re.search(r'value="Films"[^>]*checked', body)
    assert Response.objects.count() == 0


def test_a_question_that_appears_is_asked_before_sending(client, kiosk):
    response = client.post(url(kiosk), {**ANSWER, "votre_note": "1",
                                        "client_uuid": str(uuid.uuid4())})
    body = response.content.decode()
    assert "fait apparaître d&#x27;autres questions" in body or \
        "fait apparaître d'autres questions" in body
    assert "Qu&#x27;est-ce qui vous a déplu" in body
    assert re.search(r'value="1"[^>]*checked', body)
    assert Response.objects.count() == 0


def test_closed_questionnaire_says_so_but_an_answer_under_way_is_kept_late(client, kiosk,
                                                                          agent):
    page = client.get(url(kiosk))  # the tablet shows the questions…
    assert page.status_code == 200
    survey_close(survey=kiosk.survey, acting_user=agent)  # …when the questionnaire closes
    response = client.post(url(kiosk), {**ANSWER, "client_uuid": str(uuid.uuid4())})
    assert response["Location"].endswith("?merci=tardive")
    assert "n'est pas comptée" in client.get(response["Location"]).content.decode()
    assert Response.objects.get().late is True
    assert "Le questionnaire est clos" in client.get(url(kiosk)).content.decode()
