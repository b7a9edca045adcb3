"""The web app manifest that makes Guichet installable, with the collectivité's dress."""

import json

from django.contrib.staticfiles import finders


def test_the_manifest_names_the_collectivite_and_points_at_real_icons(client, epci):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Val de Fensch" and data["lang"] == "fr"
    assert (data["start_url"], data["display"]) == ("/", "standalone")
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        name = icon["src"].removeprefix("/static/")
        with open(finders.find(name), "rb") as image:
            assert image.read(8) == b"\x89PNG\r\n\x1a\n"
    assert [s["url"] for s in data["shortcuts"]] == ["/signaler/", "/mes-demandes/"]


def test_every_page_links_the_manifest_and_the_service_worker_is_served(client, epci):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "/sw.js" in open(finders.find("js/guichet.js")).read()
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert "sandbox" not in worker.get("Content-Security-Policy", "")  # else no cache, no fetch
    assert 'var OFFLINE = "/hors-ligne/";' in worker.content.decode()


def test_it_checks_ownership(client, resident):
    """Public by nature: the same manifest for everyone, nothing personal in it."""
    anonymous = client.get("/manifest.webmanifest").content
    client.force_login(resident)
    assert client.get("/manifest.webmanifest").content == anonymous
    assert resident.email.encode() not in anonymous
