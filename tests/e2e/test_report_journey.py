"""Issue 4's journey in a browser: a pothole reported by clicking the map, an existing report
followed instead ("moi aussi"), dumping filed and routed to the EPCI's waste unit, then closed
by its agent with an "after" photo. Every page passes axe."""

import io
import re

import pytest
from PIL import Image

from conftest import make_agent
from guichet.cases.models import Case, Status
from guichet.reports.models import Follower, Photo
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE

from .conftest import axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def local_tiles(settings, live_server):
    # No tile server is reached from the tests: a static image stands for every tile.
    settings.MAP_TILE_URL = live_server.url + "/static/leaflet/images/layers.png?{z}/{x}/{y}"


def click_map_centre(page):
    page.locator("#carte").click()  # Playwright clicks the element's centre
    assert page.locator("input[name=lat]").input_value() != ""


def test_report_follow_file_and_close(live_server, page, browser, territory, pothole, dumping,
                                      epci_unit, local_tiles, tmp_path):
    existing = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1],
                             description="Trou devant la boulangerie", name="Voisin",
                             email="voisin@exemple.fr", answers={"taille": "grand"})

    # A pothole: the map click finds the one already reported, the resident follows it.
    page.goto(live_server.url + "/signaler/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nid-de-poule").click()
    click_map_centre(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/details/**")
    assert existing.reference in page.content()
    assert axe_violations(page) == []
    page.get_by_label("Votre adresse électronique").first.fill("alice@exemple.fr")
    page.get_by_role("button", name=re.compile("^Moi aussi")).first.click()
    page.wait_for_url(f"**/signalements/{existing.reference}/")
    assert "vous serez informé" in page.content()
    assert axe_violations(page) == []
    assert Follower.objects.filter(report=existing.report, email="alice@exemple.fr").exists()

    # Dumping: filed, and routed to the EPCI's waste unit.
    page.goto(live_server.url + "/signaler/")
    page.get_by_role("link", name="Dépôt sauvage").click()
    click_map_centre(page)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/details/**")
    field(page, "Décrivez le problème").fill("Un canapé et des sacs au bord du chemin.")
    field(page, "Vos prénom et nom").fill("Alice Durand")
    field(page, "Votre adresse électronique").fill("alice@exemple.fr")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url("**/demande-envoyee/**")
    assert "Déchets" in page.content()
    assert axe_violations(page) == []
    case = Case.objects.get(kind="report", report__category=dumping)
    assert case.unit == epci_unit

    # The waste agent closes it with a photo taken after clearing.
    make_agent("agent.dechets@vf.fr", epci_unit, first_name="Inès", last_name="Roy")
    photo = tmp_path / "apres.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    agent_page = browser.new_context(locale="fr-FR").new_page()
    log_in(agent_page, live_server.url + case.get_backoffice_url(), "agent.dechets@vf.fr")
    assert "Dépôt sauvage" in agent_page.content()
    assert axe_violations(agent_page) == []
    field(agent_page, "Message de clôture à l'usager").fill("Le dépôt a été enlevé ce matin.")
    field(agent_page, "Photo après intervention").set_input_files(str(photo))
    agent_page.get_by_role("button", name="Clore et informer l'usager").click()
    agent_page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.report.photos.filter(kind=Photo.Kind.AFTER).exists()

    page.goto(f"{live_server.url}/signalements/{case.reference}/?statut=tous")
    assert "Photo après intervention" in page.content()
    assert axe_violations(page) == []


def test_agent_route_sheet_and_map(live_server, page, territory, pothole, agent, local_tiles):
    cases = [report_submit(category=pothole, lat=INSIDE[0] + i * 0.001, lon=INSIDE[1],
                           description=f"Trou {i}", address=f"{i} rue Foch", name="X",
                           email="x@exemple.fr", answers={"taille": "petit"})
             for i in range(3)]
    log_in(page, live_server.url + "/agents/", "agent.voirie@hayange.fr")
    assert axe_violations(page) == []
    for case in cases[:2]:
        page.get_by_label(f"Sélectionner {case.reference}").check()
    page.get_by_role("button", name="Feuille de route des signalements").click()
    page.wait_for_url("**/feuille-de-route/**")
    assert "1 rue Foch" in page.content() and "2 rue Foch" not in page.content()
    assert page.locator(".route-number").count() == 2
    assert axe_violations(page) == []
    page.goto(live_server.url + "/agents/carte/")
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.locator(".leaflet-marker-icon").count() == 3
    # The marker images come from the addresses the template gives (hashed names in production),
    # not from Leaflet's guess beside its CSS, and they load.
    from django.templatetags.static import static

    page.wait_for_function("""() => [...document.querySelectorAll('img.leaflet-marker-icon')]
        .every(img => img.complete && img.naturalWidth > 0)""")
    sources = page.eval_on_selector_all("img.leaflet-marker-icon", "els => els.map(e => e.src)")
    assert {src.removeprefix(live_server.url) for src in sources} <= {
        static("leaflet/images/marker-icon.png"), static("leaflet/images/marker-icon-2x.png")}
    assert axe_violations(page) == []


def test_settings_pages_pass_axe(live_server, page, territory, pothole, unit):
    from guichet.accounts.models import Membership

    make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN)
    log_in(page, live_server.url + "/agents/parametres/categories/", "admin@hayange.fr")
    assert "Nid-de-poule" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nouvelle catégorie").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enregistrer la catégorie").click()
    page.wait_for_load_state()
    assert "Ce champ est obligatoire" in page.content()
    assert axe_violations(page) == []
    page.goto(live_server.url + "/agents/parametres/cles-api/")
    field(page, "Application").fill("Appli mairie")
    page.get_by_role("button", name="Créer la clé").click()
    page.wait_for_load_state()
    assert "Clé créée" in page.content()
    assert axe_violations(page) == []
