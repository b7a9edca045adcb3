"""The collectivité's logo is served by a view: uploaded files are never public otherwise."""

import io

from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from guichet.organisations.context_processors import logo_url


def png_logo() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "#1d4e89").save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


def test_the_logo_is_served_as_an_image_and_cached(client, epci):
    epci.logo.save("logo.png", png_logo(), save=True)
    response = client.get(logo_url(epci))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=604800" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_new_logo_gets_a_new_address(epci):
    epci.logo.save("logo.png", png_logo(), save=True)
    first = logo_url(epci)
    epci.logo.save("autre.png", png_logo(), save=True)
    assert logo_url(epci) != first
    assert first.split("?")[0] == logo_url(epci).split("?")[0]


def test_no_logo_no_file(client, epci):
    assert logo_url(epci) == ""
    url = reverse("portal:organisation_logo", args=[epci.slug])
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_an_image_is_not_served(client, epci):
    epci.logo.save("logo.png", ContentFile(b"<script>alert(1)</script>"), save=True)
    assert client.get(reverse("portal:organisation_logo", args=[epci.slug])).status_code == 404


def test_a_missing_file_is_a_404(client, epci):
    epci.logo.save("logo.png", png_logo(), save=True)
    epci.logo.storage.delete(epci.logo.name)
    assert client.get(reverse("portal:organisation_logo", args=[epci.slug])).status_code == 404


def test_it_checks_ownership(client, epci, commune):
    """Only an active collectivité's own logo: not an inactive one's, not another file."""
    commune.logo.save("logo.png", png_logo(), save=True)
    commune.is_active = False
    commune.save()
    assert client.get(reverse("portal:organisation_logo", args=[commune.slug])).status_code == 404
    assert client.get(reverse("portal:organisation_logo", args=["inconnue"])).status_code == 404
