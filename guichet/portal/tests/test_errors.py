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
    """Error pages say nothing about what exists."""
    assert client.get("/suivi/inexistant/").content == client.get("/suivi/autre/").content


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
