"""The submission tunnel as a resident goes through it, without JavaScript."""

import pytest
from django.urls import reverse

from guichet.documents.models import Document
from guichet.procedures.models import Submission
from guichet.procedures.services import submission_start
from guichet.procedures.tests.fixtures import make_procedure, pdf_upload

STEP0 = {"parent_name": "Durand", "phone": "03 87 12 34 56", "allocataire": "non",
         "action": "next"}


def _start(client, procedure):
    response = client.post(reverse("portal:procedure_start",
                                   args=[procedure.organisation.slug, procedure.slug]))
    assert response.status_code == 302
    return Submission.objects.latest("pk")


def _step(submission, index):
    return reverse("portal:submission_step", args=[submission.token, index])


def test_the_procedure_page_shows_what_to_prepare_and_the_legal_notices(client, canteen):
    response = client.get(canteen.get_absolute_url())
    assert response.status_code == 200
    assert "Justificatif de domicile de moins de 3 mois" in response.text
    assert "Conditions générales d'utilisation" in response.text
    assert "dpo@hayange.fr" in response.text
    assert "réputée acceptée" in response.text
    assert canteen.title in client.get(reverse("portal:procedures")).text


def test_a_full_journey_with_a_block_a_document_and_the_summary(client, canteen, resident):
    client.force_login(resident)
    submission = _start(client, canteen)
    response = client.get(_step(submission, 0))
    assert "Étape 1 sur 5" in response.text and 'value="Durand"' in response.text
    response = client.post(_step(submission, 0), {**STEP0, "phone": "12"})
    assert response.status_code == 200
    assert "numéro de téléphone valide" in response.text
    assert 'value="Durand"' in response.text  # what was typed is kept
    response = client.post(_step(submission, 0), STEP0)
    assert response.url == _step(submission, 1)
    # Without JavaScript, a second child is added by a button; nothing typed is lost.
    response = client.post(_step(submission, 1), {
        "children-count": "1", "children-0-first_name": "Léo",
        "children-0-birth_date": "2018-05-04", "action": "add:children"})
    assert "Enfant 2" in response.text and 'value="Léo"' in response.text
    response = client.post(_step(submission, 1), {
        "children-count": "2", "children-0-first_name": "Léo",
        "children-0-birth_date": "2018-05-04", "children-1-first_name": "Zoé",
        "children-1-birth_date": "04/09/2020", "action": "next"})
    assert response.url == _step(submission, 2)
    response = client.post(_step(submission, 2), {"allergies": "Arachide", "action": "next"})
    assert response.url == reverse("portal:submission_documents", args=[submission.token])
    summary = reverse("portal:submission_summary", args=[submission.token])
    response = client.get(summary)
    assert "Pièce manquante : Justificatif de domicile" in response.text
    assert "Zoé" in response.text and "4 septembre 2020" in response.text
    response = client.post(summary, {"confirm": "on"})
    assert response.status_code == 400 and "Pièces manquantes" in response.text
    documents = reverse("portal:submission_documents", args=[submission.token])
    client.post(documents, {"slot": "proof_of_address", "action": "upload",
                            "file-proof_of_address": pdf_upload(), "vault-proof_of_address": "1"})
    assert Document.objects.filter(owner=resident, type="proof_of_address").exists()
    response = client.post(summary, {"confirm": "on"})
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert response.url == reverse("portal:confirmation", args=[submission.case.token])
    assert submission.answers["children"][1] == {"first_name": "Zoé",
                                                 "birth_date": "2020-09-04"}


def test_a_field_shown_by_an_answer_on_the_same_page_is_asked_before_moving_on(
        client, canteen, resident):
    client.force_login(resident)
    submission = _start(client, canteen)
    response = client.post(_step(submission, 0), {**STEP0, "allocataire": "oui"})
    assert response.url == _step(submission, 0)
    response = client.get(_step(submission, 0))
    assert 'name="caf_number"' in response.text


def test_going_back_keeps_answers_even_unfinished(client, canteen, resident):
    client.force_login(resident)
    submission = _start(client, canteen)
    client.post(_step(submission, 0), STEP0)
    client.post(_step(submission, 1), {"children-count": "1", "children-0-first_name": "Léo",
                                       "children-0-birth_date": "", "action": "previous"})
    submission.refresh_from_db()
    assert submission.answers["children"] == [{"first_name": "Léo", "birth_date": ""}]


def test_a_wrong_file_type_is_refused_by_its_content(client, canteen, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(resident)
    submission = _start(client, canteen)
    client.post(_step(submission, 0), STEP0)
    fake = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 not a pdf at all" * 20)
    response = client.post(reverse("portal:submission_documents", args=[submission.token]),
                           {"slot": "proof_of_address", "action": "upload",
                            "file-proof_of_address": fake})
    assert response.status_code == 400
    assert "format accepté" in response.text


def test_drafts_are_listed_in_mes_demarches(client, canteen, resident):
    client.force_login(resident)
    submission = _start(client, canteen)
    response = client.get(reverse("portal:my_procedures"))
    assert reverse("portal:submission_resume", args=[submission.token]) in response.text


def test_a_step_the_answers_do_not_lead_to_cannot_be_posted(client, unit, procedure_admin,
                                                            resident):
    from guichet.procedures.tests.fixtures import CANTEEN

    definition = {**CANTEEN, "pages": [*CANTEEN["pages"], {
        "title": "CAF", "condition": {"field": "allocataire", "op": "eq", "value": "oui"},
        "fields": []}]}
    procedure = make_procedure(unit, definition=definition, publisher=procedure_admin)
    client.force_login(resident)
    submission = _start(client, procedure)
    client.post(_step(submission, 0), STEP0)
    assert client.post(_step(submission, 3), {"action": "next"}).status_code == 404


def test_a_closed_procedure_cannot_be_started(client, canteen, resident):
    import datetime as dt

    canteen.closes_on = dt.date(2020, 1, 1)
    canteen.save()
    client.force_login(resident)
    response = client.post(reverse("portal:procedure_start",
                                   args=[canteen.organisation.slug, canteen.slug]))
    assert response.status_code == 302 and not Submission.objects.exists()


def test_an_anonymous_procedure_asks_for_name_and_email(client, unit, procedure_admin):
    procedure = make_procedure(unit, publisher=procedure_admin, identification_required=False,
                               definition={"pages": [{"title": "Demande", "fields": [
                                   {"key": "acte", "type": "choice", "label": "Acte",
                                    "choices": ["Naissance", "Mariage"], "required": True,
                                    "purpose": "Savoir quel acte délivrer"}]}]})
    submission = _start(client, procedure)
    client.post(_step(submission, 0), {"acte": "Naissance", "action": "next"})
    summary = reverse("portal:submission_summary", args=[submission.token])
    response = client.post(summary, {"confirm": "on", "email": "pas-une-adresse"})
    assert response.status_code == 400 and "Vos prénom et nom" in response.text
    response = client.post(summary, {"confirm": "on", "name": "Jean Noël",
                                     "email": "jean@exemple.fr"})
    submission.refresh_from_db()
    assert submission.case.requester_email == "jean@exemple.fr"


def test_identification_required_sends_to_login(client, canteen):
    response = client.post(reverse("portal:procedure_start",
                                   args=[canteen.organisation.slug, canteen.slug]))
    assert reverse("portal:login") in response.url


def test_it_checks_ownership(client, canteen, resident, other_resident):
    submission = submission_start(procedure=canteen, user=resident)
    client.force_login(other_resident)
    for url in (_step(submission, 0),
                reverse("portal:submission_documents", args=[submission.token]),
                reverse("portal:submission_summary", args=[submission.token]),
                reverse("portal:submission_resume", args=[submission.token])):
        assert client.get(url).status_code == 404
    theirs = Document.objects.create(owner=resident, type="proof_of_address", title="X",
                                     original_name="x.pdf", content_type="application/pdf",
                                     size=3, file="vault/x.pdf")
    assert client.get(reverse("portal:vault_file", args=[theirs.key])).status_code == 404
    assert client.post(reverse("portal:vault_delete", args=[theirs.key])).status_code == 404
    # An anonymous draft belongs to the browser that started it.
    client.logout()
    assert client.get(_step(submission, 0)).status_code == 404


def test_a_resident_cannot_attach_another_persons_vault_document(client, canteen, resident,
                                                                 other_resident):
    theirs = Document.objects.create(owner=other_resident, type="proof_of_address",
                                     title="X", original_name="x.pdf",
                                     content_type="application/pdf", size=3,
                                     file="vault/x.pdf")
    client.force_login(resident)
    submission = _start(client, canteen)
    client.post(_step(submission, 0), STEP0)
    response = client.post(reverse("portal:submission_documents", args=[submission.token]),
                           {"slot": "proof_of_address", "action": "vault",
                            "document": theirs.key})
    assert response.status_code == 400
    assert "ne fait pas partie de votre coffre-fort" in response.text
    assert not submission.files.exists()


@pytest.mark.parametrize("valid_until,status", [("", 302), ("31/02/2026", 400)])
def test_the_vault_adds_documents_and_refuses_bad_dates(client, resident, valid_until, status):
    client.force_login(resident)
    response = client.post(reverse("portal:vault"), {
        "type": "proof_of_address", "title": "Facture EDF", "valid_until": valid_until,
        "file": pdf_upload()})
    assert response.status_code == status
    if status == 400:
        assert "date valide" in response.text and 'value="Facture EDF"' in response.text
    else:
        assert "Facture EDF" in client.get(reverse("portal:vault")).text


def test_autosave_keeps_what_is_typed_without_moving_on(client, canteen, resident):
    client.force_login(resident)
    submission = _start(client, canteen)
    response = client.post(_step(submission, 0), {"parent_name": "Durand-Roy", "phone": "12",
                                                  "action": "autosave"})
    assert response.status_code == 204
    submission.refresh_from_db()
    assert submission.answers["parent_name"] == "Durand-Roy"
    assert submission.answers["phone"] == "12"  # kept as typed, checked again before sending


def test_a_reply_with_files_to_a_documents_request_sends_the_pieces(client, canteen, resident,
                                                                    agent):
    import datetime as dt

    from django.utils import timezone

    from guichet.procedures.services import (
        submission_attach,
        submission_request_documents,
        submission_save_page,
        submission_submit,
    )
    from guichet.procedures.tests.fixtures import ANSWERS, checked_pdf

    submission = submission_start(procedure=canteen, user=resident)
    submission_save_page(submission=submission, index=0, page_answers=ANSWERS, user=resident)
    submission.refresh_from_db()
    submission_attach(submission=submission, slot="proof_of_address", checked=checked_pdf(),
                      user=resident)
    submission = submission_submit(submission=submission, user=resident)
    submission_request_documents(submission=submission, agent=agent, documents=["RIB"],
                                 due_on=timezone.localdate() + dt.timedelta(days=5),
                                 message="")
    client.force_login(resident)
    url = reverse("portal:case_by_token", args=[submission.case.token])
    client.post(url, {"body": "Une question : quel RIB ?"})
    submission.refresh_from_db()
    assert submission.state == Submission.State.WAITING_DOCUMENTS
    assert submission.case.status == "waiting"
    client.post(url, {"body": "Le voici.", "attachments": [pdf_upload("rib.pdf")]})
    submission.refresh_from_db()
    assert submission.state == Submission.State.REVIEW


def test_the_step_indicator_numbers_each_step_in_its_own_item(client, canteen, resident):
    import re

    client.force_login(resident)
    submission = _start(client, canteen)
    client.post(_step(submission, 0), STEP0)
    html = client.get(_step(submission, 1)).text
    nav = html.split('<nav class="steps"')[1].split("</nav>")[0]
    items = re.findall(r"<li\b(.*?)</li>", nav, flags=re.S)
    assert len(items) == 5
    for number, item in enumerate(items, start=1):
        # The number is inside the item, apart from the title: never "…son budget3. Pièces".
        assert f'<span class="steps__number" aria-hidden="true">{number}</span>' in item
        assert '<span class="steps__title">' in item
    current = [item for item in items if 'aria-current="step"' in item]
    assert len(current) == 1 and "steps__current" in current[0] and items.index(current[0]) == 1
    assert "(terminée)" in items[0]
