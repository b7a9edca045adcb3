from django.urls import reverse


def test_the_page_lists_units_and_contactable_officials(client, commune, unit, official):
    html = client.get(reverse("portal:organisation", args=[commune.slug])).content.decode()
    assert "Voirie" in html
    assert "Claire Martin" in html
    assert reverse("portal:contact_unit", args=[commune.slug, unit.slug]) in html


def test_it_checks_ownership(client, commune, unit, official):
    """Units and officials that cannot be written to are not offered."""
    unit.is_contactable = False
    unit.save()
    official.is_contactable = False
    official.save()
    html = client.get(reverse("portal:organisation", args=[commune.slug])).content.decode()
    assert reverse("portal:contact_unit", args=[commune.slug, unit.slug]) not in html
    assert reverse("portal:contact_official", args=[commune.slug, official.pk]) not in html
    assert client.get(reverse("portal:organisation", args=["inconnue"])).status_code == 404
