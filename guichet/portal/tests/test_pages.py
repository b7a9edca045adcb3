from django.urls import reverse


def test_accessibility_and_privacy_pages(client, db):
    assert "accessibilité" in client.get(reverse("portal:accessibility")).content.decode().lower()
    assert "données" in client.get(reverse("portal:privacy")).content.decode().lower()


def test_it_checks_ownership(client, db):
    """Public pages, open to everyone: nothing personal on them."""
    assert client.get(reverse("portal:privacy")).status_code == 200
