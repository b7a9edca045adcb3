import pytest
from django.test import Client
from django.urls import path

from guichet.urls import urlpatterns


def boom(request):
    raise RuntimeError("secret interne")


urlpatterns = [path("boom/", boom), *urlpatterns]
handler500 = "guichet.portal.views.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_server_error_shows_a_french_page_without_a_trace(db, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "secret interne" not in html and "Traceback" not in html
    assert 'lang="fr"' in html


def test_an_unknown_page_is_a_french_404(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert 'lang="fr"' in response.content.decode()


def test_it_checks_ownership(client, db):
    """Error pages say nothing about what exists (but for the nonce of each response)."""
    import re

    def page(url):
        return re.sub(rb'nonce="[^"]+"', b"", client.get(url).content)

    assert page("/suivi/inexistant/") == page("/suivi/autre/")


@pytest.fixture
def console():
    """What the configured console handlers print (the server's terminal)."""
    import io
    import logging

    buffer = io.StringIO()
    handlers = [h for name in ("django.request", "django", "")
                for h in logging.getLogger(name).handlers if type(h) is logging.StreamHandler]
    previous = [h.setStream(buffer) for h in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_page_is_logged_once_without_a_traceback(client, resident, caplog, console,
                                                           settings, debug):
    settings.DEBUG = debug  # a developer's machine prints Django's lines too
    client.force_login(resident)
    response = client.get("/agents/")
    assert response.status_code == 403 and "Accès refusé" in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /agents/"
    assert record.exc_info is None
    printed = console.getvalue()
    assert printed.count("Forbidden (Permission denied): /agents/") == 1
    assert "Traceback" not in printed


def test_a_server_error_keeps_its_traceback_in_the_log(db, settings, caplog, console):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    Client(raise_request_exception=False).get("/boom/")
    printed = console.getvalue()
    assert printed.count("Internal Server Error: /boom/") == 1
    assert "RuntimeError: secret interne" in printed  # for whoever reads the server's log


def test_a_refused_form_gets_a_french_page_with_what_was_typed(db):
    """Before, Django's English « Forbidden (403) CSRF verification failed »."""
    from django.urls import reverse

    browser = Client(enforce_csrf_checks=True)
    url = reverse("portal:login")
    own = "http://testserver"
    response = browser.post(url, {"username": "alice@exemple.fr", "password": "secret-42",
                                  "message": "Mon long message"},
                            HTTP_ORIGIN=own, HTTP_REFERER=own + url)
    html = response.content.decode()
    assert response.status_code == 403 and 'lang="fr"' in html
    assert "Votre formulaire n'a pas pu être envoyé" in html
    assert "rien n'a été enregistré" in html and "refuse les cookies" in html
    assert "Mon long message" in html and "alice@exemple.fr" in html
    assert "secret-42" not in html  # never a password
    assert f'href="{own}{url}">Rouvrir le formulaire' in html
    assert "CSRF" not in html and "Forbidden" not in html


def test_another_site_s_forged_form_is_not_echoed(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/connexion/", {"message": "Texte imposé par un autre site"},
                            HTTP_ORIGIN="https://malveillant.example",
                            HTTP_REFERER="https://malveillant.example/piege")
    html = response.content.decode()
    assert response.status_code == 403 and "Texte imposé" not in html
    assert "Rouvrir le formulaire" not in html and "Revenir à l'accueil" in html
