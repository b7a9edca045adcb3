"""The place step of a report when only the typed address is posted (no JavaScript, so no map
point): the address service (a BAN-like server on loopback) finds it, does not know it, or
cannot be used; then the details step and the report filed without a position."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from guichet.cases.models import Case
from guichet.reports.models import Report
from guichet.reports.tests.fixtures import INSIDE

LOCATION = reverse("portal:report_location", args=["nid-de-poule"])
DETAILS = {"description": "Énorme trou", "q_taille": "grand", "name": "Marc Blanc",
           "email": "marc@exemple.fr"}


def query_of(response) -> dict:
    assert response.status_code == 302, response.content.decode()[:2000]
    url = urlparse(response["Location"])
    assert url.path == reverse("portal:report_details", args=["nid-de-poule"])
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def test_a_found_address_gives_the_point(client, territory, pothole, ban):
    query = query_of(client.post(LOCATION, {"address": "12 rue Foch, Hayange"}))
    assert (query["lat"], query["lon"]) == ("49.330000", "6.050000")
    assert query["adresse"] == "12 Rue Foch 57700 Hayange"


def test_a_point_from_the_map_needs_no_address_service(client, territory, pothole,
                                                       ban_unreachable):
    query = query_of(client.post(LOCATION, {"address": "", "lat": INSIDE[0],
                                            "lon": INSIDE[1]}))
    assert query["lat"] == "49.330000"


def test_an_unknown_address_is_explained_next_to_the_field(client, territory, pothole, ban):
    response = client.post(LOCATION, {"address": "3 chemin des Oubliés, Hayange"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nous n&#x27;avons pas trouvé cette adresse. Vérifiez-la ou placez le point" in html
    assert 'id="id_address_error"' in html  # next to the field, and in the summary
    assert 'href="#id_address"' in html
    assert 'value="3 chemin des Oubliés, Hayange"' in html
    assert '<select name="commune"' in html and ">Hayange</option>" in html
    assert "Adresse introuvable" not in html
    assert not Report.objects.exists()


def test_an_unknown_address_is_sent_as_is_once_the_commune_is_chosen(client, territory,
                                                                     pothole, ban):
    query = query_of(client.post(LOCATION, {"address": "Derrière le stade",
                                            "commune": "hayange"}))
    assert query == {"commune": "hayange", "adresse": "Derrière le stade"}


@pytest.mark.parametrize("address", [
    "12 rue de la panne, 57700 Hayange",  # the service answers 500
    "12 rue lente, Hayange",  # it answers after the timeout
    "3 impasse de la casse, Hayange",  # it answers HTML
])
def test_a_failing_service_keeps_the_typed_address(client, territory, pothole, ban, settings,
                                                  address):
    settings.GEOCODER_TIMEOUT = 0.3
    query = query_of(client.post(LOCATION, {"address": address}))
    assert query == {"commune": "hayange", "adresse": address}


def test_an_unreachable_service_routes_by_the_postcode(client, territory, pothole,
                                                      florange_roads, ban_unreachable):
    query = query_of(client.post(LOCATION, {"address": "8 rue de la Gare 57190"}))
    assert query == {"commune": "florange", "adresse": "8 rue de la Gare 57190"}


def test_a_turned_off_service_routes_by_the_commune_name(client, territory, pothole,
                                                        florange_roads, settings):
    settings.GEOCODER_URL = ""
    query = query_of(client.post(LOCATION, {"address": "2 rue de Florange, hayange"}))
    assert query["commune"] == "hayange"  # the commune comes last in a French address


def test_without_the_service_nor_a_commune_the_resident_chooses_it(client, territory, pothole,
                                                                  florange_roads,
                                                                  ban_unreachable):
    response = client.post(LOCATION, {"address": "12 rue Foch"})
    html = response.content.decode()
    assert "Le service de recherche d&#x27;adresses ne répond pas" in html
    assert 'id="id_commune_error"' in html and 'href="#id_commune"' in html
    assert 'value="12 rue Foch"' in html
    assert ">Florange</option>" in html and ">Hayange</option>" in html
    query = query_of(client.post(LOCATION, {"address": "12 rue Foch", "commune": "florange"}))
    assert query == {"commune": "florange", "adresse": "12 rue Foch"}
    html = client.post(LOCATION, {"address": "12 rue Foch", "commune": "paris"}).content.decode()
    assert 'id="id_commune_error"' in html


def test_the_report_is_filed_without_a_position_and_routed_by_the_commune(
        client, territory, pothole, unit, ban_unreachable, deliver):
    query = query_of(client.post(LOCATION, {"address": "12 rue Foch, 57700 Hayange"}))
    url = reverse("portal:report_details", args=["nid-de-poule"]) + "?" + \
        "&".join(f"{k}={v}" for k, v in query.items())
    html = client.get(url).content.decode()
    assert "Votre adresse n'a pas pu être localisée sur la carte" in html
    assert "12 rue Foch, 57700 Hayange, Hayange" in html
    response = client.post(url, DETAILS)
    case = Case.objects.get()
    assert response["Location"] == reverse("portal:confirmation", args=[case.token])
    report = case.report
    assert (report.lat, report.lon, report.commune, report.address) == (
        None, None, territory, "12 rue Foch, 57700 Hayange")
    assert report.needs_placing
    assert case.unit == unit
    assert deliver()[0].to == ["marc@exemple.fr"]


def test_a_details_address_without_a_known_commune_goes_back_to_the_place(client, territory,
                                                                         pothole):
    details = reverse("portal:report_details", args=["nid-de-poule"])
    for query in ("?commune=paris&adresse=x", "?commune=hayange&adresse="):
        assert client.get(details + query)["Location"] == LOCATION


def test_it_checks_ownership(client, territory, pothole, ban_unreachable, agent, other_agent):
    """A report without a position is public without its filer, and reaches only the agents
    of the unit its commune routes it to."""
    client.post(reverse("portal:report_details", args=["nid-de-poule"])
                + "?commune=hayange&adresse=12+rue+Foch", DETAILS)
    case = Case.objects.get()
    public = client.get(reverse("portal:public_report", args=[case.reference])).content.decode()
    assert "12 rue Foch" in public and "Marc" not in public
    assert client.get(reverse("portal:public_reports_geojson")).json()["features"] == []
    client.force_login(other_agent)
    assert client.get(case.get_backoffice_url()).status_code == 404
    client.force_login(agent)
    assert client.get(case.get_backoffice_url()).status_code == 200
