from django.urls import reverse


def test_the_directory_lists_the_territory(client, commune, epci, unit):
    html = client.get(reverse("portal:contact")).content.decode()
    assert "Val de Fensch" in html and "Hayange" in html
    assert reverse("portal:organisation", args=[commune.slug]) in html
    assert "1 service à contacter" in html


def test_an_organisation_page_leads_back_to_the_directory(client, commune):
    html = client.get(reverse("portal:organisation", args=[commune.slug])).content.decode()
    assert f'href="{reverse("portal:contact")}"' in html


def test_it_checks_ownership(client, commune, epci):
    """An inactive collectivité is not offered to residents."""
    commune.is_active = False
    commune.save()
    html = client.get(reverse("portal:contact")).content.decode()
    assert "Hayange" not in html and "Val de Fensch" in html
