"""Writing to a unit: registration, instant receipt, bad input, files checked by content."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.cases.models import Case


def url(unit):
    return reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug])


def test_anonymous_resident_files_a_request_and_gets_a_receipt(client, unit, deliver, mailoutbox):
    response = client.post(url(unit), {"subject": "Trottoir abîmé", "message": "Rue Foch.",
                                       "name": "Marc Blanc", "email": "marc@exemple.fr"})
    case = Case.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert case.reference in page.content.decode()
    assert case.reference.startswith("HAY-")
    deliver()
    assert [m.to for m in mailoutbox] == [["marc@exemple.fr"]]
    assert case.reference in mailoutbox[0].subject + mailoutbox[0].body
    assert case.token in mailoutbox[0].body


def test_bad_input_is_explained_in_french_and_kept(client, unit):
    response = client.post(url(unit), {"subject": "Mon objet", "message": "", "name": "",
                                       "email": "pas-une-adresse"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mon objet" in html
    assert "Ce champ est obligatoire" in html
    assert any(text in html for text in ("adresse électronique valide", "adresse e-mail valide",
                                         "courriel valide"))
    assert not Case.objects.exists()


def test_a_disguised_executable_is_refused(client, unit):
    fake = SimpleUploadedFile("facture.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200,
                              content_type="application/pdf")
    response = client.post(url(unit), {"subject": "Objet", "message": "Texte", "name": "Marc",
                                       "email": "marc@exemple.fr", "attachments": [fake]})
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "facture.pdf" in response.content.decode()


def test_signed_in_resident_sees_the_form_prefilled(client, unit, resident):
    client.force_login(resident)
    html = client.get(url(unit)).content.decode()
    assert "alice@exemple.fr" in html or 'name="email"' not in html


def test_it_checks_ownership(client, unit, other_commune):
    """A unit is only reachable under its own organisation."""
    response = client.get(reverse("portal:contact_unit", args=[other_commune.slug, unit.slug]))
    assert response.status_code == 404


def test_a_phone_that_is_not_one_is_explained_next_to_the_field(client, unit):
    data = {"subject": "Objet", "message": "Texte", "name": "Marc", "email": "m@exemple.fr"}
    response = client.post(url(unit), {**data, "phone": "rappelez-moi"})
    assert "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78." in response.text
    assert not Case.objects.exists()
    client.post(url(unit), {**data, "phone": "0387 12 34 56"})
    assert Case.objects.get().requester_phone == "+33387123456"


def test_the_promised_day_agrees_from_the_form_to_the_receipt(client, unit, resident, deliver):
    """Written on Thursday 3 December 2026 at 10:00 to a unit that answers within 48 business
    hours: everything says « lundi 7 décembre 2026 », and explains business days."""
    import datetime as dt
    import io

    import time_machine
    from pypdf import PdfReader

    from guichet.lib.business_time import PARIS

    promised = "lundi 7 décembre 2026"
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False):
        client.force_login(resident)
        form = " ".join(client.get(url(unit)).content.decode().split())
        assert "sous <strong>2 jours ouvrés</strong>" in form
        assert f"d'ici le <strong>{promised}</strong>" in form
        assert "du lundi au vendredi, hors jours fériés" in form
        assert "48 heures ouvrées" not in form
        response = client.post(url(unit), {"subject": "Horaires", "message": "Bonjour.",
                                           "name": "Claire Dupont"})
        case = Case.objects.get()
        confirmation = client.get(response["Location"]).content.decode()
        assert promised in confirmation and "hors jours fériés" in confirmation
        [receipt] = deliver()
        assert f"Première réponse d'ici le : {promised}" in receipt.body
        assert "du lundi au vendredi, hors jours fériés" in receipt.body
        html_body = receipt.alternatives[0][0]
        assert promised in html_body
        pdf = client.get(reverse("portal:receipt_pdf", args=[case.token])).content
        pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                            .split())
        assert f"Première réponse d'ici le {promised}" in pdf_text
        assert "du lundi au vendredi, hors jours fériés" in pdf_text
        for page in (reverse("portal:case_by_token", args=[case.token]),
                     reverse("portal:my_cases")):
            html = " ".join(client.get(page).content.decode().split())
            assert f"d'ici le <strong>{promised}</strong>" in html, page
            assert "Date annoncée" not in html
