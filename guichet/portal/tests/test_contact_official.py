from django.urls import reverse

from guichet.cases.models import Case


def test_a_message_to_an_official_goes_to_the_unit_handling_their_mail(client, official,
                                                                       deliver):
    url = reverse("portal:contact_official", args=[official.organisation.slug, official.pk])
    assert "Claire Martin" in client.get(url).content.decode()
    response = client.post(url, {"subject": "Parc municipal", "message": "Plus de bancs ?",
                                 "name": "Marc Blanc", "email": "marc@exemple.fr"})
    case = Case.objects.get()
    assert response["Location"] == reverse("portal:confirmation", args=[case.token])
    assert case.unit == official.handling_unit
    assert case.contact.official == official
    assert deliver()[0].to == ["marc@exemple.fr"]


def test_it_checks_ownership(client, official, other_commune):
    """An official who cannot be contacted, or asked through another collectivité, is a 404."""
    assert client.get(reverse("portal:contact_official",
                              args=[other_commune.slug, official.pk])).status_code == 404
    official.is_contactable = False
    official.save()
    assert client.get(reverse("portal:contact_official",
                              args=[official.organisation.slug, official.pk])).status_code == 404
