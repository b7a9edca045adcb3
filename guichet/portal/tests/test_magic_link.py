from django.core import mail
from django.urls import reverse

from guichet.notifications.models import Notification

from .helpers import link_in


def request_link(client, email):
    return client.post(reverse("portal:magic_link"), {"email": email})


def test_the_link_logs_in_once(client, resident, deliver):
    response = request_link(client, "alice@exemple.fr")
    assert "alice@exemple.fr" in response.content.decode()
    path = link_in(deliver()[0])
    confirm = client.get(path)  # a GET (a mail scanner) does not log in
    assert confirm.status_code == 200
    assert client.get("/mes-demandes/").status_code == 302
    assert client.post(path)["Location"] == reverse("portal:my_cases")
    assert client.get("/mes-demandes/").status_code == 200

    client.logout()
    reused = client.post(path)
    assert reused.status_code == 400
    assert "n'est plus valable" in reused.content.decode() or "invalide" in reused.content.decode()


def test_an_agents_link_lands_on_the_back_office(client, agent, deliver):
    request_link(client, "agent.voirie@hayange.fr")
    assert client.post(link_in(deliver()[0]))["Location"] == reverse("backoffice:inbox")


def test_an_expired_link_is_refused(client, resident, deliver, settings):
    request_link(client, "alice@exemple.fr")
    path = link_in(deliver()[0])
    settings.MAGIC_LINK_MAX_AGE = -1
    assert client.post(path).status_code == 400
    assert client.get("/mes-demandes/").status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db, deliver):
    response = request_link(client, "personne@exemple.fr")
    assert response.status_code == 200
    assert "personne@exemple.fr" in response.content.decode()
    assert deliver() == [] and not Notification.objects.exists()


def test_a_tampered_link_is_refused(client, resident):
    assert client.post(reverse("portal:magic_link_login", args=["abc:def"])).status_code == 400


def test_a_bad_address_is_explained(client, db):
    html = request_link(client, "pas-une-adresse").content.decode()
    assert "Saisissez une adresse" in html or "adresse électronique valide" in html
    assert mail.outbox == []


def test_it_checks_ownership(client, resident, other_resident, deliver):
    """Bob's link logs Bob in, never Alice."""
    request_link(client, "bob@exemple.fr")
    client.post(link_in(deliver()[0]))
    assert int(client.session["_auth_user_id"]) == other_resident.pk


def test_the_link_points_at_the_configured_site(client, resident, deliver, settings):
    """`make demo PORT=8123` sets SITE_URL to port 8123: the link in the email goes there."""
    settings.SITE_URL = "http://127.0.0.1:8123"
    request_link(client, "alice@exemple.fr")
    message = deliver()[0]
    html = message.alternatives[0][0]
    assert "http://127.0.0.1:8123/" in message.body and "http://127.0.0.1:8123/" in html
    assert "127.0.0.1:8000" not in message.body + html
    assert client.post(link_in(message))["Location"] == reverse("portal:my_cases")
