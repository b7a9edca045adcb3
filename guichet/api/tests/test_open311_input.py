"""Open311: what a client may send (text, media_url, email, query parameters) and what the XML
documents may carry, on SQLite and PostgreSQL. XML is read back with expat, a strict parser:
one forbidden character and the whole document is refused."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guichet.cases.models import Case
from guichet.reports.models import Report
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE

from .conftest import as_text, assert_valid, xml_data
from .test_open311 import BASE, post

CONTROL = ["\x00", "\x01", "\x0b", "\x1b"]


def error_of(response, fmt):
    """The single error of an Open311 error document, after checking its type."""
    if fmt == "xml":
        assert response["Content-Type"] == "text/xml"
        [error] = xml_data(response.content)
    else:
        assert response["Content-Type"] == "application/json"
        [error] = response.json()
    assert str(error["code"]) == str(response.status_code)
    return error


def strict_xml(response):
    assert response["Content-Type"] == "text/xml"
    return ET.fromstring(response.content)  # expat raises on anything not well-formed


# --- Control characters ------------------------------------------------------------------

@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize("field", ["description", "first_name", "address_string",
                                   "attribute[taille]", "api_key", "service_code"])
def test_characters_xml_forbids_are_refused_in_any_field(client, territory, pothole, api_key,
                                                         char, field):
    for fmt in ("json", "xml"):
        value = {"api_key": api_key.key, "service_code": "nid-de-poule",
                 "attribute[taille]": "grand"}.get(field, "Trou") + char
        response = post(client, api_key, fmt=fmt, **{field: value})
        assert response.status_code == 400
        error = error_of(response, fmt)
        assert field in error["description"]
        assert f"U+{ord(char):04X}" in error["description"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("char", CONTROL)
def test_characters_xml_forbids_are_refused_in_query_parameters(client, territory, char):
    for name in ("service_code", "service_request_id", "start_date", "status",
                 "jurisdiction_id"):
        for fmt in ("json", "xml"):
            response = client.get(f"{BASE}/requests.{fmt}", {name: f"x{char}"})
            assert response.status_code == 400
            assert name in error_of(response, fmt)["description"]


def test_tabs_and_line_breaks_stay_in_a_description(client, territory, pothole, api_key):
    response = post(client, api_key, description="Trou\tprofond\nrue Foch")
    assert response.status_code == 200
    [created] = response.json()
    assert Case.objects.get(reference=created["service_request_id"]).report.description == \
        "Trou\tprofond\nrue Foch"


def test_xml_never_carries_a_forbidden_character_whatever_the_database_holds(
        client, territory, pothole):
    """Another channel stored control characters: the XML drops them, the JSON escapes them."""
    case = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1],
                         description="Trou\x01 pro\x0bfond\x1b\ufffe", address="rue\x0c Foch",
                         name="X", email="x@exemple.fr", answers={"taille": "petit"})
    pothole.description = "Chaussée\x02 abîmée"
    pothole.save()
    for path in ("requests", f"requests/{case.reference}"):
        root = strict_xml(client.get(f"{BASE}/{path}.xml"))
        assert root.find("request/description").text == "Trou profond"
        assert root.find("request/address").text.startswith("rue Foch")
        as_json = client.get(f"{BASE}/{path}.json").json()
        assert_valid(as_json, "requests.json")
        assert as_json[0]["description"] == "Trou\x01 pro\x0bfond\x1b\ufffe"
    services = strict_xml(client.get(f"{BASE}/services.xml"))
    assert services.find("service/description").text == "Chaussée abîmée"


# --- media_url ---------------------------------------------------------------------------

@pytest.mark.parametrize("url, message", [
    ("javascript:alert(1)", "http"),
    ("data:text/html,<script>alert(1)</script>", "http"),
    ("ftp://exemple.fr/photo.jpg", "http"),
    ("//exemple.fr/photo.jpg", "http"),
    ("photo.jpg", "http"),
    ("https://exemple.fr/" + "p" * 500, "500 caractères"),
    ("https://exemple.fr/photo.jpg\nX-Injected: 1", "une seule ligne"),
])
def test_media_url_is_an_http_url_of_500_characters_at_most(client, territory, pothole,
                                                            api_key, url, message):
    for fmt in ("json", "xml"):
        response = post(client, api_key, fmt=fmt, media_url=url)
        assert response.status_code == 400
        error = error_of(response, fmt)
        assert "media_url" in error["description"] and message in error["description"]
    assert not Case.objects.exists()


def test_an_https_media_url_is_kept_and_shown(client, territory, pothole, api_key):
    url = "https://photos.exemple.fr/signalement/1.jpg?taille=grande"
    [created] = post(client, api_key, media_url=url).json()
    [shown] = client.get(f"{BASE}/requests/{created['service_request_id']}.json").json()
    assert_valid(shown, "request.json")
    assert shown["media_url"] == url


def test_a_media_url_stored_before_the_check_is_not_shown(client, territory, pothole, api_key):
    [created] = post(client, api_key).json()
    Report.objects.update(media_url="javascript:alert(1)")
    for fmt in ("json", "xml"):
        body = client.get(f"{BASE}/requests/{created['service_request_id']}.{fmt}").content
        assert b"javascript" not in body


# --- Email and one-line fields -----------------------------------------------------------

@pytest.mark.parametrize("fields, message", [
    ({"email": "pas-une-adresse"}, "email : adresse électronique invalide"),
    ({"email": "leo@"}, "email : adresse électronique invalide"),
    ({"email": "leo martin@exemple.fr"}, "email : adresse électronique invalide"),
    ({"email": "x" * 250 + "@exemple.fr"}, "email : adresse électronique invalide"),
    ({"email": "leo@exemple.fr\r\nBcc: tous@exemple.fr"}, "email : une seule ligne"),
    ({"email": "leo@exemple.fr\n"}, "email : une seule ligne"),
    ({"first_name": "Léo\r\nBcc: tous@exemple.fr"}, "first_name : une seule ligne"),
    ({"last_name": "Martin\n"}, "last_name : une seule ligne"),
    ({"phone": "06 12 34 56 78\r\n"}, "phone : une seule ligne"),
    ({"last_name": "M" * 201}, "200 caractères"),
])
def test_bad_emails_and_line_breaks_in_header_fields_are_refused(client, territory, pothole,
                                                                api_key, fields, message):
    for fmt in ("json", "xml"):
        response = post(client, api_key, fmt=fmt, **fields)
        assert response.status_code == 400
        assert message in error_of(response, fmt)["description"]
    # The test endpoint checks the same.
    response = client.post("/open311/test/v2/requests.json", {
        "api_key": api_key.key, "service_code": "nid-de-poule", "lat": INSIDE[0],
        "long": INSIDE[1], "attribute[taille]": "petit", **fields})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_request_without_email_is_still_accepted(client, territory, pothole, api_key):
    assert post(client, api_key, email=None).status_code == 200


# --- Query parameters --------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "0001-01-04T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-10:00",
    "2026-02-30T00:00:00Z", "2026-11-24T08:00:00+25:00", "2026-13-01", "1899-12-31T00:00:00Z",
    "hier", "2026-11-24T08:00:00Z2", "2" * 400,
])
@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_unparsable_or_out_of_range_dates_are_a_400(client, territory, name, value):
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}", {name: value})
        assert response.status_code == 400
        assert name in error_of(response, fmt)["description"]


def test_dates_within_range_are_accepted(client, territory):
    for params in ({"start_date": "1900-01-01T00:00:00Z", "end_date": "1900-01-02T00:00:00Z"},
                   {"end_date": "8999-12-31T23:00:00+01:00"},
                   {"start_date": "2026-11-24T08:00:00 01:00"}):  # "+" sent unencoded
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200
        assert_valid(response.json(), "requests.json")


def test_too_many_service_codes_is_a_400(client, territory):
    response = client.get(f"{BASE}/requests.json", {"service_code": ",".join(
        f"c{n}" for n in range(101))})
    assert response.status_code == 400 and "100 codes" in response.json()[0]["description"]


PARAMETERS = ["start_date", "end_date", "status", "service_code", "service_request_id",
              "jurisdiction_id", "page", "api_key"]
TRICKY = st.sampled_from(["", ",", ",,,", "open,closed", "nid-de-poule", "0001-01-01",
                          "9999-12-31T23:59:59Z", "2026-11-24T08:00:00Z", "+", " ", "%00",
                          "1e999", "NaN", "-1", "é" * 300, "\ufffe", "\U0001f573"])


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), TRICKY | st.text(max_size=40),
                              max_size=4),
       fmt=st.sampled_from(["json", "xml"]))
def test_any_query_gets_a_document_never_a_500(client, territory, pothole, params, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code in (200, 400, 404)
    if fmt == "xml":
        strict_xml(response)
        document = xml_data(response.content)
    else:
        assert response["Content-Type"] == "application/json"
        document = response.json()
    if response.status_code == 200:
        json_document = client.get(f"{BASE}/requests.json", params).json()
        assert_valid(json_document, "requests.json")
        assert fmt == "json" or document == as_text(json_document)
    else:
        [error] = document
        assert str(error["code"]) == str(response.status_code)


def test_it_checks_ownership(client, territory, pothole, api_key):
    """An error document names the wrong parameter, never echoes what the filer sent."""
    response = post(client, api_key, email="leo.martin@exemple", last_name="Martin\n")
    assert response.status_code == 400
    assert b"leo.martin" not in response.content and b"Martin" not in response.content
