"""A resident writes to a unit: every page passes axe, the form works with the keyboard."""

import pytest

from .conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_and_contact_form_pass_axe(live_server, page, unit):
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/collectivites/{unit.organisation.slug}/services/{unit.slug}/"
              "ecrire/")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").first.click()
    assert page.get_by_role("heading", name="Le formulaire contient 4 erreurs").is_visible()
    assert axe_violations(page) == []


def test_contact_journey_with_the_keyboard(live_server, page, unit):
    page.goto(f"{live_server.url}/collectivites/{unit.organisation.slug}/services/{unit.slug}/"
              "ecrire/")
    page.get_by_label("Objet").focus()
    page.keyboard.type("Trottoir abîmé")
    page.keyboard.press("Tab")
    page.keyboard.type("Devant le 4 rue Foch.")
    page.get_by_label("Vos prénom et nom").focus()
    page.keyboard.type("Marc Blanc")
    page.keyboard.press("Tab")
    page.keyboard.type("marc@exemple.fr")
    page.keyboard.press("Enter")
    page.wait_for_url("**/demande-envoyee/**")
    assert "HAY-" in page.content()
    assert axe_violations(page) == []
