"""Guichet installs as an app: the manifest and the service worker are in place, and with the
network gone a page opens on « Vous êtes hors ligne » instead of the browser's error; the
offline page passes axe at 360 px."""

import pytest

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_offline_a_page_says_so(live_server, browser, epci):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready;
        return registration.active !== null; }""")
    manifest = page.evaluate("""async () => (await fetch(
        document.querySelector('link[rel=manifest]').href)).json()""")
    assert manifest["display"] == "standalone"
    page.reload()  # now controlled by the worker
    context.set_offline(True)
    page.goto(live_server.url + "/contacter/")
    assert page.get_by_role("heading", name="Vous êtes hors ligne").is_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    context.set_offline(False)
    page.goto(live_server.url + "/contacter/")
    assert not page.get_by_role("heading", name="Vous êtes hors ligne").is_visible()
    context.close()
