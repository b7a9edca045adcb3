"""Answers to a questionnaire arrive from its public link (two pages, an error shown then
fixed), from an email invitation's link, and from the médiathèque's kiosk: one answer online,
one with the network cut, sent once when it comes back. Then the published synthesis. Every
page passes axe at 360 px and 1280 px."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from guichet.portal.tests.helpers import link_in
from guichet.surveys.models import Channel, Response
from guichet.surveys.services import invitations_send, kiosk_create, synthesis_publish
from guichet.surveys.tests.fixtures import build_survey

from .conftest import axe_violations, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def new_context(browser, width):
    return browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})


def group(page, name):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(name)}"))


def fill_first_page(page, note="4"):
    group(page, "Votre note de l'accueil").get_by_label(note, exact=True).check()


def fill_second_page(page):
    group(page, "Reviendrez-vous").get_by_label("Oui", exact=True).check()


@pytest.mark.parametrize("width", [360, 1280])
def test_link_invitation_kiosk_offline_and_synthesis(live_server, browser, unit, agent, case,
                                                    deliver, width):
    base = live_server.url
    survey = build_survey(unit, agent)
    kiosk = kiosk_create(survey=survey, place="Médiathèque — hall d'accueil", acting_user=agent)
    invitations_send(survey=survey, segment="unit", value=str(unit.pk), acting_user=agent)
    deliver()

    # From the public link: a validation error, fixed, then the second page.
    context = new_context(browser, width)
    page = context.new_page()
    page.goto(base + "/questionnaires/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Votre avis sur la médiathèque").click()
    assert page.get_by_text("Page 1 sur 2").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Page suivante").click()
    assert page.get_by_role("heading", name="Le formulaire contient 1 erreur").is_visible()
    assert page.locator(".error-message").first.is_visible()
    assert axe_violations(page) == []
    fill_first_page(page)
    page.get_by_role("button", name="Page suivante").click()
    assert page.get_by_text("Page 2 sur 2").is_visible()
    assert axe_violations(page) == []
    fill_second_page(page)
    field(page, "Votre adresse électronique, pour être prévenu(e) de la publication des "
                "résultats").fill("lea@exemple.fr")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.get_by_role("heading", name="Merci pour votre réponse").is_visible()
    assert axe_violations(page) == []
    context.close()

    # From the invitation's link in the email.
    link = next(link_in(m) for m in mail.outbox if "/questionnaires/invitation/" in m.body)
    context = new_context(browser, width)
    page = context.new_page()
    page.goto(base + link)
    assert axe_violations(page) == []
    fill_first_page(page, "5")
    page.get_by_role("button", name="Page suivante").click()
    fill_second_page(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.get_by_role("heading", name="Merci pour votre réponse").is_visible()
    context.close()
    assert Response.objects.filter(channel=Channel.EMAIL).count() == 1

    # At the kiosk: one answer online…
    context = new_context(browser, width)
    page = context.new_page()
    page.goto(base + kiosk.get_absolute_url())
    assert page.locator("header").count() == 0
    assert page.get_by_role("link", name="Se connecter").count() == 0
    assert axe_violations(page) == []
    button = page.get_by_role("button", name="Envoyer mes réponses")
    assert button.bounding_box()["height"] >= 48
    fill_first_page(page, "3")
    fill_second_page(page)
    button.click()
    page.wait_for_url("**?merci=")
    assert page.get_by_role("heading", name="Merci pour votre réponse !").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nouvelle réponse").click()
    page.wait_for_url(base + kiosk.get_absolute_url())

    # …and one with the network cut: kept on the tablet, thanked all the same.
    context.set_offline(True)
    fill_first_page(page, "2")
    fill_second_page(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    thanks = page.locator("[data-kiosk-thanks]")
    assert thanks.get_by_text("Le réseau est coupé").is_visible()
    assert axe_violations(page) == []
    assert Response.objects.filter(channel=Channel.KIOSK).count() == 1
    page.get_by_role("button", name="Nouvelle réponse").click()
    assert page.get_by_text("1 réponse gardée sur la tablette").is_visible()
    # Back online: sent once, and the queue is empty.
    context.set_offline(False)
    expect(page.locator("[data-kiosk-status]")).to_have_text("", timeout=20_000)
    page.wait_for_timeout(6000)  # a second flush round would have sent it again by now
    kiosk_answers = Response.objects.filter(channel=Channel.KIOSK).order_by("submitted_at")
    assert kiosk_answers.count() == 2
    assert [r.answers["votre_note"] for r in kiosk_answers] == [3, 2]
    assert {r.place for r in kiosk_answers} == {"Médiathèque — hall d'accueil"}
    assert page.evaluate("localStorage.length") == 0 or page.evaluate(
        "JSON.parse(Object.values(localStorage)[0]).length") == 0
    context.close()

    # The synthesis, published (the agents' side is tested on its own).
    synthesis_publish(survey=survey, intro="Vous aimez l'accueil.",
                      changes="Nous ouvrons le dimanche matin.", acting_user=agent,
                      shown_questions=["votre_note", "reviendrez_vous"])
    context = new_context(browser, width)
    page = context.new_page()
    page.goto(base + "/questionnaires/syntheses/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Votre avis sur la médiathèque").click()
    assert page.get_by_role("heading", name="Ce que nous avons changé").is_visible()
    assert page.get_by_text("Nous ouvrons le dimanche matin.").is_visible()
    assert page.locator("svg[role=img]").count() == 2
    assert page.get_by_role("table").count() == 2
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
