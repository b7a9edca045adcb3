from django.urls import reverse

from conftest import make_agent, make_user
from guichet.accounts.models import Membership
from guichet.cases.models import Case, Status


def test_logging_a_phone_call_for_a_resident_found_by_a_misspelt_name(client, unit, commune):
    reception = make_agent("accueil@hayange.fr", unit, Membership.Role.RECEPTION)
    elderly = make_user("g.lefevre@exemple.fr", first_name="Germaine", last_name="Lefèvre")
    elderly.profile.phone = "03 87 11 11 11"
    elderly.profile.save()
    client.force_login(reception)
    html = client.get(reverse("backoffice:intake"), {"q": "germaine lefeuvre"}
                      ).content.decode()
    assert "Germaine Lefèvre" in html and f"compte={elderly.pk}" in html
    html = client.get(reverse("backoffice:intake"), {"compte": elderly.pk}).content.decode()
    assert 'value="03 87 11 11 11"' in html
    response = client.post(reverse("backoffice:intake"), {
        "compte": elderly.pk, "channel": "phone", "unit": unit.pk,
        "subject": "Horaires de la déchetterie", "message": "Elle demande les horaires.",
        "name": "Germaine Lefèvre", "email": "g.lefevre@exemple.fr",
        "phone": "03 87 11 11 11", "address": "",
        "answered_now": "Ouverte du mardi au samedi, 9 h – 18 h."})
    case = Case.objects.get()
    assert response["Location"] == reverse("backoffice:intake_done", args=[case.reference])
    assert (case.channel, case.requester, case.status) == ("phone", elderly, Status.RESOLVED)
    assert case.first_responded_at is not None
    assert client.get(reverse("backoffice:case_receipt",
                              args=[case.reference])).content.startswith(b"%PDF")
    letter = client.get(reverse("backoffice:case_letter", args=[case.reference]))
    assert case.reference in letter.content.decode()


def test_a_letter_from_someone_without_an_account_with_its_scan(client, agent, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent)
    client.post(reverse("backoffice:intake"), {
        "channel": "mail", "unit": unit.pk, "subject": "Demande de banc",
        "message": "Un banc place du marché.", "name": "Marcel Durand", "email": "",
        "phone": "", "address": "3 rue Haute", "answered_now": "",
        "attachments": SimpleUploadedFile("lettre.pdf", b"%PDF-1.4\n%%EOF\n")})
    case = Case.objects.get()
    assert case.channel == "mail" and case.requester is None and case.status == Status.NEW
    assert case.attachments.get().original_name == "lettre.pdf"


def test_errors_keep_what_was_typed(client, agent, unit):
    client.force_login(agent)
    html = client.post(reverse("backoffice:intake"), {
        "channel": "phone", "unit": "", "subject": "", "message": "Texte gardé",
        "name": "Marcel", "create_account": "on"}).content.decode()
    assert "Ce champ est obligatoire" in html and "Texte gardé" in html
    html = client.post(reverse("backoffice:intake"), {
        "channel": "phone", "unit": unit.pk, "subject": "X", "message": "Y",
        "name": "Marcel", "email": "", "create_account": "on"}).content.decode()
    assert "Un compte a besoin d&#x27;une adresse électronique" in html
    assert not Case.objects.exists()


def test_it_checks_ownership(client, resident, other_commune, agent, unit):
    """Residents cannot reach reception; agents file only to units of their territory."""
    from conftest import make_unit

    client.force_login(resident)
    assert client.get(reverse("backoffice:intake")).status_code == 403
    outside = make_unit(other_commune, "Voirie")
    client.force_login(agent)
    html = client.post(reverse("backoffice:intake"), {
        "channel": "phone", "unit": outside.pk, "subject": "X", "message": "Y",
        "name": "Z"}).content.decode()
    assert "Sélectionnez un choix valide" in html
    assert not Case.objects.exists()
