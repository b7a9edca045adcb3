from django.urls import reverse

from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE


def test_the_map_lists_open_reports_of_the_units(client, territory, pothole, agent):
    pothole.is_public = False  # agents see private categories too
    pothole.save()
    case = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                         address="12 rue Foch", name="X", email="x@exemple.fr",
                         answers={"taille": "petit"})
    client.force_login(agent)
    assert "1 signalement ouvert" in client.get(reverse("backoffice:reports_map")).content.decode()
    [feature] = client.get(reverse("backoffice:reports_geojson")).json()["features"]
    assert feature["properties"]["reference"] == case.reference
    assert feature["properties"]["url"] == case.get_backoffice_url()


def test_it_checks_ownership(client, territory, dumping, agent, resident):
    report_submit(category=dumping, lat=INSIDE[0], lon=INSIDE[1], description="Sacs",
                  name="X", email="x@exemple.fr")
    client.force_login(agent)
    assert client.get(reverse("backoffice:reports_geojson")).json()["features"] == []
    client.force_login(resident)
    assert client.get(reverse("backoffice:reports_geojson")).status_code == 403
