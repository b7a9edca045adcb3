"""Issue 12's agents' dead ends in a browser: the EPCI's reception agent signs in and lands on
her inbox, records a call for a commune's roads unit, lands on the confirmation with a receipt
and a letter that open; the roads agent transfers a case to a unit he cannot see and comes back
to his inbox with the message. axe on every page."""

import pytest

from conftest import make_agent, make_unit, make_user
from guichet.accounts.models import Membership
from guichet.cases.models import Case

from .conftest import PASSWORD, axe_violations, field, record_phone_call

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, email):
    page.goto(base_url + "/connexion/")
    field(page, "Adresse électronique").fill(email)
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_call_for_another_collectivite_and_a_transfer_out(live_server, page, browser, epci,
                                                           commune, unit, other_unit):
    make_agent("accueil@valdefensch.fr", make_unit(epci, "Accueil"), Membership.Role.RECEPTION,
               first_name="Nadia", last_name="Benali")
    make_agent("agent.voirie@hayange.fr", unit, first_name="Paul", last_name="Lemoine")
    elderly = make_user("g.lefevre@exemple.fr", first_name="Germaine", last_name="Lefèvre")

    # Reception signs in and lands on her inbox, not on the residents' « Mes demandes ».
    sign_in(page, live_server.url, "accueil@valdefensch.fr")
    page.wait_for_url(live_server.url + "/agents/")

    # A call for the commune's roads unit (another collectivité than hers).
    page.goto(f"{live_server.url}/agents/accueil/?compte={elderly.pk}")
    record_phone_call(page, unit="Voirie (Hayange)", subject="Trottoir glissant",
                      request="Des feuilles mortes devant le 4 rue Haute.")
    phoned = Case.objects.get(channel="phone")
    assert phoned.unit == unit and phoned.requester == elderly
    assert page.get_by_role("heading", name="Demande enregistrée").is_visible()
    assert phoned.reference in page.content()
    assert axe_violations(page) == []
    confirmation = page.url

    # The printable receipt opens (a PDF), and so does the letter, which leads back here.
    href = page.get_by_role("link", name="Accusé d'enregistrement à imprimer (PDF)"
                            ).get_attribute("href")
    pdf = page.request.get(live_server.url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.get_by_role("link", name="Courrier d'accusé d'enregistrement").click()
    page.wait_for_url("**/courrier/")
    assert "Germaine Lefèvre" in page.content() and phoned.reference in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Retour à la demande").click()
    page.wait_for_url(confirmation)

    # The case itself is the roads unit's: reception gets the site's own 404 page.
    response = page.goto(live_server.url + phoned.get_backoffice_url())
    assert response.status == 404 and "Page introuvable" in page.content()
    assert axe_violations(page) == []

    # The roads agent sends it on to civil status, which he cannot see: back to his inbox.
    roads = browser.new_context(locale="fr-FR").new_page()
    sign_in(roads, live_server.url, "agent.voirie@hayange.fr")
    roads.wait_for_url(live_server.url + "/agents/")
    roads.goto(live_server.url + phoned.get_backoffice_url())
    roads.get_by_label("Nouveau service").select_option(label="État civil — Hayange")
    field(roads, "Motif du transfert").fill("Relève de l'état civil.")
    roads.get_by_role("button", name="Transférer", exact=True).click()
    roads.wait_for_url(live_server.url + "/agents/")
    assert roads.get_by_text("Demande transférée à État civil.").is_visible()
    assert axe_violations(roads) == []
    phoned.refresh_from_db()
    assert phoned.unit == other_unit
