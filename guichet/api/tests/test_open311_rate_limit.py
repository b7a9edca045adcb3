"""Open311 write limits: every attempt counts, per API key and per client address; a 429
says when to come back (Retry-After)."""

import pytest

from guichet.cases.models import Case
from guichet.reports.models import ApiKey
from guichet.reports.tests.fixtures import INSIDE

from .conftest import RATE_WINDOW, wait_for_a_fresh_window, xml_data
from .test_open311 import post

LOCALHOST = "127.0.0.1"


def assert_too_many(response, fmt="json"):
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= RATE_WINDOW
    [error] = response.json() if fmt == "json" else xml_data(response.content)
    assert str(error["code"]) == "429" and f"{wait} s" in error["description"]


def test_refused_attempts_count_towards_the_key_s_limit(client, territory, pothole, api_key):
    wait_for_a_fresh_window(f"api_key:{api_key.pk}", LOCALHOST)
    for _ in range(api_key.requests_per_minute):
        assert post(client, api_key, service_code="inconnu").status_code == 404
    for fmt in ("json", "xml"):
        response = post(client, api_key, fmt=fmt)
        assert_too_many(response, fmt)
        assert "par minute au plus pour cette clé" in response.content.decode()
    assert not Case.objects.exists()


def test_the_test_endpoint_has_its_own_count(client, territory, pothole, api_key):
    wait_for_a_fresh_window(f"api_key:{api_key.pk}", LOCALHOST)
    url = "/open311/test/v2/requests.json"
    for _ in range(api_key.requests_per_minute):
        assert client.post(url, {"api_key": api_key.key}).status_code == 400
    assert_too_many(client.post(url, {"api_key": api_key.key}))
    assert post(client, api_key).status_code == 200


@pytest.mark.parametrize("path", ["v2/requests.json", "test/v2/requests.xml",
                                  "v2/services.json"])
def test_every_write_attempt_from_an_address_counts(client, territory, pothole, api_key,
                                                    settings, path):
    settings.OPEN311_POSTS_PER_IP_PER_MINUTE = 3
    wait_for_a_fresh_window(LOCALHOST)
    for _ in range(3):  # wrong keys, or no write there at all
        assert client.post(f"/open311/{path}", {"api_key": "mauvaise"}).status_code in (403,
                                                                                         405)
    fmt = path.rsplit(".", 1)[1]
    assert_too_many(client.post(f"/open311/{path}", {"api_key": api_key.key}), fmt)
    # Another address is not held back.
    response = client.post("/open311/v2/requests.json", {
        "api_key": api_key.key, "service_code": "nid-de-poule", "lat": INSIDE[0],
        "long": INSIDE[1], "attribute[taille]": "petit"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200


def test_reads_are_not_counted(client, territory, settings):
    settings.OPEN311_POSTS_PER_IP_PER_MINUTE = 1
    for _ in range(3):
        assert client.get("/open311/v2/requests.json").status_code == 200


def test_it_checks_ownership(client, territory, pothole, api_key):
    """One client's attempts never use up another's allowance."""
    other = ApiKey.objects.create(name="Application partenaire", requests_per_minute=5)
    wait_for_a_fresh_window(f"api_key:{api_key.pk}", f"api_key:{other.pk}", LOCALHOST)
    for _ in range(api_key.requests_per_minute):
        post(client, api_key, service_code="inconnu")
    assert post(client, api_key).status_code == 429
    assert post(client, other).status_code == 200
