"""Issue 13's questionnaires, the agent's side, in a browser: a unit manager builds a survey
with a few kinds of question, opens it, creates a kiosk, sends invitations by email to the
residents who wrote to the unit; answers arrive (through `response_submit`: the resident-side
pages are tested with the portal); she reads the results, filters them by place, reads the
open answers, publishes the synthesis, and looks at the satisfaction after closed cases.
axe on every page, at 360 and 1280 px, with the forms' error states."""

import re
from pathlib import Path

import pytest
from django.core import mail

from guichet.cases.services import case_close
from guichet.surveys.models import Channel, Invitation, Kiosk, SatisfactionRequest, Survey
from guichet.surveys.services import response_submit, satisfaction_record

from .conftest import axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-surveys-agent")


def add_question(page, kind: str, label: str, **options):
    field(page, "Type de question").select_option(kind)
    field(page, "Intitulé de la question (ou texte affiché)").fill(label)
    for name, value in options.items():
        field(page, name).fill(value)
    page.get_by_role("button", name="Ajouter la question").click()


@pytest.mark.parametrize("width", [360, 1280])
def test_an_agent_builds_sends_reads_and_publishes_a_survey(live_server, browser, manager,
                                                            agent, unit, case, anonymous_case,
                                                            deliver, width):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    base = live_server.url

    # The list, then a new questionnaire (first with an error).
    log_in(page, base + "/agents/questionnaires/", manager.email)
    assert "Aucun questionnaire pour l'instant." in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nouveau questionnaire").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Créer le questionnaire").click()
    assert page.get_by_role("heading", name=re.compile("Le formulaire contient")).is_visible()
    assert "Indiquez le titre du questionnaire." in page.content()
    assert axe_violations(page) == []
    field(page, "Titre").fill("Votre médiathèque")
    field(page, "Présentation").fill("Deux minutes pour nous aider à mieux vous accueillir.")
    field(page, "Service").select_option(label=f"{unit.name} ({unit.organisation.name})")
    page.get_by_role("button", name="Créer le questionnaire").click()
    page.wait_for_url(re.compile(r".*/agents/questionnaires/\d+/$"))
    assert "Le questionnaire n'a aucune question." in page.content()
    assert axe_violations(page) == []

    # Questions of several kinds; a choice question without choices is refused, kept.
    add_question(page, "choice", "Vous venez")
    assert "Indiquez au moins un choix (un par ligne)." in page.content()
    assert field(page, "Intitulé de la question (ou texte affiché)").input_value() == \
        "Vous venez"
    assert axe_violations(page) == []
    add_question(page, "rating", "Votre note de l'accueil")
    add_question(page, "multichoice", "Ce que vous empruntez",
                 **{"Choix proposés (un par ligne)": "Livres\nFilms\nJeux"})
    add_question(page, "matrix", "Qualité", **{
        "Choix proposés (un par ligne)": "Bien\nMoyen\nMal",
        "Lignes de la matrice (une par ligne)": "Accueil\nHoraires"})
    add_question(page, "textarea", "Une idée ?")
    assert "La question « Une idée ? » est ajoutée." in page.content()
    survey = Survey.objects.get()
    assert [f["type"] for f in survey.definition["pages"][0]["fields"]] == [
        "rating", "multichoice", "matrix", "textarea"]

    # Open it, and a kiosk for the tablet in the hall.
    page.get_by_role("button", name="Ouvrir le questionnaire").click()
    assert "Le questionnaire est ouvert : les usagers peuvent répondre." in page.content()
    page.get_by_role("button", name="Créer la borne").click()
    assert "Indiquez le lieu de la borne." in page.content()
    assert axe_violations(page) == []
    field(page, "Lieu de la borne").fill("Médiathèque — hall")
    page.get_by_role("button", name="Créer la borne").click()
    kiosk = Kiosk.objects.get()
    assert kiosk.key in page.content()
    assert axe_violations(page) == []
    page.screenshot(path=SHOTS / f"builder-{width}.png", full_page=True)

    # Invitations by email to the residents who wrote to the unit.
    page.get_by_role("link", name="Invitations").click()
    assert "Aucune invitation envoyée." in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Envoyer les invitations").click()
    assert "Choisissez à qui envoyer le questionnaire." in page.content()
    assert axe_violations(page) == []
    field(page, "Destinataires").select_option(label=unit.name)
    page.get_by_role("button", name="Envoyer les invitations").click()
    assert "2 invitations envoyées." in page.content()
    assert axe_violations(page) == []
    invited = [m for m in deliver() if m.subject.startswith("Votre avis")]
    assert sorted(m.to[0] for m in invited) == ["alice@exemple.fr", "marc@exemple.fr"]
    invitation = Invitation.objects.get(email="marc@exemple.fr")
    assert invitation.token in next(m.body for m in invited if m.to == ["marc@exemple.fr"])

    # Answers come from the link, the kiosk and an invitation.
    def answers(note, idea, chosen):
        return {"votre_note_de_laccueil": note, "ce_que_vous_empruntez": chosen,
                "qualite": {"Accueil": "Bien", "Horaires": "Mal"}, "une_idee": idea}

    survey.refresh_from_db()  # open now
    response_submit(survey=survey, channel=Channel.LINK, answers=answers(
        4, "Ouvrir le dimanche", ["Livres"]), contact_email="claire@exemple.fr")
    response_submit(survey=survey, channel=Channel.KIOSK, kiosk=kiosk, answers=answers(
        5, "Plus de bandes dessinées", ["Livres", "Jeux"]))
    response_submit(survey=survey, channel=Channel.EMAIL, invitation=invitation,
                    answers=answers(2, "Des prises pour recharger", ["Films"]))
    page.reload()
    assert "1 réponse pour 2 invitations : 50,0 %" in page.content()

    # Results, filtered by place, and the open answers.
    page.get_by_role("link", name="Résultats").click()
    assert page.get_by_role("heading", name="3 réponses").is_visible()
    assert "3 personnes ont répondu. Moyenne : 3,67 sur 5." in page.content()
    assert axe_violations(page) == []
    page.screenshot(path=SHOTS / f"results-{width}.png", full_page=True)
    page.get_by_label("Lieu (borne)").select_option("Médiathèque — hall")
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_role("heading", name="1 réponse (filtrées)").is_visible()
    assert "Moyenne : 5,00 sur 5." in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Tout afficher").click()
    page.get_by_role("link", name=re.compile("Lire les 3 réponses")).click()
    field(page, "Chercher un mot").fill("dimanche")
    page.get_by_role("button", name="Chercher").click()
    assert "1 réponse contenant « dimanche »." in page.content()
    assert axe_violations(page) == []

    # The synthesis, published: the respondent who left her address is told.
    page.get_by_role("link", name="Synthèse publiée").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier la synthèse").click()
    assert "Écrivez la synthèse ou ce que vous avez changé." in page.content()
    assert axe_violations(page) == []
    field(page, "Synthèse des avis").fill("Vous aimez l'accueil, moins les horaires.")
    field(page, "Ce que nous avons changé").fill("Ouverture le dimanche dès janvier.")
    page.get_by_label("Votre note de l'accueil").check()
    page.get_by_label("Qualité").check()
    page.get_by_role("button", name="Publier la synthèse").click()
    assert "1 répondant a laissé son adresse : il est prévenu." in page.content()
    assert axe_violations(page) == []
    assert [m.to for m in deliver() if m.subject.startswith("Résultats")] == [
        ["claire@exemple.fr"]]

    # The satisfaction after closed cases, from the menu, and a follow-up recorded.
    case_close(case=case, acting_user=agent, message="C'est réparé.")
    satisfaction_record(request=SatisfactionRequest.objects.get(case=case), score=1,
                        comment="Trop long.")
    link = page.get_by_role("link", name="Satisfaction", exact=True)
    if not link.is_visible():  # a narrow screen: the menu is a disclosure
        page.locator("summary.menu-toggle").click()
    link.click()
    assert "Suivis à traiter (1)" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("Marquer comme traité")).click()
    assert "Écrivez ce qui a été fait." in page.content()
    assert axe_violations(page) == []
    field(page, "Ce qui a été fait").fill("Usager rappelé, excuses présentées.")
    page.get_by_role("button", name=re.compile("Marquer comme traité")).click()
    assert "Suivis à traiter (0)" in page.content()
    assert axe_violations(page) == []
    page.screenshot(path=SHOTS / f"satisfaction-{width}.png", full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1
    context.close()
    mail.outbox.clear()
