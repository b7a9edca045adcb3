"""The administrator's list of REST API tokens: their collectivité's only, never a secret."""

from django.urls import reverse

from guichet.accounts.models import ApiToken
from guichet.accounts.services import api_token_create

URL = reverse("backoffice:api_token_list")


def test_the_list_shows_tokens_by_prefix_and_last_use(client, webhook_admin, agent, commune,
                                                      other_admin, other_commune):
    token, secret = api_token_create(name="GED", organisation=commune, acts_for=agent,
                                     scopes=[ApiToken.Scope.CASES_READ],
                                     acting_user=webhook_admin)
    api_token_create(name="Finances d'ailleurs", organisation=other_commune,
                     acts_for=other_admin, scopes=[ApiToken.Scope.CASES_READ],
                     acting_user=other_admin)
    client.force_login(webhook_admin)
    html = client.get(URL).content.decode()
    assert "GED" in html and f"gch_{token.prefix}_…" in html
    assert "Lire les demandes et leur historique" in html and "jamais" in html
    assert secret not in html and "Finances d&#x27;ailleurs" not in html


def test_it_checks_ownership(client, agent, resident):
    client.force_login(agent)
    assert client.get(URL).status_code == 403
    client.force_login(resident)
    assert client.get(URL).status_code in (302, 403)
