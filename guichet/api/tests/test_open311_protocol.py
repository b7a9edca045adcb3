"""Open311: every answer under /open311/ is a GeoReport document with the right status and
content type (JSON or XML by the URL's extension), never one of the site's HTML pages."""

import pytest
from django.test import Client

from guichet.cases.models import Case
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE

from .conftest import xml_data
from .test_open311 import BASE, post

TYPES = {"json": "application/json", "xml": "text/xml"}


def error_of(response, fmt, status):
    assert response.status_code == status
    assert response["Content-Type"] == TYPES[fmt]
    [error] = response.json() if fmt == "json" else xml_data(response.content)
    assert str(error["code"]) == str(status) and error["description"]
    if fmt == "json":
        assert set(error) == {"code", "description"}
    return error


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_content_types_are_the_bare_ones_discovery_announces(client, territory, pothole,
                                                             api_key, fmt):
    [created] = post(client, api_key).json()
    reference = created["service_request_id"]
    for path in ("/open311/discovery", f"{BASE}/services", f"{BASE}/services/nid-de-poule",
                 f"{BASE}/requests", f"{BASE}/requests/{reference}",
                 f"{BASE}/tokens/{created['token']}", "/open311/test/v2/requests"):
        response = client.get(f"{path}.{fmt}")
        assert response.status_code == 200
        assert response["Content-Type"] == TYPES[fmt]
    discovery = client.get("/open311/discovery.json").json()
    assert {f for e in discovery["endpoints"] for f in e["formats"]} == set(TYPES.values())
    assert post(client, api_key, fmt=fmt)["Content-Type"] == TYPES[fmt]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_body_over_the_limit_is_a_413(client, territory, pothole, api_key, fmt, settings):
    body = "x" * (3 * 1024 * 1024)
    response = post(client, api_key, fmt=fmt, description=body)
    error = error_of(response, fmt, 413)
    assert "2 Mo au plus" in error["description"]
    response = client.post(f"/open311/test/v2/requests.{fmt}", {"description": body})
    error_of(response, fmt, 413)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_methods_not_allowed_are_a_405_with_allow(client, territory, fmt):
    for path, allowed in ((f"{BASE}/requests", "GET, POST"), (f"{BASE}/services", "GET"),
                          ("/open311/discovery", "GET"), ("/open311/test/v2/requests",
                                                          "GET, POST")):
        for method in ("put", "delete", "patch"):
            response = getattr(client, method)(f"{path}.{fmt}")
            error = error_of(response, fmt, 405)
            assert response["Allow"] == allowed
            assert method.upper() in error["description"] and allowed in error["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_where_only_get_is_allowed_is_a_405_not_a_csrf_page(territory, pothole,
                                                                    api_key, fmt):
    client = Client(enforce_csrf_checks=True)  # as a real client: no CSRF cookie, no token
    for path in (f"{BASE}/services", f"{BASE}/services/nid-de-poule", "/open311/discovery"):
        response = client.post(f"{path}.{fmt}", {"api_key": api_key.key})
        error_of(response, fmt, 405)
        assert response["Allow"] == "GET"
    # Writes are authenticated by their api_key, not a cookie: no CSRF token is needed.
    response = post(client, api_key, fmt=fmt)
    assert response.status_code == 200


@pytest.mark.parametrize("path, fmt", [
    ("/open311/", "json"), ("/open311/v2/", "json"), ("/open311/v2/inconnu.json", "json"),
    ("/open311/v2/inconnu.xml", "xml"), ("/open311/v3/services.xml", "xml"),
    ("/open311/v2/services.html", "json"), ("/open311/v2/requests/a%20b.json", "json"),
    ("/open311/test/v2/tokens/abc.xml", "xml"),
])
def test_unknown_paths_are_a_404_in_open311_form(client, territory, path, fmt):
    for method in ("get", "post"):
        error = error_of(getattr(client, method)(path), fmt, 404)
        assert "/open311/discovery.json" in error["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_server_error_is_a_500_in_open311_form(territory, settings, fmt):
    settings.OPEN311_MAX_REQUESTS = "mille"  # a broken setting: the view itself fails
    client = Client(raise_request_exception=False)
    error = error_of(client.get(f"{BASE}/requests.{fmt}"), fmt, 500)
    assert "réessayez" in error["description"]


def test_an_invalid_content_length_is_a_400(client, territory):
    response = client.generic("POST", f"{BASE}/requests.xml", b"", CONTENT_LENGTH="beaucoup")
    error_of(response, "xml", 400)


def test_the_site_s_pages_are_left_alone(client, db):
    response = client.get("/page-qui-n-existe-pas/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_it_checks_ownership(client, territory, dumping):
    """A report of a non-public category is unknown, in Open311 form, in both formats."""
    dumping.is_public = False
    dumping.save()
    hidden = report_submit(category=dumping, lat=INSIDE[0], lon=INSIDE[1], description="…",
                           name="Secret", email="s@exemple.fr")
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests/{hidden.reference}.{fmt}")
        assert b"Secret" not in error_of(response, fmt, 404)["description"].encode()
