"""A commune with an outline, its EPCI holding waste, and two report categories."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guichet.organisations.models import Competence
from guichet.organisations.services import boundary_set
from guichet.reports.models import Category

# Hayange: a square of about 7 km by 11 km.
HAYANGE = {"type": "Polygon", "coordinates": [
    [[6.00, 49.30], [6.10, 49.30], [6.10, 49.36], [6.00, 49.36], [6.00, 49.30]]]}
INSIDE = (49.33, 6.05)
OUTSIDE = (48.85, 2.35)  # Paris
# Florange, next to it in the same EPCI, with its own roads unit.
FLORANGE = {"type": "Polygon", "coordinates": [
    [[6.10, 49.30], [6.20, 49.30], [6.20, 49.36], [6.10, 49.36], [6.10, 49.30]]]}
IN_FLORANGE = (49.33, 6.15)


@pytest.fixture
def territory(commune, unit, epci_unit):
    commune.postcodes = "57700"
    commune.save(update_fields=["postcodes"])
    boundary_set(organisation=commune, geojson=HAYANGE)
    Competence.objects.create(organisation=commune, topic="voirie", label="Voirie", unit=unit)
    Competence.objects.create(organisation=epci_unit.organisation, topic="dechets",
                              label="Déchets", unit=epci_unit)
    return commune


@pytest.fixture
def florange_roads(territory, epci):
    """Florange (57190) and its roads unit, beside Hayange in the same EPCI."""
    from conftest import make_org, make_unit

    florange = make_org("Florange", prefix="FLO", insee="57221", epci=epci)
    florange.postcodes = "57190"
    florange.save(update_fields=["postcodes"])
    boundary_set(organisation=florange, geojson=FLORANGE)
    unit = make_unit(florange, "Voirie de Florange")
    Competence.objects.create(organisation=florange, topic="voirie", label="Voirie", unit=unit)
    return unit


@pytest.fixture
def roads(db):
    return Category.objects.create(name="Voirie", service_code="voirie")


@pytest.fixture
def pothole(roads):
    return Category.objects.create(
        parent=roads, name="Nid-de-poule", service_code="nid-de-poule",
        competence_topic="voirie", first_response_hours=24, resolution_hours=72,
        questions=[{"code": "taille", "label": "Taille du trou", "datatype": "singlevaluelist",
                    "required": True, "order": 1,
                    "values": [{"key": "petit", "name": "Petit"}, {"key": "grand",
                                                                     "name": "Grand"}]}])


@pytest.fixture
def dumping(db):
    cleanliness = Category.objects.create(name="Propreté", service_code="proprete")
    return Category.objects.create(
        parent=cleanliness, name="Dépôt sauvage", service_code="depot-sauvage",
        competence_topic="dechets", moderate_photos=True,
        questions=[{"code": "volume", "label": "Volume estimé (m³)", "datatype": "number",
                    "required": False, "order": 1}])


def jpeg(name="photo.jpg", size=(800, 600)):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, "grey")
    exif = Image.Exif()
    exif[0xA431] = "SERIAL-987"
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
