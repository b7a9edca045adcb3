"""Administrators' screens: categories with their questions, Open311 keys."""

import pytest
from django.urls import reverse

from conftest import make_agent
from guichet.accounts.models import Membership
from guichet.journal.models import Entry
from guichet.reports.models import ApiKey, Category


@pytest.fixture
def administrator(unit):
    return make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN, first_name="Hélène",
                      last_name="Marchal")


CATEGORY = {"parent": "", "name": "Mobilier urbain", "service_code": "mobilier",
            "description": "", "keywords": "banc, poubelle", "icon": "", "competence_topic":
            "voirie", "first_response_hours": "24", "resolution_hours": "", "is_public": "on",
            "order": "3", "is_active": "on",
            "q-TOTAL_FORMS": "1", "q-INITIAL_FORMS": "0", "q-MIN_NUM_FORMS": "0",
            "q-MAX_NUM_FORMS": "1000",
            "q-0-code": "objet", "q-0-label": "Quel objet ?", "q-0-datatype": "singlevaluelist",
            "q-0-required": "on", "q-0-values": "banc : Banc\npoubelle : Corbeille"}


def test_an_administrator_creates_a_category_with_a_question(client, territory, administrator,
                                                             roads):
    client.force_login(administrator)
    assert client.get(reverse("backoffice:category_add")).status_code == 200
    response = client.post(reverse("backoffice:category_add"), {**CATEGORY,
                                                                "parent": roads.pk})
    assert response["Location"] == reverse("backoffice:category_list")
    category = Category.objects.get(service_code="mobilier")
    assert category.parent == roads and category.first_response_hours == 24
    assert category.questions == [{"code": "objet", "label": "Quel objet ?",
                                   "datatype": "singlevaluelist", "required": True, "order": 1,
                                   "values": [{"key": "banc", "name": "Banc"},
                                              {"key": "poubelle", "name": "Corbeille"}]}]
    assert Entry.objects.filter(action=Entry.Action.SETTINGS_CHANGED,
                                actor=administrator).exists()
    # Editing shows the question again, ready to change.
    html = client.get(reverse("backoffice:category_edit", args=[category.pk])).content.decode()
    assert "banc : Banc" in html


def test_bad_input_is_explained_and_kept(client, territory, administrator, pothole):
    client.force_login(administrator)
    data = {**CATEGORY, "service_code": "nid-de-poule", "q-0-values": "banc sans libellé"}
    response = client.post(reverse("backoffice:category_add"), data)
    html = response.content.decode()
    assert "existe déjà" in html
    assert "écrivez « code : libellé »" in html
    assert 'value="Mobilier urbain"' in html
    assert not Category.objects.filter(name="Mobilier urbain").exists()


def test_api_keys_are_shown_once_and_revoked(client, administrator):
    client.force_login(administrator)
    html = client.post(reverse("backoffice:api_keys"), {
        "name": "Appli mairie", "contact_email": "dev@exemple.fr",
        "requests_per_minute": "30"}).content.decode()
    key = ApiKey.objects.get()
    assert key.key in html
    assert key.key not in client.get(reverse("backoffice:api_keys")).content.decode()
    client.post(reverse("backoffice:api_key_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.is_active is False


def test_it_checks_ownership(client, agent, manager, resident, administrator):
    """Only administrators reach the settings."""
    key = ApiKey.objects.create(name="X")
    for user in (agent, manager, resident):
        client.force_login(user)
        for url in (reverse("backoffice:category_list"), reverse("backoffice:category_add"),
                    reverse("backoffice:api_keys")):
            assert client.get(url).status_code == 403
        assert client.post(reverse("backoffice:api_key_revoke", args=[key.pk])).status_code \
            == 403
    key.refresh_from_db()
    assert key.is_active
