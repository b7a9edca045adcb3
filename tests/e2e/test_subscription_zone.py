"""A resident draws her district on the map instead of typing an address; the zone is kept,
listed with her subscriptions, and the page passes axe with the map shown, at 360 px and
1280 px. With JavaScript off the map stays hidden and the address does the job."""

from pathlib import Path

import pytest
from django.utils import timezone

from guichet.news.models import Subscription

from .conftest import axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-news")


@pytest.mark.parametrize("width", [360, 1280])
def test_drawing_a_zone_on_the_map(live_server, browser, resident, commune, width):
    resident.email_verified_at = timezone.now()
    resident.save()
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url + "/compte/notifications/", resident.email)
    page.goto(live_server.url + "/abonnements/nouveau/")
    zone = page.locator("#carte-zone")
    zone.scroll_into_view_if_needed()
    assert zone.is_visible()
    assert page.locator("#zone-etat").inner_text() == "Aucune zone tracée."
    box = zone.bounding_box()
    for dx, dy in ((0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    page.get_by_role("button", name="Retirer le dernier point").click()
    assert page.locator("#zone-etat").inner_text() == "Zone tracée : 3 points."
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"zone-{width}.png"), full_page=True)
    page.get_by_label("Dans mon espace seulement").check()
    page.get_by_role("button", name="M'abonner").click()
    page.wait_for_url("**/abonnements/")
    assert "Zone tracée sur la carte (3 points)" in page.content()
    sub = Subscription.objects.get(user=resident)
    assert len(sub.area["coordinates"][0]) == 4 and sub.radius_m > 0
    context.close()


def test_without_javascript_the_map_stays_hidden(live_server, browser, resident):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/abonnements/nouveau/")
    assert not page.locator("#carte-zone").is_visible()
    assert page.get_by_label("Ma rue ou mon adresse").is_visible()
    context.close()


def test_an_agent_draws_the_area_of_an_alert(live_server, browser, communicator, commune):
    from guichet.news.models import Alert

    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url + "/agents/communication/", communicator.email)
    page.get_by_role("link", name="Nouvelle alerte").click()
    field(page, "Collectivité").select_option(label=commune.name)
    page.get_by_label("Travaux").check()
    field(page, "Titre").fill("Travaux place de la Mairie")
    field(page, "Description").fill("Place fermée.")
    field(page, "Début").fill("2026-01-01T08:00")
    field(page, "Fin").fill("2099-01-01T18:00")
    zone = page.locator("#carte-zone")
    zone.scroll_into_view_if_needed()
    box = zone.bounding_box()
    for dx, dy in ((0.3, 0.3), (0.7, 0.3), (0.5, 0.7)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    assert '"type":"Polygon"' in page.locator("textarea[name=geojson]").input_value()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/communication/alertes/*/")
    alert = Alert.objects.get(title="Travaux place de la Mairie")
    assert alert.geojson["type"] == "Polygon" and len(alert.geojson["coordinates"][0]) == 4
    context.close()
