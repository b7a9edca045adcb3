from django.test import Client
from django.urls import reverse

from guichet.news.services import subscription_create, unsubscribe_token


def test_a_mail_client_unsubscribes_in_one_click(db, commune):
    sub = subscription_create(email="voisin@exemple.fr", communes=[commune])
    url = reverse("portal:unsubscribe", args=[unsubscribe_token(sub)])
    # RFC 8058: a POST without cookie nor CSRF token, body List-Unsubscribe=One-Click.
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None


def test_the_link_shows_a_button_first(client, commune):
    sub = subscription_create(email="voisin@exemple.fr", communes=[commune])
    url = reverse("portal:unsubscribe", args=[unsubscribe_token(sub)])
    assert "Me désabonner" in client.get(url).content.decode()
    sub.refresh_from_db()
    assert sub.unsubscribed_at is None


def test_it_checks_ownership(client, db):
    """A forged token unsubscribes nobody."""
    response = client.post(reverse("portal:unsubscribe", args=["abc:def"]))
    assert response.status_code == 400
