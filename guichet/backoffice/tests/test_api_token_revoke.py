"""Revoking a REST API token: at once, journaled, only by its collectivité's administrator."""

from django.urls import reverse

from guichet.accounts.models import ApiToken
from guichet.accounts.services import api_token_create


def test_a_revoked_token_stops_working(client, webhook_admin, agent, commune):
    token, secret = api_token_create(name="GED", organisation=commune, acts_for=agent,
                                     scopes=[ApiToken.Scope.CASES_READ], acting_user=None)
    client.force_login(webhook_admin)
    response = client.post(reverse("backoffice:api_token_revoke", args=[token.pk]), follow=True)
    assert "Le jeton de « GED » est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_it_checks_ownership(client, other_admin, agent, commune):
    token, _ = api_token_create(name="GED", organisation=commune, acts_for=agent,
                                scopes=[ApiToken.Scope.CASES_READ], acting_user=None)
    client.force_login(other_admin)
    url = reverse("backoffice:api_token_revoke", args=[token.pk])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code in (404, 405)
    token.refresh_from_db()
    assert token.revoked_at is None
