"""Open311 GeoReport v2, checked against the official schemas, in JSON and XML."""

import datetime as dt

import pytest
from django.utils import timezone

from guichet.cases.models import Case, Channel, Status
from guichet.cases.services import case_change_status
from guichet.reports.models import Report
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE, OUTSIDE

from .conftest import as_text, assert_valid, wait_for_a_fresh_window, xml_data

BASE = "/open311/v2"


def both(client, path, **params):
    """The JSON and XML answers, checked to carry the same data."""
    as_json = client.get(f"{BASE}/{path}.json", params)
    as_xml = client.get(f"{BASE}/{path}.xml", params)
    assert as_xml["Content-Type"].startswith("text/xml")
    assert as_json.status_code == as_xml.status_code
    assert xml_data(as_xml.content) == as_text(as_json.json())
    return as_json


def post(client, key, fmt="json", **fields):
    data = {"api_key": key.key, "service_code": "nid-de-poule", "lat": INSIDE[0],
            "long": INSIDE[1], "description": "Trou profond", "email": "app@exemple.fr",
            "first_name": "Léo", "last_name": "Martin", "attribute[taille]": "grand", **fields}
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items()
                                                  if v is not None})


def test_discovery_lists_a_production_and_a_test_endpoint(client, territory):
    response = client.get("/open311/discovery.json")
    endpoints = response.json()["endpoints"]
    assert {e["type"] for e in endpoints} == {"production", "test"}
    assert all(e["specification"] == "http://wiki.open311.org/GeoReport_v2" for e in endpoints)
    xml = xml_data(client.get("/open311/discovery.xml").content)
    assert xml == as_text(response.json())


def test_services_and_definitions_follow_the_schemas(client, pothole, dumping):
    services = both(client, "services").json()
    assert_valid(services, "services.json")
    assert {s["service_code"] for s in services} == {"nid-de-poule", "depot-sauvage"}
    assert next(s for s in services if s["service_code"] == "nid-de-poule")["group"] == "Voirie"
    definition = both(client, "services/nid-de-poule").json()
    assert_valid(definition, "service-definition.json")
    attribute = definition["attributes"][0]
    assert attribute["code"] == "taille" and attribute["datatype"] == "singlevaluelist"
    assert attribute["values"] == [{"key": "petit", "name": "Petit"},
                                   {"key": "grand", "name": "Grand"}]


def test_post_creates_a_case_from_the_app_channel(client, territory, pothole, api_key, unit):
    response = post(client, api_key)
    assert response.status_code == 200
    [created] = response.json()
    case = Case.objects.get(reference=created["service_request_id"])
    assert case.channel == Channel.APP and case.unit == unit
    assert case.requester_name == "Léo Martin" and case.requester_email == "app@exemple.fr"
    assert case.report.answers == {"taille": "grand"}
    assert case.report.api_key == api_key
    # The token leads to the request.
    token = both(client, f"tokens/{created['token']}").json()
    assert token == [{"service_request_id": case.reference, "token": created["token"]}]


def test_post_in_xml(client, territory, pothole, api_key):
    response = post(client, api_key, fmt="xml")
    [created] = xml_data(response.content)
    assert Case.objects.filter(reference=created["service_request_id"]).exists()


def test_get_requests_follow_the_schemas_and_never_show_the_filer(client, territory, pothole,
                                                                 api_key):
    post(client, api_key)
    requests = both(client, "requests").json()
    assert_valid(requests, "requests.json")
    assert requests[0]["status"] == "open" and requests[0]["lat"] == INSIDE[0]
    body = client.get(f"{BASE}/requests.json").content.decode() + \
        client.get(f"{BASE}/requests.xml").content.decode()
    for personal in ("Léo", "Martin", "app@exemple.fr"):
        assert personal not in body
    single = both(client, f"requests/{requests[0]['service_request_id']}").json()
    assert_valid(single[0], "request.json")
    assert single == requests


def test_filters_dates_status_and_the_90_day_default(client, territory, pothole, dumping,
                                                    epci_unit):
    from conftest import make_agent

    agent_of_waste = make_agent("dechets@vf.fr", epci_unit)

    def file(category, days_ago, **answers):
        case = report_submit(category=category, lat=INSIDE[0], lon=INSIDE[1],
                             description="…", name="X", email="x@exemple.fr",
                             answers=answers)
        moment = timezone.now() - dt.timedelta(days=days_ago)
        Report.objects.filter(case=case).update(created_at=moment)
        return case

    recent = file(pothole, 1, taille="petit")
    old = file(pothole, 120, taille="petit")
    waste = file(dumping, 2)
    case_change_status(case=waste, status=Status.CLOSED, acting_user=agent_of_waste)

    def ids(**params):
        return {r["service_request_id"] for r in both(client, "requests", **params).json()}

    assert ids() == {recent.reference, waste.reference}
    assert ids(service_code="nid-de-poule") == {recent.reference}
    assert ids(status="closed") == {waste.reference}
    assert ids(status="open,closed") == {recent.reference, waste.reference}
    start = (timezone.now() - dt.timedelta(days=200)).isoformat()
    assert old.reference in ids(start_date=start)
    assert ids(service_request_id=f"{old.reference},{waste.reference}",
               service_code="nid-de-poule") == {old.reference, waste.reference}


def test_at_most_1000_requests(client, territory, pothole, settings):
    settings.OPEN311_MAX_REQUESTS = 3
    for _ in range(5):
        report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="…",
                      name="X", email="x@exemple.fr", answers={"taille": "petit"})
    assert len(client.get(f"{BASE}/requests.json").json()) == 3


@pytest.mark.parametrize("fields, status, message", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "mauvaise"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "inconnu"}, 404, "inconnu"),
    ({"lat": None, "long": None}, 400, "Lieu manquant"),
    ({"lat": OUTSIDE[0], "long": OUTSIDE[1]}, 400, "en dehors du territoire"),
    ({"lat": "nord"}, 400, "nombres"),
    ({"description": "x" * 4001}, 400, "4000"),
    ({"attribute[taille]": None}, 400, "Taille du trou"),
    ({"jurisdiction_id": "ailleurs.example"}, 404, "jurisdiction_id"),
])
def test_errors_are_the_spec_s_error_documents(client, territory, pothole, api_key, fields,
                                               status, message):
    for fmt in ("json", "xml"):
        response = post(client, api_key, fmt=fmt, **fields)
        assert response.status_code == status
        [error] = response.json() if fmt == "json" else xml_data(response.content)
        assert str(error["code"]) == str(status) and message in error["description"]
    assert not Case.objects.exists()


def test_unknown_ids_and_bad_dates(client, territory):
    for path, status in (("requests/XX-2026-000001", 404), ("services/inconnu", 404),
                         ("tokens/inconnu", 404)):
        [error] = both(client, path).json()
        assert error["code"] == status
    [error] = both(client, "requests", start_date="hier").json()
    assert error["code"] == 400 and "start_date" in error["description"]


def test_a_retried_request_with_the_same_idempotency_key_files_once(client, territory,
                                                                   pothole, api_key):
    first = client.post(f"{BASE}/requests.json", {
        "api_key": api_key.key, "service_code": "nid-de-poule", "lat": INSIDE[0],
        "long": INSIDE[1], "attribute[taille]": "petit"}, HTTP_IDEMPOTENCY_KEY="abc-123")
    again = client.post(f"{BASE}/requests.json", {
        "api_key": api_key.key, "service_code": "nid-de-poule", "lat": INSIDE[0],
        "long": INSIDE[1], "attribute[taille]": "petit"}, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.json() == again.json()
    assert Case.objects.count() == 1


def test_writes_are_rate_limited_per_key(client, territory, pothole, api_key):
    wait_for_a_fresh_window(f"api_key:{api_key.pk}", "127.0.0.1")
    for _ in range(api_key.requests_per_minute):
        assert post(client, api_key).status_code == 200
    response = post(client, api_key)
    assert response.status_code == 429
    assert "par minute" in response.json()[0]["description"]
    assert Case.objects.count() == api_key.requests_per_minute


def test_the_test_endpoint_checks_everything_but_files_nothing(client, territory, pothole,
                                                               api_key):
    url = "/open311/test/v2/requests.json"
    data = {"api_key": api_key.key, "service_code": "nid-de-poule", "lat": INSIDE[0],
            "long": INSIDE[1], "attribute[taille]": "petit"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert_valid(client.get("/open311/test/v2/services.json").json(), "services.json")
    assert client.post(url, {**data, "lat": OUTSIDE[0], "long": OUTSIDE[1]}).status_code == 400
    assert client.post(url, {**data, "api_key": "x"}).status_code == 403
    assert not Case.objects.exists()


def test_it_checks_ownership(client, territory, pothole, dumping, api_key):
    """Reports of a category that is not public are never listed, nor their filers."""
    dumping.is_public = False
    dumping.save()
    hidden = report_submit(category=dumping, lat=INSIDE[0], lon=INSIDE[1], description="…",
                           name="Secret", email="s@exemple.fr")
    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{hidden.reference}.json").status_code == 404


def test_the_schema_check_itself_catches_a_non_conforming_document():
    with pytest.raises(AssertionError):
        assert_valid([{"service_code": "x", "service_name": "X", "metadata": "oui",
                       "type": "realtime"}], "services.json")
    with pytest.raises(AssertionError):
        assert_valid([{"service_request_id": "1", "status": "ouvert", "service_code": "x",
                       "requested_datetime": "2026-11-24T08:00:00+01:00"}], "requests.json")


def test_a_request_located_by_address_only(client, territory, pothole, api_key, ban):
    response = post(client, api_key, lat=None, long=None, address_string="12 rue Foch, Hayange")
    [created] = response.json()
    report = Case.objects.get(reference=created["service_request_id"]).report
    assert (report.lat, report.lon, report.address) == (49.33, 6.05, "12 Rue Foch 57700 Hayange")
    [error] = post(client, api_key, lat=None, long=None, address_string="nulle part").json()
    assert error["code"] == 400 and "Adresse introuvable" in error["description"]


def test_without_the_address_service_an_address_only_request_asks_for_coordinates(
        client, territory, pothole, api_key, ban_unreachable):
    response = post(client, api_key, lat=None, long=None, address_string="12 rue Foch, Hayange")
    [error] = response.json()
    assert response.status_code == 503 and error["code"] == 503
    assert "ne répond pas : donnez lat et long" in error["description"]
    assert not Report.objects.exists()
