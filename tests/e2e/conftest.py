"""Browser journeys: Playwright driving Debian's chromium, axe-core injected from node_modules."""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        yield browser
        browser.close()


# Every page is under a Content-Security-Policy: a journey fails on any violation, which the
# browser reports on its console.
REPORT_CSP = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI); });"""


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """The rate limits count in a table of the database that the test database keeps between
    journeys (it is no model, so no flush empties it): every journey signs in from 127.0.0.1,
    and thirty of them would find the login limit reached. Each journey starts with none."""
    if "live_server" in request.fixturenames:
        from django.core.cache import caches

        request.getfixturevalue("live_server")
        caches["ratelimit"].clear()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if m.type == "error" and (
        "Content Security Policy" in m.text or "CSP violation" in m.text) else None)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations"


def _run_axe(page):
    # Evaluated through the DevTools protocol: an injected <script> would be (rightly) refused
    # by the page's Content-Security-Policy.
    page.evaluate(AXE.read_text())
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def axe_violations(page, *, javascript=True):
    """axe-core's WCAG 2.1 A/AA violations of the page. For a page whose context has
    JavaScript off, say so: axe needs timers, which do not run there, so the page as the user
    sees it is checked in a twin page: the same HTML at the same address, with its scripts
    taken out and what <noscript> holds shown."""
    if javascript:
        return _run_axe(page)
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S | re.I)
    html = html.replace("<noscript>", "<div>").replace("</noscript>", "</div>")
    context = page.context.browser.new_context(locale="fr-FR", viewport=page.viewport_size)
    try:
        twin = context.new_page()
        url = page.url
        twin.route(lambda address: address == url,
                   lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        twin.goto(url)
        return _run_axe(twin)
    finally:
        context.close()


PASSWORD = "motdepasse-solide-42"


def field(page, label: str):
    """The field whose label is `label`, with or without the « (obligatoire) » mark."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(obligatoire\))?$"))


def log_in(page, url: str, email: str):
    """Open a protected page, sign in on the login form it leads to, land back on it."""
    page.goto(url)
    assert "/connexion/" in page.url
    field(page, "Adresse électronique").fill(email)
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(url)


def record_phone_call(page, *, unit: str, subject: str, request: str):
    """On reception's form for a resident already chosen: a phone call for `unit`, recorded,
    landing on the confirmation page."""
    page.get_by_label("Téléphone", exact=True).first.check()
    page.get_by_label("Service chargé de la demande").select_option(label=unit)
    field(page, "Objet").fill(subject)
    field(page, "Ce que demande l'usager").fill(request)
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.wait_for_url("**/agents/accueil/demandes/**")
