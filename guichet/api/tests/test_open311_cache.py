"""Open311 reads come from the public pages' cache, and a write that changes them is seen by
the very next read (guichet.lib.public_cache)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.reports.models import Report
from guichet.reports.services import category_save, report_close, report_submit
from guichet.reports.tests.fixtures import INSIDE

BASE = "/open311/v2"
pytestmark = pytest.mark.django_db


def file(pothole):
    return report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                         name="X", email="x@exemple.fr", answers={"taille": "petit"})


def statuses(client, fmt="json"):
    answer = client.get(f"{BASE}/requests.{fmt}")
    assert answer.status_code == 200
    return {r["service_request_id"]: r["status"] for r in answer.json()} if fmt == "json" \
        else answer


def test_a_second_read_is_served_from_the_cache(client, territory, pothole,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        file(pothole)
    first = client.get(f"{BASE}/requests.json")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"{BASE}/requests.json")
    assert second.content == first.content
    assert second["Access-Control-Allow-Origin"] == "*"
    assert not any("reports_report" in q["sql"] for q in queries.captured_queries)


def test_closing_a_report_is_seen_at_once(client, territory, pothole, agent,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = file(pothole)
    assert statuses(client) == {case.reference: "open"}
    assert statuses(client, "xml").content.count(b"<status>open</status>") == 1
    with django_capture_on_commit_callbacks(execute=True):
        report_close(report=Report.objects.get(case=case), acting_user=agent,
                     message="Rebouché.")
    assert statuses(client) == {case.reference: "closed"}
    assert statuses(client, "xml").content.count(b"<status>closed</status>") == 1
    with django_capture_on_commit_callbacks(execute=True):
        other = file(pothole)
    assert statuses(client) == {case.reference: "closed", other.reference: "open"}


def test_renaming_a_category_is_seen_at_once_in_the_services(client, territory, pothole,
                                                            admin_user,
                                                            django_capture_on_commit_callbacks):
    names = lambda: {s["service_name"] for s in client.get(f"{BASE}/services.json").json()}  # noqa: E731
    assert "Nid-de-poule" in names()
    pothole.name = "Trou dans la chaussée"
    with django_capture_on_commit_callbacks(execute=True):
        category_save(category=pothole, acting_user=admin_user)
    assert "Trou dans la chaussée" in names()


def test_errors_are_not_cached(client, territory):
    assert client.get(f"{BASE}/requests.json", {"page_size": "abc"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"page_size": "abc"}).status_code == 400


def test_pages_of_requests(client, territory, pothole, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filed = [file(pothole).reference for _ in range(5)]
    newest_first = filed[::-1]

    def page(**params):
        answer = client.get(f"{BASE}/requests.json", params)
        assert answer.status_code == 200
        return [r["service_request_id"] for r in answer.json()]

    assert page(page_size=2) == newest_first[:2]
    assert page(page_size=2, page=2) == newest_first[2:4]
    assert page(page_size=2, page=3) == newest_first[4:]
    assert page(page_size=2, page=4) == []
    for bad in ("0", "1001", "-1", "2.5", "deux"):
        answer = client.get(f"{BASE}/requests.json", {"page_size": bad})
        assert answer.status_code == 400
        assert "page_size doit être un nombre entier de 1 à 1000" in answer.json()[0]["description"]


def test_it_checks_ownership(client, territory, pothole, django_capture_on_commit_callbacks):
    """A cached read is still a public read: it never carries who filed the report."""
    with django_capture_on_commit_callbacks(execute=True):
        file(pothole)
    for _ in range(2):
        body = client.get(f"{BASE}/requests.json").content.decode()
        assert "x@exemple.fr" not in body and '"X"' not in body
