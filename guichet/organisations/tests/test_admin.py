"""Administrators manage the territory in the (French) Django admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from conftest import make_user


@pytest.fixture
def administrator(db):
    user = make_user("admin@hayange.fr")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_every_admin_screen_opens_in_french(client, administrator, official, agent):
    client.force_login(administrator)
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
            response = client.get(url)
            assert response.status_code in (200, 403), url  # 403: append-only models
    html = client.get(reverse("admin:organisations_unit_changelist")).content.decode()
    assert "Voirie" in html and 'lang="fr"' in html


def test_it_checks_ownership(client, agent, resident):
    """Agents and residents do not reach the admin."""
    for user in (agent, resident):
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
