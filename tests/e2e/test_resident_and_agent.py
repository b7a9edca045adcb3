"""The whole first journey in a browser: the resident's space, an agent answering from the
back-office, every page checked with axe, forms used with the keyboard, and without JavaScript."""


import pytest

from .conftest import PASSWORD, axe_violations, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def tab_to(page, label: str, limit: int = 60):
    """Press Tab until the field labelled `label` has the focus, as a keyboard user would."""
    target = field(page, label)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"« {label} » n'est pas atteignable au clavier")


def keyboard_log_in(page, url, email):
    """Reach a protected page, get the login form, fill it with the keyboard."""
    page.goto(url)
    assert "/connexion/" in page.url
    tab_to(page, "Adresse électronique")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url)


def test_login_page_passes_axe_with_and_without_errors(live_server, page, resident):
    page.goto(live_server.url + "/connexion/")
    assert axe_violations(page) == []
    field(page, "Adresse électronique").fill("alice@exemple.fr")
    field(page, "Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    assert "incorrect" in page.content()
    assert axe_violations(page) == []


def test_resident_space_and_case_page(live_server, page, resident, case):
    keyboard_log_in(page, live_server.url + "/mes-demandes/", "alice@exemple.fr")
    assert case.reference in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name=case.subject).click()  # each case is headed by its subject
    assert "Nid-de-poule rue Foch" in page.content()
    assert axe_violations(page) == []
    tab_to(page, "Votre message")
    page.keyboard.type("Le trou s'agrandit.")
    page.get_by_role("button", name="Envoyer").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Votre message a été envoyé au service." in page.content()
    assert "Le trou s&#x27;agrandit." in page.content() or "Le trou s'agrandit." in page.content()


def test_agent_answers_from_the_back_office(live_server, browser, page, agent, resident, case):
    keyboard_log_in(page, live_server.url + "/agents/", "agent.voirie@hayange.fr")
    assert case.reference in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name=case.reference).click()
    assert "Un trou profond devant le 12." in page.content()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Envoyer la réponse").click()  # empty: errors shown
    assert "Ce champ est obligatoire" in page.content()
    assert axe_violations(page) == []

    tab_to(page, "Message à l'usager")
    page.keyboard.type("Une équipe passe jeudi matin.")
    page.get_by_role("button", name="Envoyer la réponse").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Votre réponse a été envoyée à l&#x27;usager." in page.content() or \
        "Votre réponse a été envoyée à l'usager." in page.content()

    resident_page = browser.new_context(locale="fr-FR").new_page()
    keyboard_log_in(resident_page, live_server.url + case.get_absolute_url(), "alice@exemple.fr")
    assert "Une équipe passe jeudi matin." in resident_page.content()
    assert "Paul Lemoine" in resident_page.content()


def test_everything_works_without_javascript(live_server, browser, unit, agent):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/collectivites/{unit.organisation.slug}/services/{unit.slug}/"
              "ecrire/")
    field(page, "Objet").fill("Banc cassé")
    field(page, "Votre message").fill("Square Gambetta.")
    field(page, "Vos prénom et nom").fill("Marc Blanc")
    field(page, "Votre adresse électronique").fill("marc@exemple.fr")
    page.get_by_role("button", name="Envoyer").click()
    assert "HAY-" in page.content()
    reference = page.locator("strong", has_text="HAY-").first.inner_text()

    agent_page = browser.new_context(locale="fr-FR", java_script_enabled=False).new_page()
    keyboard_log_in(agent_page, live_server.url + "/agents/", "agent.voirie@hayange.fr")
    agent_page.get_by_role("link", name=reference).click()
    field(agent_page, "Message à l'usager").fill("Réparé demain.")
    agent_page.get_by_role("button", name="Envoyer la réponse").click()
    assert "Réparé demain." in agent_page.content()
    context.close()
