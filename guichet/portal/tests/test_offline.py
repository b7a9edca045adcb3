"""The page the service worker shows without network."""


def test_the_offline_page_says_what_to_do(client, db):
    html = client.get("/hors-ligne/").content.decode()
    assert "Vous êtes hors ligne" in html and "revenez en arrière" in html


def test_it_checks_ownership(client, resident):
    """The service worker fetches it without cookies and caches it for everyone: nothing of
    a signed-in resident can end up in it."""
    anonymous = client.get("/hors-ligne/").content.decode()
    assert "Se déconnecter" not in anonymous and resident.email not in anonymous
    client.force_login(resident)
    assert "Vous êtes hors ligne" in client.get("/hors-ligne/").content.decode()
