"""Every resident page on a 360 px phone: no horizontal scroll, zero axe violations. The list
of pages is checked against guichet/portal/urls.py, so a new page cannot be forgotten; the
header's menu is a disclosure on a phone and a plain menu on a computer, with or without
JavaScript; the maps' attribution passes axe (link-in-text-block)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from guichet.appointments.services import appointment_book
from guichet.appointments.slots import next_openings
from guichet.appointments.tests.fixtures import next_working_day
from guichet.bookings.services import event_register, facility_request
from guichet.documents.services import document_add
from guichet.lib.business_time import PARIS
from guichet.organisations.context_processors import logo_url
from guichet.portal.tests.helpers import link_in
from guichet.portal.tests.test_organisation_logo import png_logo
from guichet.portal.urls import urlpatterns
from guichet.procedures.services import (
    submission_attach,
    submission_request_documents,
    submission_save_page,
    submission_start,
    submission_submit,
)
from guichet.procedures.tests.fixtures import ANSWERS, checked_pdf
from guichet.reports.services import fixed_token, report_submit
from guichet.reports.tests.fixtures import INSIDE
from guichet.surveys.services import (
    invitations_send,
    kiosk_create,
    response_submit,
    synthesis_publish,
)
from guichet.surveys.tests.fixtures import build_survey

from .conftest import PASSWORD, REPORT_CSP, axe_violations, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = 360
NARROWEST = 320

# url name → (who visits, the page's address built from the data below).
PAGES = {
    "home": ("anonyme", lambda d: "/"),
    "search": ("anonyme", lambda d: "/recherche/?q=voirie"),
    "contact": ("anonyme", lambda d: "/contacter/"),
    "organisation": ("anonyme", lambda d: "/collectivites/hayange/"),
    "contact_unit": ("anonyme", lambda d: "/collectivites/hayange/services/voirie/ecrire/"),
    "contact_official": ("anonyme",
                         lambda d: f"/collectivites/hayange/elus/{d.official.pk}/ecrire/"),
    "confirmation": ("usager", lambda d: f"/demande-envoyee/{d.case.token}/"),
    "case_by_token": ("usager", lambda d: f"/suivi/{d.case.token}/"),
    "my_cases": ("usager", lambda d: "/mes-demandes/"),
    "login": ("anonyme", lambda d: "/connexion/"),
    "magic_link": ("anonyme", lambda d: "/connexion/lien/"),
    "magic_link_login": ("anonyme", lambda d: d.magic_link),
    "register": ("anonyme", lambda d: "/inscription/"),
    "verify_email": ("anonyme", lambda d: "/compte/verifier/lien-perime/"),
    "password_reset": ("anonyme", lambda d: "/mot-de-passe/oubli/"),
    "password_reset_done": ("anonyme", lambda d: "/mot-de-passe/oubli/envoye/"),
    "password_reset_confirm": ("anonyme", lambda d: "/mot-de-passe/nouveau/MQ/lien-perime/"),
    "profile": ("usager", lambda d: "/mon-profil/"),
    "otp_setup": ("usager", lambda d: "/compte/2fa/activer/"),
    "otp_verify": ("usager", lambda d: "/compte/2fa/verifier/"),
    "report_start": ("anonyme", lambda d: "/signaler/"),
    "report_location": ("anonyme", lambda d: "/signaler/nid-de-poule/"),
    "report_details": ("anonyme", lambda d: f"/signaler/nid-de-poule/details/?lat={INSIDE[0]}"
                                            f"&lon={INSIDE[1]}&adresse=12+rue+Foch"),
    "public_reports": ("anonyme", lambda d: "/signalements/"),
    "public_report": ("anonyme", lambda d: f"/signalements/{d.report.reference}/"),
    "report_fixed": ("anonyme", lambda d: f"/signalements/repare/{d.fixed_token}/"),
    "appointments": ("anonyme", lambda d: "/rendez-vous/"),
    "appointment_slots": ("anonyme", lambda d: "/rendez-vous/titres/passeport/"),
    "appointment_book": ("anonyme", lambda d: d.booking_url),
    "appointment_manage": ("anonyme", lambda d: f"/rendez-vous/gerer/{d.appointment_token}/"),
    "facilities": ("anonyme", lambda d: "/salles/"),
    "facility": ("anonyme", lambda d: "/salles/salle-des-fetes/"),
    "events": ("anonyme", lambda d: "/evenements/"),
    "event": ("anonyme", lambda d: "/evenements/atelier-velo/"),
    "registration_manage": ("anonyme", lambda d: f"/inscriptions/{d.registration_token}/"),
    "payment_start": ("anonyme", lambda d: f"/paiement/{d.payment}/"),
    "payment_test_bank": ("anonyme", lambda d: f"/paiement/{d.payment}/banque-de-test/"),
    "payment_return": ("anonyme", lambda d: f"/paiement/{d.payment}/retour/"),
    "procedures": ("anonyme", lambda d: "/demarches/"),
    "procedure": ("anonyme", lambda d: "/demarches/hayange/cantine/"),
    "submission_resume": ("usager", lambda d: f"/dossiers/{d.draft}/"),
    "submission_step": ("usager", lambda d: f"/dossiers/{d.draft}/etape/1/"),
    "submission_documents": ("usager", lambda d: f"/dossiers/{d.draft}/pieces/"),
    "submission_summary": ("usager", lambda d: f"/dossiers/{d.draft}/recapitulatif/"),
    "my_procedures": ("usager", lambda d: "/mes-demarches/"),
    "provide_documents": ("usager", lambda d: f"/suivi/{d.waiting_case}/pieces-demandees/"),
    "vault": ("usager", lambda d: "/coffre-fort/"),
    "social_charter": ("anonyme", lambda d: "/charte-reseaux-sociaux/"),
    "accessibility": ("anonyme", lambda d: "/accessibilite/"),
    "offline": ("anonyme", lambda d: "/hors-ligne/"),
    "privacy": ("anonyme", lambda d: "/donnees-personnelles/"),
    "commitments": ("anonyme", lambda d: "/collectivites/hayange/engagements/"),
    "organisation_privacy": ("anonyme", lambda d: "/collectivites/hayange/donnees-personnelles/"),
    "privacy_request": ("usager", lambda d: "/compte/mes-droits/"),
    "my_data": ("usager", lambda d: "/compte/mes-donnees/"),
    "account_delete": ("usager", lambda d: "/compte/supprimer/"),
    "news": ("anonyme", lambda d: "/actualites/"),
    "alerts": ("anonyme", lambda d: "/alertes/"),
    "subscriptions": ("usager", lambda d: "/abonnements/"),
    "subscribe": ("usager", lambda d: "/abonnements/nouveau/"),
    "notifications": ("usager", lambda d: "/compte/notifications/"),
    "notification_preferences": ("usager", lambda d: "/compte/notifications/preferences/"),
    "survey_list": ("anonyme", lambda d: "/questionnaires/"),
    "survey_syntheses": ("anonyme", lambda d: "/questionnaires/syntheses/"),
    "survey": ("anonyme", lambda d: f"/questionnaires/{d.survey.slug}/"),
    "survey_invited": ("anonyme", lambda d: d.invitation_url),
    "survey_synthesis": ("anonyme", lambda d: f"/questionnaires/{d.survey.slug}/synthese/"),
    "kiosk": ("anonyme", lambda d: f"/borne/{d.kiosk.key}/"),
}

# Addresses that are not pages: files, feeds, and actions that only take a POST and redirect
# to one of the pages above.
NOT_PAGES = {
    "receipt_pdf": "PDF", "payment_receipt": "PDF", "implicit_attestation": "PDF",
    "attachment": "fichier joint", "vault_file": "fichier du coffre-fort",
    "photo": "image", "photo_thumbnail": "image", "organisation_logo": "image",
    "open_data_csv": "CSV", "open_data_geojson": "GeoJSON", "public_reports_geojson": "GeoJSON",
    "appointment_ics": "iCalendar", "payment_callback": "notification du prestataire",
    "logout": "POST", "resend_verification": "POST", "otp_disable": "POST",
    "report_me_too": "POST", "report_reopen": "POST", "appointment_waitlist": "POST",
    "appointment_cancel": "POST", "appointment_move": "POST", "registration_action": "POST",
    "procedure_start": "POST", "vault_delete": "POST",
    "news_rss": "RSS", "news_atom": "Atom", "news_image": "image",
    "alerts_rss": "RSS", "alerts_atom": "Atom", "manifest": "manifeste de l'application",
    "service_worker": "script du service worker",
    "notifications_all_read": "POST", "notification_read": "POST",
    # Pages reached from one news item, alert, email link or closed case: measured at 360 px
    # and 1280 px, with axe, by their own journeys (test_news_journey.py) and views' tests.
    "news_detail": "page d'une actualité (test_news_journey)",
    "alert_detail": "page d'une alerte (test_news_journey)",
    "subscription_confirm": "lien de confirmation (test_news_journey)",
    "unsubscribe": "lien de désabonnement (tests des vues)",
    "satisfaction": "lien de satisfaction (tests des vues)",
    "kiosk_submit": "JSON envoyé par kiosk.js",
    "my_data_download": "ZIP",
    "account_delete_confirm": "lien de confirmation (test_account_delete, "
                              "test_privacy_journey pour la page qui suit)",
}

# Addresses that lead to a page of their own (a draft opens on its current step).
REDIRECTED = {"submission_resume"}

# Pages with a map: its attribution control must be there when axe runs.
MAPS = {"report_location", "public_reports"}


def test_every_resident_address_is_in_the_list():
    names = {pattern.name for pattern in urlpatterns}
    assert sorted(names - set(PAGES) - set(NOT_PAGES)) == [], (
        "Nouvelle page du portail : ajoutez-la à PAGES (ou à NOT_PAGES si ce n'est pas une page)")
    assert sorted((set(PAGES) | set(NOT_PAGES)) - names) == []


class Data:
    pass


@pytest.fixture
def no_tiles(settings, live_server):
    """Tiles that never arrive (offline, slow network): the attribution then sits on the map's
    plain background, where axe can measure it; over a tile image it cannot and stays silent."""
    settings.MAP_TILE_URL = live_server.url + "/tuiles-absentes/{z}/{x}/{y}.png"


@pytest.fixture
def data(settings, territory, pothole, unit, official, resident, case, agent, canteen,
         passport, hall, workshop, deliver):
    """One of everything a resident can look at, filed through the services."""
    from guichet.accounts.services import magic_link_send

    settings.TERRITORY_SLUG = territory.slug
    territory.logo.save("logo.png", png_logo(), save=True)
    d = Data()
    d.official, d.case = official, case
    d.report = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1],
                             description="Trou profond devant l'école", address="3 rue Foch",
                             name="Marc Blanc", email="marc@exemple.fr",
                             answers={"taille": "grand"})
    d.fixed_token = fixed_token(d.report.report)
    opening = next_openings(passport, count=1)[0]
    d.booking_url = (reverse("portal:appointment_book", args=["titres", "passeport"])
                     + "?debut=" + timezone.localtime(opening.starts_at, PARIS).isoformat()
                     .replace("+", "%2B"))
    booked = appointment_book(type_=passport, starts_at=next_openings(passport, count=2)[1]
                              .starts_at, name="Marc Blanc", email="marc@exemple.fr")
    d.appointment_token = booked.appointment.token
    d.registration_token = event_register(event=workshop, attendees=[{"name": "Léo"}],
                                          name="Marc Blanc",
                                          email="marc@exemple.fr").registration.token
    day = next_working_day(5)
    paid = facility_request(facility=hall, starts_at=dt.datetime.combine(day, dt.time(14), PARIS),
                            ends_at=dt.datetime.combine(day, dt.time(18), PARIS),
                            audience="resident", purpose="Anniversaire", attendees=40,
                            name="Marc Blanc", email="marc@exemple.fr")
    d.payment = paid.payments.get().reference
    draft = submission_start(procedure=canteen, user=resident)
    submission_save_page(submission=draft, index=0, page_answers=ANSWERS, user=resident)
    d.draft = draft.token
    sent = submission_start(procedure=canteen, user=resident)
    submission_save_page(submission=sent, index=0, page_answers=ANSWERS, user=resident)
    sent.refresh_from_db()
    submission_attach(submission=sent, slot="proof_of_address", checked=checked_pdf(),
                      user=resident)
    sent = submission_submit(submission=sent, user=resident)
    submission_request_documents(submission=sent, agent=agent, documents=["RIB"],
                                 due_on=timezone.localdate() + dt.timedelta(days=5), message="")
    d.waiting_case = sent.case.token
    document_add(owner=resident, type="proof_of_address", checked=checked_pdf(),
                 title="Facture d'électricité de janvier, appartement de la rue Foch")
    magic_link_send(email=resident.email)
    deliver()
    d.magic_link = next(link_in(m) for m in mail.outbox if "/connexion/lien/" in m.body)
    d.logo = logo_url(territory)
    d.survey = build_survey(unit, agent)
    d.kiosk = kiosk_create(survey=d.survey, place="Médiathèque — hall", acting_user=agent)
    invitations_send(survey=d.survey, segment="unit", value=str(unit.pk), acting_user=agent)
    d.invitation_url = d.survey.invitations.first().get_absolute_url()
    for note in (5, 4, 2):
        response_submit(survey=d.survey, channel="link",
                        answers={"votre_note": note, "reviendrez_vous": "oui",
                                 "ce_que_vous_empruntez": ["Livres", "Jeux"]})
    synthesis_publish(survey=d.survey, intro="Vous aimez l'accueil.",
                      changes="Nous ouvrons le dimanche.", acting_user=agent,
                      shown_questions=["votre_note", "ce_que_vous_empruntez",
                                       "reviendrez_vous"])
    return d


def new_page(browser, width: int, height: int = 800, **options):
    """A page of its own size, that records Content-Security-Policy violations (as the
    `page` fixture does)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height},
                                  **options)
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_violations = []
    page.on("console", lambda m: page.csp_violations.append(m.text) if m.type == "error" and (
        "Content Security Policy" in m.text or "CSP violation" in m.text) else None)
    return page


def signed_in(browser, live_server, width: int, height: int = 800):
    page = new_page(browser, width, height)
    page.goto(live_server.url + "/connexion/")
    field(page, "Adresse électronique").fill("alice@exemple.fr")
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mes-demandes/")
    return page


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_every_resident_page_fits_a_phone_and_passes_axe(live_server, browser, data,
                                                         no_tiles):
    pages = {"anonyme": new_page(browser, PHONE), "usager": signed_in(browser, live_server, PHONE)}
    problems = []
    for name, (who, address) in PAGES.items():
        page = pages[who]
        response = page.goto(live_server.url + address(data))
        landed = page.url.removeprefix(live_server.url)
        if response.status not in (200, 400) or (
                landed.split("?")[0] != address(data).split("?")[0]
                and name not in REDIRECTED):
            problems.append(f"{name} ({address(data)}) : {response.status}, arrivé sur {landed}")
        if name in MAPS:
            page.wait_for_selector(".leaflet-control-attribution a")
        width = overflow(page)
        if width > PHONE:
            problems.append(f"{name} ({address(data)}) : {width} px de large")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name} ({address(data)}) : {violations}")
    assert problems == []
    assert [m for p in pages.values() for m in p.csp_violations] == []
    for page in pages.values():
        page.context.close()


def test_no_resident_page_scrolls_sideways_at_320_px(live_server, browser, data, no_tiles):
    pages = {"anonyme": new_page(browser, NARROWEST, 640),
             "usager": signed_in(browser, live_server, NARROWEST, 640)}
    problems = []
    for name, (who, address) in PAGES.items():
        page = pages[who]
        page.goto(live_server.url + address(data))
        if overflow(page) > NARROWEST:
            problems.append(f"{name} ({address(data)}) : {overflow(page)} px de large")
    assert problems == []
    assert [m for p in pages.values() for m in p.csp_violations] == []
    for page in pages.values():
        page.context.close()


def test_the_maps_attribution_passes_axe(live_server, browser, page, territory, pothole,
                                         agent, no_tiles):
    """Leaflet's attribution links were told by colour alone (axe link-in-text-block)."""
    report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                  name="X", email="x@exemple.fr", answers={"taille": "petit"})
    agent_page = new_page(browser, 1280)
    agent_page.goto(live_server.url + "/connexion/?next=/agents/carte/")
    field(agent_page, "Adresse électronique").fill(agent.email)
    field(agent_page, "Mot de passe").fill(PASSWORD)
    agent_page.get_by_role("button", name="Se connecter").click()
    agent_page.wait_for_url("**/agents/carte/")
    for width in (PHONE, 1280):
        for current, address in ((page, "/signaler/nid-de-poule/"), (page, "/signalements/"),
                                 (agent_page, "/agents/carte/")):
            current.set_viewport_size({"width": width, "height": 800})
            current.goto(live_server.url + address)
            link = current.locator(".leaflet-control-attribution a").first
            link.wait_for()
            assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")
            assert axe_violations(current) == [], (address, width)
    assert agent_page.csp_violations == []
    agent_page.context.close()


def menu_links_visible(page) -> bool:
    return page.locator("nav.main-nav a", has_text="Démarches en ligne").is_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_header_menu_on_a_phone_and_a_computer(live_server, browser, unit, javascript):
    page = new_page(browser, PHONE, java_script_enabled=javascript)
    page.goto(live_server.url + "/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] < 100  # the name and « Menu », not twelve links
    navigation = page.get_by_role("navigation", name="Menu principal")
    toggle = navigation.locator("summary", has_text="Menu")
    assert toggle.is_visible() and not menu_links_visible(page)
    # With the keyboard: the skip link, the brand, then « Menu », opened with Enter.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert menu_links_visible(page)
    assert page.locator("details.menu").get_attribute("open") is not None
    if javascript:
        assert axe_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Signaler un problème"
    if javascript:  # Escape closes it and gives the focus back to « Menu »
        page.keyboard.press("Escape")
        assert not menu_links_visible(page)
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    else:
        toggle.click()
        assert not menu_links_visible(page)
    # On a computer the menu is open, « Menu » is not shown.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert menu_links_visible(page) and not toggle.is_visible()
    assert page.csp_violations == []
    page.context.close()
