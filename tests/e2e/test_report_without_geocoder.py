"""Issue 12 in a browser: a resident without JavaScript files a report while the address
service is unreachable (a closed loopback port), choosing the commune when the typed address
does not name it; an agent then places the report on the map. Every page passes axe, at a
phone's width and a desktop's; screenshots go to /tmp/shots-geo/."""

from pathlib import Path

import pytest

from guichet.cases.models import Case

from .conftest import REPORT_CSP, axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-geo")
WIDTHS = [360, 1280]


@pytest.fixture
def local_tiles(settings, live_server):
    # No tile server is reached from the tests: a static image stands for every tile.
    settings.MAP_TILE_URL = live_server.url + "/static/leaflet/images/layers.png?{z}/{x}/{y}"


def new_page(browser, width, csp_violations, *, javascript=True):
    context = browser.new_context(locale="fr-FR", java_script_enabled=javascript,
                                  viewport={"width": width, "height": 800})
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda m: csp_violations.append(m.text) if m.type == "error" and (
        "Content Security Policy" in m.text or "CSP violation" in m.text) else None)
    return page


@pytest.fixture
def csp_violations():
    found = []
    yield found
    assert found == [], "Content-Security-Policy violations"


def shot(page, width, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{width}-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_javascript_unreachable_geocoder_then_placed_by_an_agent(
        live_server, browser, territory, pothole, agent, unit, ban_unreachable, local_tiles,
        csp_violations, width):
    page = new_page(browser, width, csp_violations, javascript=False)
    page.goto(live_server.url + "/signaler/")
    assert axe_violations(page, javascript=False) == []
    page.get_by_role("link", name="Nid-de-poule").click()
    page.wait_for_url("**/signaler/nid-de-poule/")
    assert page.locator("#carte").is_hidden()  # no map without JavaScript
    assert axe_violations(page, javascript=False) == []

    # The address names no commune and the service does not answer: the commune is asked.
    field(page, "Adresse ou repère").fill("12 rue Foch")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    error = page.locator("#id_commune_error")
    assert "Le service de recherche d'adresses ne répond pas" in error.inner_text()
    assert field(page, "Adresse ou repère").input_value() == "12 rue Foch"
    assert "Adresse introuvable" not in page.content()
    assert axe_violations(page, javascript=False) == []
    shot(page, width, "1-commune-demandee")
    field(page, "Commune").select_option(label="Hayange")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/details/**")
    assert "Votre adresse n'a pas pu être localisée sur la carte" in page.content()
    assert axe_violations(page, javascript=False) == []
    shot(page, width, "2-details")

    page.get_by_label("Grand").check()
    field(page, "Décrivez le problème").fill("Un trou profond devant le numéro 12.")
    field(page, "Vos prénom et nom").fill("Alice Durand")
    field(page, "Votre adresse électronique").fill("alice@exemple.fr")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url("**/demande-envoyee/**")
    assert axe_violations(page, javascript=False) == []
    shot(page, width, "3-confirmation")
    case = Case.objects.get(kind="report")
    assert case.unit == unit
    assert (case.report.lat, case.report.address) == (None, "12 rue Foch")

    # The roads agent sees the flag in the inbox and on the case page, and places it: with the
    # map at desktop width, by typing coordinates (without JavaScript) on the phone.
    javascript = width > 360
    agent_page = new_page(browser, width, csp_violations, javascript=javascript)
    log_in(agent_page, live_server.url + "/agents/", "agent.voirie@hayange.fr")
    row = agent_page.get_by_role("row").filter(has_text=case.reference)
    assert "À placer sur la carte" in row.inner_text()
    assert axe_violations(agent_page, javascript=javascript) == []
    shot(agent_page, width, "4-boite-de-reception")
    agent_page.get_by_role("link", name=case.reference).click()
    agent_page.wait_for_url(f"**{case.get_backoffice_url()}")
    assert agent_page.get_by_role("link", name="À placer sur la carte").is_visible()
    assert axe_violations(agent_page, javascript=javascript) == []
    if javascript:
        agent_page.locator("#carte-placer").click()  # the centre of Hayange's outline
        assert field(agent_page, "Latitude").input_value() != ""
    else:
        field(agent_page, "Latitude").fill("49,331")
        field(agent_page, "Longitude").fill("6,052")
    agent_page.locator("#placer").scroll_into_view_if_needed()
    shot(agent_page, width, "5-placer")
    agent_page.get_by_role("button", name="Placer le signalement").click()
    agent_page.wait_for_load_state()
    assert "Le signalement est placé sur la carte." in agent_page.content()
    assert agent_page.get_by_role("link", name="À placer sur la carte").count() == 0
    assert axe_violations(agent_page, javascript=javascript) == []
    shot(agent_page, width, "6-place")
    case.report.refresh_from_db()
    assert not case.report.needs_placing and case.report.commune == territory
    assert abs(case.report.lat - 49.33) < 0.02 and abs(case.report.lon - 6.05) < 0.02
    page.context.close()
    agent_page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_javascript_unknown_address_is_explained(live_server, browser, territory, pothole,
                                                    ban, csp_violations, width):
    page = new_page(browser, width, csp_violations, javascript=False)
    page.goto(live_server.url + "/signaler/nid-de-poule/")
    field(page, "Adresse ou repère").fill("3 chemin des Oubliés, Hayange")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    error = page.locator("#id_address_error")
    assert "Nous n'avons pas trouvé cette adresse. Vérifiez-la" in error.inner_text()
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link").first.get_attribute("href") == "#id_address"
    assert axe_violations(page, javascript=False) == []
    shot(page, width, "7-adresse-inconnue")
    field(page, "Commune").select_option(label="Hayange")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/details/**")
    assert "3 chemin des Oubliés, Hayange, Hayange" in page.content()
    page.context.close()
