"""A new REST API token: its secret shown once, errors in French, agents of the collectivité
only."""

from django.urls import reverse

from guichet.accounts.models import ApiToken
from guichet.journal.models import Entry

URL = reverse("backoffice:api_token_add")


def test_the_secret_is_shown_once_and_works(client, webhook_admin, agent, commune):
    client.force_login(webhook_admin)
    html = client.post(URL, {"name": "GED du courrier", "organisation": commune.pk,
                             "acts_for": agent.pk,
                             "scopes": ["cases:read", "cases:write"]}).content.decode()
    token = ApiToken.objects.get()
    assert "Jeton créé" in html and f"gch_{token.prefix}_" in html
    secret = html.split(f"gch_{token.prefix}_")[1].split("<")[0]
    assert client.get(reverse("backoffice:api_token_list")).content.decode().count(secret) == 0
    client.logout()
    response = client.get("/api/v1/cases",
                          HTTP_AUTHORIZATION=f"Bearer gch_{token.prefix}_{secret}")
    assert response.status_code == 200
    assert Entry.objects.filter(actor=webhook_admin, details__setting="api_token_created"
                                ).exists()


def test_errors_are_explained_and_kept(client, webhook_admin, other_admin, commune):
    client.force_login(webhook_admin)
    html = client.post(URL, {"name": "SIG", "organisation": commune.pk}).content.decode()
    assert "Le formulaire contient 2 erreurs" in html
    assert "Choisissez l&#x27;agent pour lequel le jeton agit." in html
    assert "Choisissez au moins un droit." in html
    assert 'value="SIG"' in html
    # An agent of another collectivité is not offered.
    html = client.post(URL, {"name": "SIG", "organisation": commune.pk,
                             "acts_for": other_admin.pk, "scopes": ["cases:read"]}
                       ).content.decode()
    assert "Sélectionnez un choix valide" in html
    assert not ApiToken.objects.exists()


def test_it_checks_ownership(client, agent, manager):
    for user in (agent, manager):
        client.force_login(user)
        assert client.get(URL).status_code == 403
