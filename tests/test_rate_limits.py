"""Public forms are rate limited (django-ratelimit on the shared DB cache): past the limit, a
French 429 with Retry-After, the form shown again with what was typed."""

from django.core import mail
from django.urls import reverse

from guichet.cases.models import Case


def test_the_contact_form_past_its_limit(client, unit, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": [("ip", 2, 600)]}
    url = reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug])
    data = {"subject": "Banc", "message": "Le banc est cassé, place du marché.",
            "name": "Marc Blanc", "email": "marc@exemple.fr"}
    for _ in range(2):
        assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode().replace("&#x27;", "'")
    assert "Trop d'envois en peu de temps" in html
    assert "Le banc est cassé, place du marché." in html  # what was typed is kept
    assert Case.objects.count() == 2


def test_magic_links_per_address_and_per_ip(client, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS,
                            "magic_link": [("email", 2, 900), ("ip", 4, 900)]}
    url = reverse("portal:magic_link")
    for _ in range(2):
        assert client.post(url, {"email": resident.email}).status_code == 200
    response = client.post(url, {"email": resident.email})
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert resident.email in response.content.decode()
    # Another address from the same IP: one more is allowed, then the IP limit.
    assert client.post(url, {"email": "autre@exemple.fr"}).status_code == 200
    assert client.post(url, {"email": "encore@exemple.fr"}).status_code == 429
    assert client.get(url).status_code == 200  # reading the page is never limited


def test_password_login_per_ip(client, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": [("ip", 2, 900)]}
    url = reverse("portal:login")
    for index in range(2):
        client.post(url, {"username": f"x{index}@exemple.fr", "password": "faux"})
    response = client.post(url, {"username": "y@exemple.fr", "password": "faux"})
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert "y@exemple.fr" in response.content.decode()
    assert not mail.outbox
