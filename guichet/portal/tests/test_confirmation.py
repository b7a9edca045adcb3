from django.urls import reverse

from guichet.cases.models import Case


def test_the_confirmation_gives_reference_unit_and_due_date(client, unit):
    client.post(reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug]),
                {"subject": "Trottoir", "message": "Défoncé.", "name": "Marc Blanc",
                 "email": "marc@exemple.fr"})
    case = Case.objects.get()
    html = client.get(reverse("portal:confirmation", args=[case.token])).content.decode()
    assert case.reference in html
    assert "Voirie" in html and unit.phone in html
    assert reverse("portal:receipt_pdf", args=[case.token]) in html


def test_it_checks_ownership(client, anonymous_case, case, other_resident):
    """Another browser, or another account, does not see the confirmation."""
    assert client.get(reverse("portal:confirmation",
                              args=[anonymous_case.token])).status_code == 404
    client.force_login(other_resident)
    assert client.get(reverse("portal:confirmation", args=[case.token])).status_code == 404
