from django.urls import reverse
from django.utils import timezone

from guichet.news.models import Subscription
from guichet.news.services import confirm_token
from guichet.notifications.models import Notification


def test_anyone_subscribes_by_email_with_double_opt_in(client, commune, topic):
    response = client.post(reverse("portal:subscribe"), {
        "email": "voisin@exemple.fr", "communes": [commune.pk], "topics": [topic.pk],
        "radius_m": 300, "channel": "email", "frequency": "daily"})
    assert "Un lien de confirmation a été envoyé" in response.content.decode()
    sub = Subscription.objects.get()
    assert not sub.is_active
    assert Notification.objects.filter(template="subscription_confirm",
                                        recipient="voisin@exemple.fr").exists()
    html = client.get(reverse("portal:subscription_confirm",
                              args=[confirm_token(sub)])).content.decode()
    assert "Abonnement confirmé" in html
    sub.refresh_from_db()
    assert sub.is_active


def test_bad_input_is_explained_and_kept(client, db):
    html = client.post(reverse("portal:subscribe"), {
        "email": "pas-une-adresse", "address": "12 rue Foch", "radius_m": 300,
        "channel": "email", "frequency": "immediate", "sms_emergencies": "on"}).content.decode()
    assert "Le formulaire contient" in html
    assert "Cette adresse électronique n&#x27;est pas valide" in html
    assert "Indiquez un téléphone portable" in html
    assert 'value="12 rue Foch"' in html


def test_an_address_is_geocoded(client, ban, resident):
    resident.email_verified_at = timezone.now()
    resident.save()
    client.force_login(resident)
    response = client.post(reverse("portal:subscribe"), {
        "email": resident.email, "address": "12 rue Foch, Hayange", "radius_m": 100,
        "channel": "inapp", "frequency": "immediate", "include_reports": "on"})
    assert response["Location"] == reverse("portal:subscriptions")
    sub = Subscription.objects.get(user=resident)
    assert (sub.lat, sub.lon, sub.radius_m, sub.is_active) == (49.33, 6.05, 100, True)


def test_a_bad_confirmation_link_is_told(client, db):
    response = client.get(reverse("portal:subscription_confirm", args=["faux"]))
    assert response.status_code == 400


def test_it_checks_ownership(client, resident, other_resident, commune):
    """A resident's list shows only her own subscriptions."""
    from guichet.news.services import subscription_create
    subscription_create(email="bob@exemple.fr", user=other_resident, communes=[commune])
    client.force_login(resident)
    html = client.get(reverse("portal:subscriptions")).content.decode()
    assert "aucun abonnement" in html
