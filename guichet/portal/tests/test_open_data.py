import csv
import io
import json
from pathlib import Path

from django.urls import reverse

from guichet.cases.models import Status
from guichet.cases.services import case_change_status
from guichet.reports.selectors import OPEN_DATA_FIELDS
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "signalements.schema.json"


def file(category, **answers):
    return report_submit(category=category, lat=INSIDE[0] + 0.000123, lon=INSIDE[1],
                         description="Texte libre à ne pas publier", address="12 rue Foch",
                         name="Marc Blanc", email="marc@exemple.fr", answers=answers)


def test_the_csv_follows_the_documented_schema_and_holds_nothing_personal(client, territory,
                                                                         pothole, agent):
    case = file(pothole, taille="petit")
    case_change_status(case=case, status=Status.RESOLVED, acting_user=agent)
    file(pothole, taille="grand")
    response = client.get(reverse("portal:open_data_csv"))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    schema = json.loads(SCHEMA.read_text())
    assert [f["name"] for f in schema["fields"]] == OPEN_DATA_FIELDS == list(rows[0])
    assert len(rows) == 2
    resolved = next(r for r in rows if r["reference"] == case.reference)
    assert resolved["statut"] == "résolu" and resolved["delai_resolution_jours"] != ""
    assert resolved["latitude"] == f"{INSIDE[0]:.3f}"  # rounded: 0.000123 is gone
    assert resolved["commune_insee"] == territory.insee_code
    for private in ("Marc", "marc@exemple.fr", "Texte libre", "rue Foch"):
        assert private not in body


def test_geojson_export(client, territory, pothole):
    file(pothole, taille="petit")
    response = client.get(reverse("portal:open_data_geojson"))
    data = json.loads(b"".join(response.streaming_content))
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == [round(INSIDE[1], 3), round(INSIDE[0], 3)]
    assert feature["properties"]["categorie_code"] == "nid-de-poule"


def test_it_checks_ownership(client, territory, dumping):
    """Reports of a non-public category are never exported."""
    dumping.is_public = False
    dumping.save()
    file(dumping)
    body = b"".join(client.get(reverse("portal:open_data_csv")).streaming_content).decode()
    assert body.strip().splitlines() == [",".join(OPEN_DATA_FIELDS)]


def test_a_report_not_yet_placed_has_no_coordinates(client, territory, pothole):
    case = report_submit(category=pothole, lat=None, lon=None, commune=territory,
                         address="12 rue Foch", description="Trou", name="Marc Blanc",
                         email="marc@exemple.fr", answers={"taille": "petit"})
    body = b"".join(client.get(reverse("portal:open_data_csv")).streaming_content).decode()
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert (row["reference"], row["latitude"], row["longitude"], row["commune"]) == (
        case.reference, "", "", "Hayange")  # the schema's missing value
    response = client.get(reverse("portal:open_data_geojson"))
    [feature] = json.loads(b"".join(response.streaming_content))["features"]
    assert feature["geometry"] is None and feature["properties"]["reference"] == case.reference
