"""Placing on the map a report filed without a position: the flag on the case page, in the
inbox and beside the map, and the agent's action (coordinates, a click on the map, or the
address searched again), which re-checks the routing by the commune outlines."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet.cases.models import Event
from guichet.journal.models import Entry
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import IN_FLORANGE, INSIDE, OUTSIDE

FLAG = "À placer sur la carte"


def unplaced(category, commune, address="12 rue Foch"):
    return report_submit(category=category, lat=None, lon=None, commune=commune,
                         address=address, description="Trou", name="Marc Blanc",
                         email="marc@exemple.fr", answers={"taille": "petit"})


def place_url(case):
    return reverse("backoffice:case_report_place", args=[case.reference])


def test_the_case_page_flags_the_report_and_offers_to_place_it(client, territory, pothole,
                                                               agent):
    case = unplaced(pothole, territory)
    client.force_login(agent)
    html = client.get(case.get_backoffice_url()).content.decode()
    assert f'<a href="#placer" class="badge badge--to-place">{FLAG}</a>' in html
    assert "Position inconnue" in html and "Voir sur OpenStreetMap" not in html
    assert 'rattaché à Hayange' in html
    assert place_url(case) in html and "Placer le signalement" in html
    assert 'data-map-picker' in html and 'data-lat-input="id_place-lat"' in html
    assert 'value="12 rue Foch"' in html  # the typed address, ready to be searched again


def test_the_inbox_and_the_map_page_show_what_is_to_place(client, territory, pothole, agent):
    waiting = unplaced(pothole, territory)
    placed = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                           name="X", email="x@exemple.fr", answers={"taille": "petit"})
    client.force_login(agent)
    inbox = reverse("backoffice:inbox")
    html = client.get(inbox).content.decode()
    row = html[html.index(f">{waiting.reference}</a>"):]
    assert row[:200].count(FLAG) == 1
    assert html.count(f'badge--to-place">{FLAG}') == 1
    filtered = client.get(inbox, {"to_place": "on"}).content.decode()
    assert waiting.reference in filtered and placed.reference not in filtered
    map_page = client.get(reverse("backoffice:reports_map")).content.decode()
    assert "1 signalement ouvert sans position ne figure pas sur la carte" in map_page
    [feature] = client.get(reverse("backoffice:reports_geojson")).json()["features"]
    assert feature["properties"]["reference"] == placed.reference


def test_the_inbox_reads_the_flag_without_a_query_per_row(client, territory, pothole, agent):
    client.force_login(agent)
    unplaced(pothole, territory)
    client.get(reverse("backoffice:inbox"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("backoffice:inbox"))
    for _ in range(4):
        unplaced(pothole, territory)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("backoffice:inbox"))
    assert len(five) == len(one)


def test_placing_by_coordinates_is_journaled(client, territory, pothole, agent, unit):
    case = unplaced(pothole, territory)
    client.force_login(agent)
    response = client.post(place_url(case), {"place-lat": "49,331", "place-lon": "6,052",
                                             "place-address": "12 rue Foch"}, follow=True)
    assert response.redirect_chain[-1][0] == case.get_backoffice_url()
    html = response.content.decode()
    assert "Le signalement est placé sur la carte." in html
    assert f'badge--to-place">{FLAG}' not in html and "Corriger la position" in html
    report = case.report
    report.refresh_from_db()
    assert (report.lat, report.lon, report.needs_placing) == (49.331, 6.052, False)
    case.refresh_from_db()
    assert case.unit == unit
    assert "placé sur la carte : 49,331000 ; 6,052000, à Hayange" in \
        case.events.get(kind=Event.Kind.INTERNAL_NOTE).body
    assert Entry.objects.filter(action=Entry.Action.CASE_UPDATED, case=case, actor=agent,
                                details__placed=True).exists()


def test_placing_by_the_address_searched_again(client, territory, pothole, agent, ban):
    case = unplaced(pothole, territory, address="12 rue Foch Hayange")
    client.force_login(agent)
    response = client.post(place_url(case), {"place-address": "12 rue Foch Hayange"})
    assert response.status_code == 302
    case.report.refresh_from_db()
    assert (case.report.lat, case.report.lon) == (49.33, 6.05)
    assert case.report.address == "12 Rue Foch 57700 Hayange"


def test_bad_input_is_explained_and_kept(client, territory, pothole, agent, ban_unreachable):
    case = unplaced(pothole, territory)
    client.force_login(agent)
    url = place_url(case)
    response = client.post(url, {"place-lat": "49°20'N", "place-lon": "6,05"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Indiquez la latitude en degrés décimaux" in html and 'value="49°20&#x27;N"' in html
    assert 'href="#id_place-lat"' in html
    html = client.post(url, {"place-lat": "49,33", "place-lon": ""}).content.decode()
    assert "Indiquez la latitude et la longitude" in html
    html = client.post(url, {"place-address": "12 rue Foch"}).content.decode()
    assert "Le service de recherche d&#x27;adresses ne répond pas" in html
    html = client.post(url, {"place-lat": OUTSIDE[0], "place-lon": OUTSIDE[1]}).content.decode()
    assert "en dehors du territoire" in html
    case.report.refresh_from_db()
    assert case.report.needs_placing


def test_placing_in_another_commune_sends_it_to_its_unit(client, territory, pothole, agent,
                                                         florange_roads):
    case = unplaced(pothole, territory, address="8 rue de Hayange")
    client.force_login(agent)
    response = client.post(place_url(case), {"place-lat": IN_FLORANGE[0],
                                             "place-lon": IN_FLORANGE[1]}, follow=True)
    # The Hayange roads agent no longer handles it: back to the inbox, told where it went.
    assert response.redirect_chain[-1][0] == reverse("backoffice:inbox")
    assert "à Florange : il est transféré à Voirie de Florange (Florange)" in \
        response.content.decode()
    case.refresh_from_db()
    assert case.unit == florange_roads and case.report.commune.name == "Florange"
    assert client.get(case.get_backoffice_url()).status_code == 404


def test_it_checks_ownership(client, territory, pothole, dumping, agent, other_agent):
    """Only the agents of the report's unit may place it."""
    case = unplaced(pothole, territory)
    waste = unplaced(dumping, territory)
    data = {"place-lat": INSIDE[0], "place-lon": INSIDE[1]}
    client.force_login(other_agent)
    assert client.post(place_url(case), data).status_code == 404
    client.force_login(agent)
    assert client.post(place_url(waste), data).status_code == 404
    for report in (case.report, waste.report):
        report.refresh_from_db()
        assert report.needs_placing
