"""The admin's index is in French, third-party apps included."""

import re

import pytest
from django.contrib import admin

from guichet.accounts.models import User


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="admin@exemple.fr", password="x" * 12)


def index_labels(client) -> list[str]:
    html = client.get("/admin/").content.decode()
    table = html[html.index('id="content-main"'):]
    return [re.sub(r"\s+", " ", label).strip()
            for label in re.findall(r"<(?:caption|th scope=\"row\")[^>]*>(.*?)</(?:caption|th)>",
                                    table, re.S)
            for label in [re.sub(r"<[^>]+>", "", label)]]


def test_every_app_and_model_has_a_french_name(client, superuser):
    client.force_login(superuser)
    labels = index_labels(client)
    for expected in ("Lieux", "Retours du prestataire de paiement", "Tâches en arrière-plan",
                     "Tâches", "Protection des connexions", "Tentatives de connexion"):
        assert expected in labels
    english = re.compile(r"\b(Task|Tasks|Results?|Payment|Backend|Database|Logs?|Axes|Lieus)\b",
                         re.I)
    assert [label for label in labels if english.search(label)] == []
    assert len(labels) >= len(admin.site._registry)


def test_it_checks_ownership(client, db):
    """Only staff reach the admin."""
    resident = User.objects.create_user(email="alice@exemple.fr", password="x" * 12)
    client.force_login(resident)
    assert client.get("/admin/").status_code == 302


def test_the_task_list_and_page_are_in_french(client, superuser):
    from guichet.notifications.tasks import deliver

    deliver.enqueue(0)
    client.force_login(superuser)
    html = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    headers = [re.sub(r"<[^>]+>|\s+", " ", h).strip()
               for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", html, re.S)]
    assert {"Tâche", "État", "Mise en file le", "Priorité", "File"} <= set(headers)
    assert "En attente" in html
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get()
    page = client.get(f"/admin/django_tasks_database/dbtaskresult/{task.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Trace de l" in text and "À lancer après" in text
    assert not re.search(r">\s*(Task name|Run after|Traceback)\s*<", text, re.I)
