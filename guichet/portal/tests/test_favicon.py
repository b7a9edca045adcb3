"""/favicon.ico, which every browser asks for, and the icons every page names."""

from django.contrib.staticfiles import finders


def test_the_favicon_is_served_at_the_root(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_name_their_icons(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in html
    assert 'href="/static/favicon.svg" type="image/svg+xml"' in html
    assert finders.find("favicon.svg")


def test_it_checks_ownership(client, db):
    """The icon is public: anyone, signed in or not, gets the same file."""
    assert client.get("/favicon.ico").status_code == 200
