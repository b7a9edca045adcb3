"""Deleting my account: what goes and what stays is said first; the password (or, without
one, a link sent by email) confirms it."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from guichet.cases.models import Case
from guichet.journal.models import Entry
from guichet.notifications.services import notifications_deliver_due

URL = reverse("portal:account_delete")


def test_the_plan_then_deletion_with_the_password(client, resident, case):
    client.force_login(resident)
    html = client.get(URL).content.decode()
    assert "Ce qui sera effacé ou anonymisé" in html and case.reference in html
    assert "Ce que la loi nous oblige à garder" in html
    response = client.post(URL, {"password": "motdepasse-solide-42", "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "Votre compte est supprimé" in html
    assert not get_user_model().objects.filter(email="alice@exemple.fr").exists()
    assert "_auth_user_id" not in client.session
    assert Case.objects.get(pk=case.pk).requester_email == "alice@exemple.fr"
    assert Entry.objects.filter(action=Entry.Action.ACCOUNT_DELETED).exists()


def test_bad_input_keeps_the_account(client, resident):
    client.force_login(resident)
    response = client.post(URL, {"password": "pas le bon"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le formulaire contient 2 erreurs" in html
    assert "Ce mot de passe n&#x27;est pas le bon." in html
    assert "Cochez la case" in html
    assert get_user_model().objects.filter(pk=resident.pk).exists()


def test_the_password_cannot_be_guessed_from_a_stolen_session(client, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reauth": [("ip", 3, 900)]}
    client.force_login(resident)
    for _ in range(3):
        client.post(URL, {"password": "devine", "confirm": "on"})
    response = client.post(URL, {"password": "motdepasse-solide-42", "confirm": "on"})
    assert response.status_code == 429 and response["Retry-After"]
    assert get_user_model().objects.filter(pk=resident.pk).exists()


def test_without_a_password_a_link_confirms(client, resident):
    resident.set_unusable_password()
    resident.save()
    client.force_login(resident)
    html = client.post(URL, {"confirm": "on"}).content.decode()
    assert "Nous vous avons envoyé un lien" in html
    notifications_deliver_due()
    [message] = [m for m in mail.outbox if "Confirmez la suppression" in m.subject]
    link = re.search(r"https?://\S+/compte/supprimer/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert "Supprimer définitivement" in client.get("/" + path).content.decode()
    assert get_user_model().objects.filter(pk=resident.pk).exists()  # a GET deletes nothing
    assert "Votre compte est supprimé" in client.post("/" + path).content.decode()
    assert not get_user_model().objects.filter(pk=resident.pk).exists()


def test_it_checks_ownership(client, resident, other_resident, agent):
    from guichet.portal.views.privacy import _delete_token

    assert client.get(URL).status_code == 302
    link = reverse("portal:account_delete_confirm", args=[_delete_token(resident)])
    client.force_login(other_resident)  # another account's link is refused
    assert client.post(link).status_code == 400
    assert get_user_model().objects.filter(pk=resident.pk).exists()
    assert client.post(reverse("portal:account_delete_confirm", args=["faux"])).status_code == 400
    client.force_login(agent)  # an agent's account is removed by its administrator
    html = client.get(URL).content.decode()
    assert "Ce compte est celui d&#x27;un agent" in html
    client.post(URL, {"password": "motdepasse-solide-42", "confirm": "on"})
    assert get_user_model().objects.filter(pk=agent.pk).exists()
