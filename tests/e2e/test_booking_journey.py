"""Issue 5's journey in a browser: a passport appointment booked, its .ics and reminder
received, cancelled from the email's link; two children registered on a full event's waiting
list and offered a place when one cancels; a hall booked and paid through the test provider,
with the receipt; the agent sees it all. axe on every page."""

import re

import pytest
from django.core import mail

from guichet.appointments.services import appointments_send_reminders
from guichet.appointments.tests.fixtures import next_working_day
from guichet.bookings.models import Registration
from guichet.bookings.services import event_cancel, event_register
from guichet.cases.models import Case
from guichet.notifications.services import notifications_deliver_due

from .conftest import axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def emails_to(address, subject_part):
    notifications_deliver_due()
    return [m for m in mail.outbox if address in m.to and subject_part in m.subject]


def path_in(message, live_server):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_book_cancel_wait_and_pay(live_server, page, browser, passport, workshop, hall,
                                  resident, other_agent, agent, settings):
    settings.SITE_URL = live_server.url
    settings.APPOINTMENT_REMINDER_HOURS = [24 * 90]  # so that the reminder is due at once
    day = next_working_day()
    log_in(page, live_server.url + "/mon-profil/", "alice@exemple.fr")

    # A passport appointment.
    page.goto(live_server.url + "/rendez-vous/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Passeport").click()
    assert "Prochain créneau disponible" in page.content()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/rendez-vous/titres/passeport/?semaine={day.isoformat()}")
    page.get_by_role("link", name=re.compile(r"^10:00 le ")).first.click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    page.wait_for_url("**/demande-envoyee/**")
    assert "Ajouter le rendez-vous à mon agenda" in page.content()
    assert axe_violations(page) == []
    [confirmation] = emails_to("alice@exemple.fr", "Rendez-vous confirmé")
    assert confirmation.attachments[0][0] == "rendez-vous.ics"
    assert appointments_send_reminders() == 1
    assert emails_to("alice@exemple.fr", "Rappel")
    page.goto(live_server.url + path_in(confirmation, live_server))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Annuler ce rendez-vous").click()
    assert "Votre rendez-vous est annulé" in page.content()
    assert axe_violations(page) == []

    # Two children on a full event's waiting list, then offered a place.
    first = event_register(event=workshop, attendees=[{"name": "A"}, {"name": "B"}],
                           name="Voisin", email="voisin@exemple.fr")
    event_register(event=workshop, attendees=[{"name": "C"}], name="Autre",
                   email="autre@exemple.fr")
    page.goto(f"{live_server.url}/evenements/{workshop.slug}/")
    assert "Complet" in page.content()
    assert axe_violations(page) == []
    field(page, "Enfant 1").fill("Inès Durand")
    field(page, "Enfant 2").fill("Noah Durand")
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    page.wait_for_url("**/inscriptions/**")
    assert "Sur liste d'attente" in page.content()
    assert axe_violations(page) == []
    event_cancel(registration=first.registration)
    [offer] = emails_to("alice@exemple.fr", "Une place s'est libérée")
    page.goto(live_server.url + path_in(offer, live_server))
    page.get_by_role("button", name="Accepter la place").click()
    assert "Votre inscription est confirmée" in page.content()
    mine = Registration.objects.get(case__requester=resident)
    assert mine.status == Registration.Status.CONFIRMED and mine.count == 2

    # A hall booked and paid through the test provider.
    page.goto(f"{live_server.url}/salles/{hall.slug}/")
    assert axe_violations(page) == []
    field(page, "Date").fill(next_working_day(6).isoformat())
    field(page, "De").fill("14:00")
    field(page, "À").fill("18:00")
    page.get_by_label("Habitant de la commune").check()
    field(page, "Pour quoi faire ?").fill("Anniversaire")
    field(page, "Nombre de participants").fill("40")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/paiement/**")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Payer 80,00 €").click()
    page.wait_for_url("**/banque-de-test/")
    page.get_by_role("button", name="Payer", exact=True).click()
    page.wait_for_url("**/retour/")
    assert "Paiement reçu" in page.content()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le reçu (PDF)").click()
    assert download.value.suggested_filename.startswith("recu-")
    assert emails_to("alice@exemple.fr", "Reçu de paiement")

    # « Mes demandes » tells each one's own state, on a computer and on a phone.
    page.goto(live_server.url + "/mes-demandes/")
    cards = {kind: page.locator(".my-case", has_text=text) for kind, text in (
        ("appointment", "Passeport"), ("registration", workshop.title),
        ("hall", hall.name))}
    assert "Rendez-vous annulé" in cards["appointment"].inner_text()
    assert "Inscrit" in cards["registration"].inner_text()
    assert "Gérer mon inscription" in cards["registration"].inner_text()
    assert "Réservation payée" in cards["hall"].inner_text()
    for card in cards.values():
        assert "un agent va la prendre en charge" not in card.inner_text()
        assert "Date annoncée" not in card.inner_text()
    assert axe_violations(page) == []
    assert_logout_in_line(page)
    for width in (320, 360, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert cards["hall"].get_by_text("Réservation payée").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator(".my-case", has_text=workshop.title).get_by_role("link").first.click()
    assert "Inscrit" in page.content()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})  # a long state label wraps
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 800})

    # The agents see it all.
    agent_page = browser.new_context(locale="fr-FR").new_page()
    log_in(agent_page, f"{live_server.url}/agents/rendez-vous/?date={day.isoformat()}",
           "agent.etatcivil@hayange.fr")
    assert "Alice Durand" in agent_page.content() and "Annulé par l'usager" in \
        agent_page.content()
    assert axe_violations(agent_page) == []
    booking = Case.objects.get(kind="booking", facility_booking__isnull=False)
    roads_page = browser.new_context(locale="fr-FR").new_page()
    log_in(roads_page, live_server.url + "/agents/?onglet=closed", "agent.voirie@hayange.fr")
    roads_page.goto(live_server.url + "/agents/?onglet=open")
    assert booking.reference in roads_page.content()  # the hall's unit is the agent's
    roads_page.goto(live_server.url + booking.get_backoffice_url())
    assert "Confirmée" in roads_page.content() and "80,00 € — Payé" in roads_page.content()
    assert axe_violations(roads_page) == []
    roads_page.goto(f"{live_server.url}/agents/evenements/{workshop.slug}/")
    assert "Inès Durand, Noah Durand" in roads_page.content()
    assert axe_violations(roads_page) == []


def assert_logout_in_line(page):
    """« Se déconnecter » reads as one more link of the menu: same face, no button padding,
    centred on the links' line."""
    link = page.locator(".main-nav a", has_text="Mon profil")
    button = page.get_by_role("button", name="Se déconnecter")
    link_box, button_box = link.bounding_box(), button.bounding_box()
    assert button_box["height"] <= link_box["height"] + 6
    if abs(button_box["y"] - link_box["y"]) < link_box["height"]:  # on the same row
        centre = lambda box: box["y"] + box["height"] / 2  # noqa: E731
        assert abs(centre(button_box) - centre(link_box)) <= 3
    style = "e => [getComputedStyle(e).fontWeight, getComputedStyle(e).fontSize]"
    assert button.evaluate(style) == link.evaluate(style)
