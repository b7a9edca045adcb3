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
