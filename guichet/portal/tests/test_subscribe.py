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


def test_a_zone_drawn_on_the_map_decides_what_reaches_the_subscriber(client, resident, works,
                                                                     immediate_tasks):
    import json

    from guichet.news.models import Dispatch
    from guichet.news.services import alert_publish

    resident.email_verified_at = timezone.now()
    resident.save()
    client.force_login(resident)
    around = [[6.049, 49.329], [6.051, 49.329], [6.051, 49.331], [6.049, 49.331]]
    response = client.post(reverse("portal:subscribe"), {
        "email": resident.email, "area": json.dumps(around), "radius_m": 300,
        "channel": "inapp", "frequency": "immediate"})
    assert response["Location"] == reverse("portal:subscriptions")
    mine = Subscription.objects.get(user=resident)
    assert mine.area["coordinates"][0] == around + [around[0]]  # no address needed
    # A thin triangle next door: its bounding circle reaches the works, the zone does not.
    beside = Subscription.objects.create(
        email="voisin@exemple.fr", confirmed_at=timezone.now(), lat=49.3225, lon=6.05,
        radius_m=800, area={"type": "Polygon", "coordinates": [[
            [6.040, 49.320], [6.060, 49.320], [6.060, 49.325], [6.040, 49.320]]]})
    alert_publish(alert=works, acting_user=None)
    assert Dispatch.objects.filter(subscription=mine).count() == 1
    assert not Dispatch.objects.filter(subscription=beside).exists()
    html = client.get(reverse("portal:subscriptions")).content.decode()
    assert "Zone tracée sur la carte (4 points)" in html


def test_a_bad_zone_is_explained_and_the_rest_kept(client, resident):
    client.force_login(resident)
    html = client.post(reverse("portal:subscribe"), {
        "email": resident.email, "area": "[[6.04, 49.32], [6.05, 49.33]]",
        "address": "12 rue Foch", "radius_m": 300, "channel": "email",
        "frequency": "immediate"}).content.decode()
    assert "Le formulaire contient 1 erreur" in html
    assert 'href="#zone-aide"' in html
    assert "Tracez au moins trois points pour fermer une zone." in html
    assert 'value="12 rue Foch"' in html
    assert not Subscription.objects.exists()
