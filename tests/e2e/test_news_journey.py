"""A resident subscribes to her street, an agent publishes works in it, she sees the alert on
the home page, the notification in her centre, and the email. Every new page passes axe, at
360 px and 1280 px."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from .conftest import axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-news")


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}


@pytest.mark.parametrize("width", [360, 1280])
def test_subscribe_publish_alert_notification(live_server, browser, resident, communicator,
                                              commune, topic, ban, immediate, width):
    resident.email_verified_at = timezone.now()
    resident.save()
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url

    # The resident subscribes to her street.
    she = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = she.new_page()
    log_in(page, base + "/compte/notifications/", resident.email)
    assert axe_violations(page) == []
    page.goto(base + "/abonnements/nouveau/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="M'abonner").click()
    assert page.get_by_role("heading", name="Le formulaire contient 1 erreur").is_visible()
    assert axe_violations(page) == []
    field(page, "Ma rue ou mon adresse").fill("12 rue Foch, Hayange")
    page.get_by_label("Autour de cette adresse").select_option("100")
    page.get_by_label("Dans mon espace seulement").check()
    page.get_by_label("Par courriel").check()
    page.get_by_role("button", name="M'abonner").click()
    page.wait_for_url("**/abonnements/")
    assert "Autour de 12 rue Foch, Hayange (100 m)" in page.content()
    assert axe_violations(page) == []

    # An agent publishes works in her street.
    agent_context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    agent = agent_context.new_page()
    log_in(agent, base + "/agents/communication/", communicator.email)
    assert axe_violations(agent) == []
    agent.get_by_role("link", name="Nouvelle alerte").click()
    assert axe_violations(agent) == []
    field(agent, "Collectivité").select_option(label=commune.name)
    agent.get_by_label("Travaux").check()
    field(agent, "Titre").fill("Travaux de réfection rue Foch")
    field(agent, "Description").fill("Chaussée fermée entre le 2 et le 20.")
    field(agent, "Début").fill("2026-01-01T08:00")
    field(agent, "Fin").fill("2099-01-01T18:00")
    field(agent, "Adresse ou lieu").fill("rue Foch")
    field(agent, "Latitude").fill("49.3301")
    field(agent, "Longitude").fill("6.0501")
    field(agent, "Rayon (mètres)").fill("150")
    agent.get_by_role("button", name="Enregistrer").click()
    agent.wait_for_url(re.compile(r".*/communication/alertes/\d+/$"))
    agent.get_by_role("button", name="Publier").click()
    assert "les abonnés de la zone sont prévenus" in agent.content()
    assert axe_violations(agent) == []
    agent_context.close()

    # She sees the alert on the home page and the notification in her centre.
    page.goto(base + "/")
    banner = page.get_by_role("region", name="Alertes en cours")
    assert "Travaux de réfection rue Foch" in banner.inner_text()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"home-{width}.png"), full_page=False)
    page.get_by_role("link", name="Notifications 1 non lue").click() if width >= 1000 else \
        page.goto(base + "/compte/notifications/")
    assert "Travaux : Travaux de réfection rue Foch" in page.content()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"centre-{width}.png"), full_page=True)
    page.get_by_role("button", name="Tout marquer comme lu").click()
    assert "Non lue" not in page.content()
    page.goto(base + "/compte/notifications/preferences/")
    assert axe_violations(page) == []
    page.goto(base + "/actualites/")
    assert axe_violations(page) == []
    page.goto(base + "/alertes/")
    assert axe_violations(page) == []
    she.close()

    # And the email, with its one-click unsubscribe.
    sent = [m for m in mail.outbox if "rue Foch" in m.subject]
    assert len(sent) == 1 and sent[0].to == [resident.email]
    assert "List-Unsubscribe" in sent[0].extra_headers
