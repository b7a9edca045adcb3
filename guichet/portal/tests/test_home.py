from django.urls import reverse


def test_home_lists_the_territory(client, commune, epci, unit):
    html = client.get(reverse("portal:home")).content.decode()
    assert "Val de Fensch" in html and "Hayange" in html


def test_it_checks_ownership(client, commune, epci):
    """An inactive collectivité is not offered to residents."""
    commune.is_active = False
    commune.save()
    assert "Hayange" not in client.get(reverse("portal:home")).content.decode()
