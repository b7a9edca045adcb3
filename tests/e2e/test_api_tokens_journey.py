"""An administrator creates a REST API token for the GED, copies its secret, the GED reads a
case with it, the administrator revokes it. The pages pass axe at 360 px and 1280 px; the
interactive API documentation loads under the Content-Security-Policy."""

import re
from pathlib import Path

import pytest
from django.test import Client

from conftest import make_agent
from guichet.accounts.models import Membership

from .conftest import REPORT_CSP, axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-api")


@pytest.mark.parametrize("width", [360, 1280])
def test_create_use_and_revoke_a_token(live_server, browser, unit, agent, case, width):
    admin = make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN, first_name="Hélène",
                       last_name="Marchal")
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "CSP violation" in m.text else None)
    log_in(page, live_server.url + "/agents/api/", admin.email)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nouveau jeton").click()
    page.get_by_role("button", name="Créer le jeton").click()
    assert page.get_by_role("heading", name="Le formulaire contient 3 erreurs").is_visible()
    assert axe_violations(page) == []
    field(page, "Application").fill("GED du courrier")
    page.get_by_label("Agit pour l'agent").select_option(label=f"Paul Lemoine ({agent.email})")
    page.get_by_label("Lire les demandes et leur historique").check()
    page.get_by_role("button", name="Créer le jeton").click()
    shown = page.locator("code", has_text="gch_").inner_text()
    secret = re.search(r"gch_[0-9a-f]+_[\w-]+", shown).group(0)
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"created-{width}.png"), full_page=True)

    ged = Client()
    answer = ged.get(f"/api/v1/cases/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200 and answer.json()["subject"] == case.subject

    page.get_by_role("link", name="Retour aux jetons").click()
    assert "GED du courrier" in page.content()
    page.get_by_role("button", name="Révoquer le jeton de GED du courrier").click()
    assert "est révoqué" in page.content()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"list-{width}.png"), full_page=True)
    assert ged.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401

    page.goto(live_server.url + "/api/v1/docs")
    page.get_by_text("API Guichet").first.wait_for()
    page.screenshot(path=str(SHOTS / f"docs-{width}.png"))
    assert [m for m in csp if "script" in m] == []
    context.close()
