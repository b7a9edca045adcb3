"""Issue 3's journey in a browser: an administrator builds and publishes a procedure; a resident
files it with a document from her vault and gets the receipt and the acknowledgement of receipt;
an agent requests a missing document (the SVA date moves), then accepts; the resident downloads
the decision. axe on every page."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from conftest import make_agent
from guichet.accounts.models import Membership
from guichet.cases.models import Attachment
from guichet.documents.services import document_add
from guichet.notifications.services import notifications_deliver_due
from guichet.procedures.models import Procedure, Submission
from guichet.procedures.tests.fixtures import checked_pdf, pdf_text

from .conftest import axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_build_file_instruct_and_decide(live_server, page, browser, unit, resident, agent):
    make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN, first_name="Agnès",
               last_name="Weber")
    document_add(owner=resident, type="proof_of_address", title="Facture d'électricité",
                 checked=checked_pdf("facture.pdf"),
                 valid_until=timezone.localdate() + dt.timedelta(days=60))

    # The administrator builds the procedure in the back-office.
    log_in(page, live_server.url + "/agents/demarches/nouvelle/", "admin@hayange.fr")
    assert axe_violations(page) == []
    field(page, "Intitulé").fill("Permis de stationnement")
    page.get_by_label("Service instructeur").select_option(label=str(unit))
    field(page, "Description").fill("Stationner un camion de déménagement.")
    field(page, "Conditions générales d'utilisation").fill("Conditions d'utilisation.")
    field(page, "Finalité du traitement des données").fill("Instruire la demande.")
    field(page, "Contact du délégué à la protection des données").fill("dpo@hayange.fr")
    page.get_by_label("Décision implicite", exact=False).first.select_option("sva")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/formulaire/")
    assert axe_violations(page) == []
    page.get_by_label("Type de champ").select_option("address")
    field(page, "Libellé (ou texte affiché)").fill("Adresse du stationnement")
    page.get_by_label("Réponse obligatoire").check()
    page.get_by_label("Pourquoi demandons-nous cette information ?").fill("Localiser")
    page.get_by_role("button", name="Ajouter le champ").click()
    page.wait_for_url("**/formulaire/")
    field(page, "Pièce demandée").fill("Justificatif de domicile")
    page.get_by_label("Type de document").select_option("proof_of_address")
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.get_by_role("link", name="Aperçu").click()
    assert "Adresse du stationnement" in page.content()
    assert axe_violations(page) == []
    page.go_back()
    page.get_by_role("button", name="Publier cette version").click()
    assert "Version 1 publiée" in page.content()
    procedure = Procedure.objects.get(slug="permis-de-stationnement")

    # The resident files it, with the proof of address from her vault.
    home = browser.new_context(locale="fr-FR").new_page()
    log_in(home, live_server.url + "/mon-profil/", resident.email)
    home.goto(live_server.url + procedure.get_absolute_url())
    assert axe_violations(home) == []
    home.get_by_role("button", name="Commencer la démarche").click()
    home.wait_for_url("**/etape/0/")
    assert axe_violations(home) == []
    home.get_by_role("button", name="Continuer").click()
    assert "Le formulaire contient 1 erreur" in home.content()
    field(home, "Adresse du stationnement").fill("4 rue Haute, Hayange")
    home.get_by_role("button", name="Continuer").click()
    home.wait_for_url("**/pieces/")
    assert axe_violations(home) == []
    assert_steps_apart(home)
    home.set_viewport_size({"width": 360, "height": 800})
    assert_steps_apart(home)
    home.set_viewport_size({"width": 1280, "height": 800})
    home.get_by_role("button", name="Utiliser ce document").click()
    assert "depuis votre coffre-fort" in home.content()
    home.get_by_role("link", name="Continuer vers le récapitulatif").click()
    assert axe_violations(home) == []
    home.get_by_label("Je certifie l'exactitude des informations données.").check()
    home.get_by_role("button", name="Envoyer mon dossier").click()
    home.wait_for_url("**/demande-envoyee/**")
    assert axe_violations(home) == []
    submission = Submission.objects.get(procedure=procedure)
    case = submission.case
    first_date = submission.implicit_due_on
    assert first_date == timezone.localdate() + relativedelta(months=2)
    notifications_deliver_due()
    subjects = [m.subject for m in mail.outbox if m.to == [resident.email]]
    assert any("enregistrée" in s for s in subjects)
    assert any("Accusé de réception" in s for s in subjects)

    # The agent asks for a missing piece: the SVA clock stops.
    page = browser.new_context(locale="fr-FR").new_page()
    log_in(page, live_server.url + f"/agents/dossiers/{case.reference}/", agent.email)
    assert axe_violations(page) == []
    field(page, "Pièces manquantes (une par ligne)").fill("Carte grise du véhicule")
    page.get_by_role("button", name="Envoyer la demande de pièces").click()
    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_DOCUMENTS
    assert submission.implicit_due_on is None

    # The resident sends it: the clock starts again from the day it arrives.
    home.goto(live_server.url + case.get_absolute_url())
    assert "Carte grise du véhicule" in home.content()
    assert axe_violations(home) == []
    home.get_by_role("link", name="Envoyer les pièces demandées").click()
    assert axe_violations(home) == []
    home.get_by_label("Pièces demandées").set_input_files(
        files=[{"name": "carte-grise.pdf", "mimeType": "application/pdf",
                "buffer": checked_pdf().upload.read()}])
    home.get_by_role("button", name="Envoyer les pièces").click()
    submission.refresh_from_db()
    assert submission.state == Submission.State.REVIEW
    assert submission.implicit_due_on == timezone.localdate() + relativedelta(months=2)

    # The agent accepts; the resident downloads the decision.
    page.reload()
    page.get_by_label("Accepter").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED
    decision = Attachment.objects.get(case=case, original_name__startswith="decision")
    home.goto(live_server.url + case.get_absolute_url())
    assert axe_violations(home) == []
    link = home.get_by_role("link", name=decision.original_name)
    response = home.request.get(live_server.url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert "demande acceptée" in pdf_text(response.body())

    # The other pages of procedures pass axe too.
    for url in ("/coffre-fort/", "/mes-demarches/", "/demarches/"):
        home.goto(live_server.url + url)
        assert axe_violations(home) == [], url
    for url in ("/agents/demarches/", "/agents/exports/",
                f"/agents/demarches/{procedure.pk}/dossiers/"):
        page.goto(live_server.url + url)
        assert axe_violations(page) == [], url
    assert case.reference in page.content()


def assert_steps_apart(page):
    """The step indicator: every step in its own box, well apart from the next, the current
    one marked (the bug was « …son budget3. Pièces justificatives »)."""
    items = page.locator(".steps__item")
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert len(boxes) >= 3
    for before, after in zip(boxes, boxes[1:], strict=False):
        same_line = abs(before["y"] - after["y"]) < 4
        if same_line:
            assert after["x"] >= before["x"] + before["width"] + 16
        else:
            assert after["y"] >= before["y"] + before["height"]
    for i, box in enumerate(boxes):  # the number is drawn inside its own step
        number = items.nth(i).locator(".steps__number").bounding_box()
        assert box["x"] <= number["x"] and number["x"] + number["width"] <= box["x"] + box["width"]
    assert page.locator('.steps__item[aria-current="step"]').count() == 1
