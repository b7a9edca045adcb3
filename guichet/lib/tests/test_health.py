import datetime as dt
import json
import logging

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guichet.lib.log_filters import JsonFormatter
from guichet.stats.tasks import refresh_stats

pytestmark = pytest.mark.django_db


def test_it_answers_when_the_database_answers_and_no_task_waits(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["queue"]["state"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@override_settings(HEALTH_QUEUE_MAX_AGE=300)
def test_it_says_503_when_the_oldest_due_task_waits_too_long(client):
    refresh_stats.enqueue()
    assert client.get("/sante/").status_code == 200  # just queued: the worker has time
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["queue"]["state"] == "late"
    assert response.json()["queue"]["oldest_due_seconds"] >= 600


def test_a_task_scheduled_for_later_is_not_late(client):
    refresh_stats.using(run_after=timezone.now() + dt.timedelta(hours=2)).enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(days=1))
    assert client.get("/sante/").status_code == 200


def test_it_checks_ownership(client, django_user_model):
    """Anyone may ask (a probe has no account) and nobody learns more than figures."""
    response = client.get("/sante/")
    assert set(response.json()) == {"status", "database", "queue"}
    assert client.post("/sante/").status_code == 405


def test_json_log_lines_carry_level_message_and_request_but_not_extras(rf):
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", ("/x/",), None)
    record.status_code = 404
    record.request = rf.get("/x/")
    record.email = "anne@example.org"  # an `extra` never reaches the log
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["message"] == "Not Found: /x/"
    assert line["status"] == 404 and line["path"] == "/x/" and line["method"] == "GET"
    assert "anne@example.org" not in json.dumps(line)


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_probe_is_not_redirected_to_https(client):
    assert client.get("/sante/").status_code == 200
    assert client.get("/").status_code == 301
