import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from guichet.news.models import Dispatch, News, Subscription
from guichet.news.selectors import current_alerts
from guichet.news.services import (
    NewsError,
    alert_publish,
    digests_enqueue,
    dispatches_send,
    news_announce,
    news_dispatch_due,
    news_publish,
    sanitise,
    subscription_create,
    subscription_for_unsubscribe_token,
    subscription_unsubscribe,
    unsubscribe_token,
)
from guichet.notifications.models import InAppItem, Notification
from guichet.notifications.services import notifications_deliver_due

pytestmark = pytest.mark.django_db


def _verified(user):
    user.email_verified_at = timezone.now()
    user.save()
    return user


def test_sanitise_keeps_formatting_and_drops_scripts():
    html = sanitise('<p onclick="x()">Bonjour <strong>à tous</strong><script>alert(1)</script>'
                    '<a href="javascript:alert(1)">x</a><a href="https://ville.fr">site</a></p>')
    assert "<strong>à tous</strong>" in html
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert 'href="https://ville.fr"' in html and "noopener" in html


def test_a_resident_subscribed_to_her_street_gets_the_works_once(resident, works,
                                                                  immediate_tasks):
    _verified(resident)
    sub = subscription_create(email=resident.email, user=resident, address="12 rue Foch",
                              lat=49.3302, lon=6.0502, radius_m=100, acting_user=resident)
    assert sub.is_active  # her own verified address: no confirmation needed
    far = subscription_create(email="loin@exemple.fr", lat=49.5, lon=6.3, radius_m=100)
    Subscription.objects.filter(pk=far.pk).update(confirmed_at=timezone.now())
    alert_publish(alert=works, acting_user=None)
    assert Dispatch.objects.filter(subscription=sub).count() == 1
    assert not Dispatch.objects.filter(subscription=far).exists()
    # Running the fan-out and the send again (a restarted worker) adds nothing.
    news_announce(kind=Dispatch.ItemKind.ALERT, item_id=works.pk)
    dispatches_send(subscription_ids=[sub.pk])
    sent = Notification.objects.filter(template="news_item")
    assert sent.count() == 1
    assert InAppItem.objects.filter(user=resident, title__contains="Travaux rue Foch").count() == 1
    notifications_deliver_due()
    message = [m for m in mail.outbox if "Travaux rue Foch" in m.subject][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_token(sub) in message.extra_headers["List-Unsubscribe"]


def test_publishing_twice_is_refused(news):
    with pytest.raises(NewsError):
        news_publish(news=news, acting_user=None)


def test_a_scheduled_news_is_announced_when_its_time_comes(commune, topic, immediate_tasks):
    later = timezone.now() + dt.timedelta(hours=2)
    item = News.objects.create(organisation=commune, title="Concert", slug="concert",
                               summary="Samedi.", body_html="<p>x</p>", publish_at=later)
    item.topics.add(topic)
    sub = subscription_create(email="fan@exemple.fr", topics=[topic])
    Subscription.objects.filter(pk=sub.pk).update(confirmed_at=timezone.now())
    news_publish(news=item, acting_user=None)
    assert not Dispatch.objects.exists()
    assert news_dispatch_due(now=later + dt.timedelta(minutes=1))["news"] == 1
    assert Dispatch.objects.filter(subscription=sub, item_id=item.pk).count() == 1
    assert news_dispatch_due(now=later + dt.timedelta(minutes=2))["news"] == 0


def test_a_daily_digest_gathers_the_items_in_one_message(commune, topic, news, works,
                                                         immediate_tasks):
    sub = subscription_create(email="digest@exemple.fr", communes=[commune],
                              frequency=Subscription.Frequency.DAILY)
    Subscription.objects.filter(pk=sub.pk).update(confirmed_at=timezone.now())
    news_announce(kind=Dispatch.ItemKind.NEWS, item_id=news.pk)
    news_announce(kind=Dispatch.ItemKind.ALERT, item_id=works.pk)
    assert not Notification.objects.filter(template__startswith="news_").exists()
    assert digests_enqueue() == 1
    digest = Notification.objects.get(template__startswith="news_")
    assert digest.template == "news_digest" and "Marché de Noël" in digest.body_text
    assert digests_enqueue() == 0


def test_an_unknown_address_must_confirm_first(commune):
    sub = subscription_create(email="Nouveau@Exemple.fr", communes=[commune])
    assert not sub.is_active and sub.email == "nouveau@exemple.fr"
    confirm = Notification.objects.get(template="subscription_confirm")
    assert "/abonnements/confirmer/" in confirm.body_text


def test_the_unsubscribe_token_works_after_the_account_is_deleted(resident, commune):
    _verified(resident)
    sub = subscription_create(email=resident.email, user=resident, communes=[commune])
    token = unsubscribe_token(sub)
    resident.delete()
    found = subscription_for_unsubscribe_token(token)
    assert found == sub and found.user is None
    assert subscription_unsubscribe(subscription=found) is True
    assert subscription_unsubscribe(subscription=found) is False
    assert subscription_for_unsubscribe_token(token + "x") is None


def test_existing_closures_appear_as_alerts(commune):
    from guichet.organisations.models import Closure

    today = timezone.localdate()
    Closure.objects.create(organisation=commune, start_date=today,
                           end_date=today + dt.timedelta(days=1), reason="Inventaire")
    alerts = current_alerts(commune=commune)
    assert [a.text for a in alerts] == ["Inventaire"]
    assert alerts[0].kind_label == "Fermeture exceptionnelle"


def test_a_new_signalement_near_a_subscriber_is_announced_once(territory, pothole, resident,
                                                               immediate_tasks):
    from guichet.reports.services import report_submit
    from guichet.reports.tests.fixtures import INSIDE

    _verified(resident)
    lat, lon = INSIDE
    sub = subscription_create(email=resident.email, user=resident, lat=lat + 0.0005, lon=lon,
                              radius_m=300, channel=Subscription.Channel.INAPP)
    report_submit(category=pothole, lat=lat, lon=lon, description="Trou profond",
                  answers={"taille": "grand"}, email="marc@exemple.fr", name="Marc")
    assert news_dispatch_due()["reports"] == 1
    assert news_dispatch_due()["reports"] == 0
    item = InAppItem.objects.get(user=resident, category="alerts")
    assert item.title == "Nouveau signalement près de chez vous : Nid-de-poule"
    assert not Notification.objects.filter(template__startswith="news_").exists()  # in-app only
    assert Dispatch.objects.filter(subscription=sub).count() == 1
