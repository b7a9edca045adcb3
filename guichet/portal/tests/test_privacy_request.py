"""A resident exercises a right over their data from their account."""

from django.urls import reverse

from guichet.cases.models import Case

URL = reverse("portal:privacy_request")


def post(client, commune, **changes):
    return client.post(URL, {"organisation": str(commune.pk), "right": "rectification",
                             "message": "Mon adresse est fausse : c'est 3 rue Foch.",
                             **changes}, follow=True)


def test_the_request_becomes_a_case_for_the_dpo(client, resident, commune, unit, dpo):
    client.force_login(resident)
    html = client.get(URL, {"collectivite": "hayange", "droit": "objection"}).content.decode()
    assert f'<option value="{commune.pk}" selected>' in html
    import re

    assert re.search(r'value="objection"[^>]*checked', html)
    response = post(client, commune)
    case = Case.objects.get(kind="privacy")
    assert case.requester == resident and case.unit == unit
    html = response.content.decode()
    assert f"Votre demande {case.reference} est enregistrée" in html
    assert "Droit de rectification" in html
    my_cases = client.get(reverse("portal:my_cases")).content.decode()
    assert case.reference in my_cases


def test_bad_input(client, resident, commune, dpo):
    client.force_login(resident)
    response = client.post(URL, {"organisation": "", "right": "", "message": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le formulaire contient 3 erreurs" in html
    assert "Choisissez la collectivité." in html and "Décrivez votre demande." in html
    response = client.post(URL, {"organisation": "999", "right": "hack", "message": "Texte"})
    assert response.status_code == 400 and "Texte" in response.content.decode()
    assert not Case.objects.filter(kind="privacy").exists()


def test_without_a_dpo_the_resident_is_told(client, resident, commune):
    client.force_login(resident)
    response = post(client, commune)
    assert response.status_code == 400
    assert "n&#x27;a pas désigné de délégué" in response.content.decode()


def test_it_checks_ownership(client, resident, other_resident, commune, dpo):
    assert client.get(URL).status_code == 302  # sign in first
    client.force_login(resident)
    post(client, commune)
    case = Case.objects.get(kind="privacy")
    client.force_login(other_resident)
    assert case.reference not in client.get(reverse("portal:my_cases")).content.decode()
    assert client.get(case.get_absolute_url()).status_code in (403, 404)
