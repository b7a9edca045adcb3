"""A new webhook: its secret shown once, the journal written, bad input explained in French."""

import base64

from django.urls import reverse

from guichet.accounts.models import Membership
from guichet.journal.models import Entry
from guichet.notifications.models import WebhookEndpoint

URL = reverse("backoffice:webhook_add")
FORM = {"url": "https://sig.hayange.fr/webhooks", "description": "SIG",
        "events": ["report.created", "report.resolved"]}


def test_an_administrator_creates_a_webhook_and_sees_its_secret_once(
        client, webhook_admin, commune):
    client.force_login(webhook_admin)
    assert client.get(URL).status_code == 200
    html = client.post(URL, FORM).content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organisation == commune
    assert endpoint.events == ["report.created", "report.resolved"]
    assert endpoint.created_by == webhook_admin and endpoint.is_active
    assert endpoint.secret.startswith("whsec_")
    assert len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) == 32
    assert endpoint.secret in html and "il ne sera plus affiché" in html
    assert endpoint.secret not in client.get(reverse("backoffice:webhook_list")).content.decode()
    assert endpoint.secret not in client.get(
        reverse("backoffice:webhook_edit", args=[endpoint.pk])).content.decode()
    entry = Entry.objects.get(action=Entry.Action.SETTINGS_CHANGED, actor=webhook_admin)
    assert entry.details["webhook"] == endpoint.pk and entry.details["change"] == "created"
    assert "secret" not in str(entry.details)


def test_bad_input_is_explained_and_kept(client, webhook_admin):
    client.force_login(webhook_admin)
    html = client.post(URL, {"url": "pas une adresse", "description": "SIG"}).content.decode()
    assert "Le formulaire contient 2 erreurs" in html
    assert "Saisissez une URL valide." in html
    assert "Choisissez au moins un événement." in html
    assert 'value="SIG"' in html
    assert not WebhookEndpoint.objects.exists()


def test_an_administrator_of_two_collectivites_chooses_one(client, webhook_admin, epci_unit,
                                                          epci):
    Membership.objects.create(user=webhook_admin, unit=epci_unit, role=Membership.Role.ADMIN)
    client.force_login(webhook_admin)
    html = client.get(URL).content.decode()
    assert "Collectivité" in html and "Val de Fensch" in html and "Hayange" in html
    client.post(URL, {**FORM, "organisation": epci.pk})
    assert WebhookEndpoint.objects.get().organisation == epci


def test_it_checks_ownership(client, agent, manager, resident, webhook_admin, epci_unit,
                             commune, other_commune):
    """Only administrators create webhooks, and only for their own collectivité."""
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, FORM).status_code == 403
    assert not WebhookEndpoint.objects.exists()
    client.force_login(webhook_admin)
    # With one collectivité, the one posted is ignored: theirs is used.
    client.post(URL, {**FORM, "organisation": other_commune.pk})
    assert WebhookEndpoint.objects.get().organisation == commune
    # With several, another one is refused.
    Membership.objects.create(user=webhook_admin, unit=epci_unit, role=Membership.Role.ADMIN)
    html = client.post(URL, {**FORM, "organisation": other_commune.pk}).content.decode()
    assert "Sélectionnez un choix valide" in html
    assert not WebhookEndpoint.objects.filter(organisation=other_commune).exists()
