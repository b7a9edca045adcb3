from django.urls import reverse

from guichet.cases.models import Case

DATA = {"civility": "Mme", "first_name": "Alice", "last_name": "Durand-Roy",
        "phone": "06 12 34 56 78", "address": "3 rue Foch", "postcode": "57700",
        "city": "Hayange", "preferred_channel": "email"}


def test_the_profile_is_saved_and_prefills_the_contact_form(client, resident, unit):
    client.force_login(resident)
    response = client.post(reverse("portal:profile"), DATA)
    assert response["Location"] == reverse("portal:profile")
    resident.refresh_from_db()
    assert resident.last_name == "Durand-Roy"
    assert resident.profile.postcode == "57700"
    html = client.get(reverse("portal:contact_unit",
                              args=[unit.organisation.slug, unit.slug])).content.decode()
    assert "Alice Durand-Roy" in html and "06 12 34 56 78" in html


def test_a_bad_postcode_is_explained_and_the_rest_kept(client, resident):
    client.force_login(resident)
    html = client.post(reverse("portal:profile"), {**DATA, "postcode": "577"}).content.decode()
    assert "Un code postal a 5 chiffres" in html
    assert 'value="3 rue Foch"' in html


def test_the_profile_links_to_the_notification_preferences(client, resident):
    client.force_login(resident)
    html = client.get(reverse("portal:profile")).content.decode()
    assert reverse("portal:notification_preferences") in html


def test_it_checks_ownership(client, resident, other_resident):
    """The form only ever edits the signed-in account."""
    assert client.get(reverse("portal:profile")).status_code == 302
    client.force_login(other_resident)
    client.post(reverse("portal:profile"), {**DATA, "first_name": "Intrus"})
    resident.refresh_from_db()
    assert resident.first_name == "Alice"
    assert not Case.objects.exists()


def test_the_phone_is_checked_stored_in_e164_and_shown_in_french(client, resident):
    client.force_login(resident)
    response = client.post(reverse("portal:profile"), {**DATA, "phone": "06 12 34"})
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78." in response.text
    assert 'value="3 rue Foch"' in response.text
    client.post(reverse("portal:profile"), {**DATA, "phone": "+33 (0)6.12.34.56.78"})
    resident.profile.refresh_from_db()
    assert resident.profile.phone == "+33612345678"
    assert 'value="06 12 34 56 78"' in client.get(reverse("portal:profile")).text
