"""Issue 6's journey in a browser: a reception agent logs a phone call for an elderly resident
found by a misspelt name; an email to the roads unit becomes a case and the resident's reply
threads into it; a misrouted message gets the right unit suggested and moved in one click; the
unit manager gets the overdue digest. axe on every page, the second factor included."""

import datetime as dt
from email.message import EmailMessage

import pyotp
import pytest
from django.core import mail

from conftest import make_agent, make_unit, make_user
from guichet.accounts.models import Membership, TotpDevice
from guichet.cases.models import Case
from guichet.cases.services import cases_send_digest
from guichet.contact.services import contact_submit
from guichet.intake.inbound import inbound_receive
from guichet.intake.routing import routing_train
from guichet.notifications.models import Notification
from guichet.notifications.services import notifications_deliver_due

from .conftest import axe_violations, field, log_in, record_phone_call

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_phone_email_routing_and_digest(live_server, page, browser, commune, unit, other_unit,
                                        manager, settings):
    reception_unit = make_unit(commune, "Accueil")
    make_agent("accueil@hayange.fr", reception_unit, Membership.Role.RECEPTION,
               first_name="Nadia", last_name="Benali")
    elderly = make_user("g.lefevre@exemple.fr", first_name="Germaine", last_name="Lefèvre")
    elderly.profile.phone = "03 87 11 11 11"
    elderly.profile.save()

    # The reception agent signs in with the second factor (mandatory for agents).
    settings.AGENT_2FA_REQUIRED = True
    page.goto(live_server.url + "/agents/")
    field(page, "Adresse électronique").fill("accueil@hayange.fr")
    field(page, "Mot de passe").fill("motdepasse-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/compte/2fa/activer/**")
    assert axe_violations(page) == []
    secret = TotpDevice.objects.get(user__email="accueil@hayange.fr").secret
    field(page, "Code à 6 chiffres").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()
    assert "codes de secours" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Continuer").click()

    # A phone call: the resident found despite the misspelt name.
    page.goto(live_server.url + "/agents/accueil/?q=germaine+lefeuvre")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Germaine Lefèvre").click()
    record_phone_call(page, unit="Voirie (Hayange)", subject="Trottoir glissant",
                      request="Des feuilles mortes devant le 4 rue Haute.")
    phoned = Case.objects.get(channel="phone")
    assert phoned.requester == elderly and phoned.unit == unit
    assert phoned.reference in page.content()
    assert axe_violations(page) == []

    # An email to the roads unit's address, then the resident's reply to the receipt.
    message = EmailMessage()
    message["From"], message["To"] = "Jean Roy <jean@exemple.fr>", unit.email
    message["Subject"] = "Lampadaire éteint"
    message.set_content("Rue des Lilas, depuis trois jours.")
    created = inbound_receive(message.as_bytes()).case
    receipt = Notification.objects.get(case=created, template="registration_receipt")
    reply = EmailMessage()
    reply["From"], reply["To"] = "jean@exemple.fr", unit.email
    reply["Subject"], reply["In-Reply-To"] = f"Re: {receipt.subject}", receipt.message_id
    reply.set_content("Il clignote aussi la nuit.")
    assert inbound_receive(reply.as_bytes()).case == created
    roads = browser.new_context(locale="fr-FR").new_page()
    settings.AGENT_2FA_REQUIRED = False
    make_agent("agent.voirie@hayange.fr", unit, first_name="Paul", last_name="Lemoine")
    log_in(roads, live_server.url + created.get_backoffice_url(), "agent.voirie@hayange.fr")
    assert "Il clignote aussi la nuit." in roads.content()
    roads.goto(live_server.url + "/agents/recherche/?q=lilas")
    assert created.reference in roads.content()
    assert axe_violations(roads) == []

    # A misrouted message: the right unit is suggested and accepted in one click.
    for n in range(12):
        contact_submit(unit=unit, subject=f"Nid-de-poule rue {n}", message="…", name="X",
                       email="x@exemple.fr")
        contact_submit(unit=other_unit, subject=f"Acte de naissance {n}", message="…",
                       name="Y", email="y@exemple.fr")
    routing_train()
    misrouted = contact_submit(unit=reception_unit, subject="Gros nid-de-poule rue Foch",
                               message="Dangereux.", name="Z", email="z@exemple.fr")
    page.goto(live_server.url + misrouted.get_backoffice_url())
    assert "Service suggéré" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Transférer à Voirie").click()
    page.wait_for_url("**/agents/**")
    misrouted.refresh_from_db()
    assert misrouted.unit == unit

    # The unit manager's digest lists the overdue case.
    Case.objects.filter(pk=phoned.pk).update(
        resolution_due_at=phoned.created_at - dt.timedelta(hours=1))
    mail.outbox.clear()
    cases_send_digest()
    notifications_deliver_due()
    [digest] = [m for m in mail.outbox if m.to == [manager.email]]
    assert phoned.reference in digest.body and "En retard" in digest.body
