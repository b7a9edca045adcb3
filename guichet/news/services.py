"""Publishing news and alerts, subscribing, and telling subscribers.

Telling subscribers runs in the worker, in batches: `news_announce` writes one `Dispatch` per
(subscription, item) that matches (the unique constraint makes a re-run add nothing), then
`dispatches_send` turns a batch of subscriptions' pending dispatches into one message each
— the notification (outbox row), the in-app item and the `done_at` marker are written in one
transaction, so a worker killed at any point neither loses an item nor sends it twice."""

from __future__ import annotations

import datetime as dt
import math

import nh3
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib import geo
from guichet.lib.urls import absolute_url
from guichet.notifications.models import Category, Notification
from guichet.notifications.services import (
    enqueue_batch_delivery,
    notification_centre_add,
    notification_queue,
)

from .models import Alert, Dispatch, News, PublicationStatus, Subscription

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4",
                "blockquote", "abbr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
UNSUBSCRIBE_SALT = "guichet.news.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600
BATCH = 200


class NewsError(Exception):
    """A transition that the current state does not allow (shown to the agent as is)."""


def sanitise(html: str) -> str:
    """The rich text an agent typed, kept to a few harmless tags (nh3, the Ammonia sanitiser):
    no script, no style, no event handler, links with rel="noopener noreferrer"."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"},
                     link_rel="noopener noreferrer").strip()


def _unique_slug(title: str, pk: int | None) -> str:
    base = slugify(title)[:200] or "actualite"
    slug, n = base, 2
    while News.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- News and alerts ----------------------------------------------------------------------

@transaction.atomic
def news_save(*, news: News, topics=None, acting_user) -> News:
    """Create or update a news item (the form filled `news`); the body is sanitised."""
    news.body_html = sanitise(news.body_html)
    news.slug = news.slug or _unique_slug(news.title, news.pk)
    news.created_by = news.created_by or acting_user
    news.save()
    if topics is not None:
        news.topics.set(topics)
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, news=news.pk,
                   change="news_saved")
    return news


@transaction.atomic
def news_publish(*, news: News, acting_user) -> News:
    """Draft or unpublished → published. Subscribers are told at `publish_at` (now, or by the
    periodic `news_dispatch_due` for a scheduled one), once."""
    if news.status == PublicationStatus.PUBLISHED:
        raise NewsError("Cette actualité est déjà publiée.")
    news.status = PublicationStatus.PUBLISHED
    news.save(update_fields=["status"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, news=news.pk,
                   change="news_published")
    if news.publish_at <= timezone.now() and news.announced_at is None:
        _announce_later(Dispatch.ItemKind.NEWS, news)
    return news


@transaction.atomic
def news_unpublish(*, news: News, acting_user) -> News:
    if news.status != PublicationStatus.PUBLISHED:
        raise NewsError("Cette actualité n'est pas publiée.")
    news.status = PublicationStatus.UNPUBLISHED
    news.save(update_fields=["status"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, news=news.pk,
                   change="news_unpublished")
    return news


@transaction.atomic
def alert_save(*, alert: Alert, topics=None, acting_user) -> Alert:
    alert.created_by = alert.created_by or acting_user
    alert.save()
    if topics is not None:
        alert.topics.set(topics)
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, alert=alert.pk,
                   change="alert_saved")
    return alert


@transaction.atomic
def alert_publish(*, alert: Alert, acting_user) -> Alert:
    """Draft or unpublished → published: shown on the home page from its start, and the
    subscribers of its area are told now (once)."""
    if alert.status == PublicationStatus.PUBLISHED:
        raise NewsError("Cette alerte est déjà publiée.")
    if alert.ends_at <= timezone.now():
        raise NewsError("Cette alerte est terminée : changez sa date de fin pour la publier.")
    alert.status = PublicationStatus.PUBLISHED
    alert.save(update_fields=["status"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, alert=alert.pk,
                   change="alert_published")
    if alert.announced_at is None:
        _announce_later(Dispatch.ItemKind.ALERT, alert)
    return alert


@transaction.atomic
def alert_unpublish(*, alert: Alert, acting_user) -> Alert:
    if alert.status != PublicationStatus.PUBLISHED:
        raise NewsError("Cette alerte n'est pas publiée.")
    alert.status = PublicationStatus.UNPUBLISHED
    alert.save(update_fields=["status"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, alert=alert.pk,
                   change="alert_unpublished")
    return alert


def _announce_later(kind: str, item) -> None:
    from .tasks import announce

    announce.enqueue(kind, item.pk)


# --- Subscriptions ------------------------------------------------------------------------

def unsubscribe_token(subscription: Subscription) -> str:
    """Signed, never expiring, and checked against the row (which outlives the account)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscription.token)


def subscription_for_unsubscribe_token(token: str) -> Subscription | None:
    try:
        raw = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(token=raw).first()


def unsubscribe_headers(subscription: Subscription) -> dict:
    """RFC 2369 + RFC 8058: a mail client's « Se désabonner » button POSTs to the URL."""
    url = absolute_url(reverse("portal:unsubscribe", args=[unsubscribe_token(subscription)]))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def confirm_token(subscription: Subscription) -> str:
    return signing.TimestampSigner(salt="guichet.news.confirm").sign(subscription.token)


@transaction.atomic
def subscription_create(*, email: str, user=None, topics=(), communes=(), address: str = "",
                        lat: float | None = None, lon: float | None = None,
                        radius_m: int | None = None, channel: str = Subscription.Channel.EMAIL,
                        frequency: str = Subscription.Frequency.IMMEDIATE,
                        include_reports: bool = True, sms_emergencies: bool = False,
                        phone: str = "", area: dict | None = None,
                        acting_user=None) -> Subscription:
    """A signed-in resident's subscription to their own verified address is active at once;
    anyone else's is confirmed by the link sent to the address (double opt-in). A zone drawn
    on the map (`area`, a GeoJSON Polygon) replaces the address's circle."""
    if area is not None:
        lat, lon, radius = geo.bounding_circle(area)
        radius_m = max(1, math.ceil(radius))
    subscription = Subscription.objects.create(area=area,
        user=user, email=email.strip().lower(), address=address, lat=lat, lon=lon,
        radius_m=radius_m if lat is not None else None, channel=channel, frequency=frequency,
        include_reports=include_reports, sms_emergencies=sms_emergencies, phone=phone)
    subscription.topics.set(topics)
    subscription.communes.set(communes)
    own = user is not None and user.email.lower() == subscription.email and \
        user.email_verified_at is not None
    if own:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    else:
        notification_queue(
            template="subscription_confirm", recipient=subscription.email, user=user,
            mandatory=True, in_app=False,
            context={"subscription": subscription,
                     "confirm_path": reverse("portal:subscription_confirm",
                                             args=[confirm_token(subscription)])})
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, person=user,
                   subscription=subscription.pk, change="subscription_created")
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription | None:
    """The link of the double opt-in (valid 7 days); None when it is wrong or too old."""
    try:
        raw = signing.TimestampSigner(salt="guichet.news.confirm").unsign(
            token, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.filter(token=raw).first()
    if subscription and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, acting_user=None) -> bool:
    """Stop it (idempotent: a second click says it is already done). True if stopped now."""
    stopped = bool(Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True)
                   .update(unsubscribed_at=timezone.now()))
    if stopped:
        Dispatch.objects.filter(subscription=subscription, done_at__isnull=True).update(
            done_at=timezone.now())
        journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                       subscription=subscription.pk, change="unsubscribed")
    return stopped


# --- Matching and sending -----------------------------------------------------------------

def _item_payload(kind: str, item) -> dict:
    if kind == Dispatch.ItemKind.NEWS:
        return {"title": item.title, "url": item.get_absolute_url(), "summary": item.summary,
                "emergency": False}
    if kind == Dispatch.ItemKind.ALERT:
        return {"title": f"{item.get_kind_display()} : {item.title}",
                "url": reverse("portal:alert_detail", args=[item.pk]),
                "summary": item.description[:480],
                "emergency": item.kind == Alert.Kind.EMERGENCY}
    label = "Nouveau signalement" if kind == Dispatch.ItemKind.REPORT_NEW else \
        "Signalement résolu"
    return {"title": f"{label} près de chez vous : {item.category.name}"[:250],
            "url": reverse("portal:public_report", args=[item.case.reference]),
            "summary": (item.address or "")[:480], "emergency": False}


def _item_area(kind: str, item) -> tuple[float, float, float] | None:
    """(lat, lon, radius in metres) of the item, or None when it has no place."""
    if kind in (Dispatch.ItemKind.REPORT_NEW, Dispatch.ItemKind.REPORT_RESOLVED):
        return (item.lat, item.lon, 0) if item.lat is not None else None
    if kind == Dispatch.ItemKind.ALERT:
        if item.geojson:
            try:
                min_lat, min_lon, max_lat, max_lon = geo.bounds(item.geojson)
            except (KeyError, TypeError, ValueError, IndexError):
                return None
            lat, lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
            return lat, lon, geo.distance_m(min_lat, min_lon, lat, lon)
        if item.lat is not None:
            return item.lat, item.lon, item.radius_m or 0
    return None


def _item_communes(kind: str, item) -> set[int]:
    if kind in (Dispatch.ItemKind.REPORT_NEW, Dispatch.ItemKind.REPORT_RESOLVED):
        return {item.commune_id}
    org = item.organisation
    return {o.pk for o in org.territory()} if org.kind == org.Kind.EPCI else {org.pk}


def subscription_matches(subscription: Subscription, *, kind: str, communes: set[int],
                         topics: set[int], area, emergency: bool = False) -> bool:
    """Every criterion the subscriber chose must hold: their topics (if any) meet the item's,
    their communes (if any) hold it; their area (if any) meets the item's place. Signalements
    go only to area subscribers who asked for them; news (no place) to those who chose a topic
    or a commune."""
    sub_topics = {t.pk for t in subscription.topics.all()}
    sub_communes = {c.pk for c in subscription.communes.all()}
    has_area = subscription.lat is not None and subscription.radius_m
    is_report = kind in (Dispatch.ItemKind.REPORT_NEW, Dispatch.ItemKind.REPORT_RESOLVED)
    if is_report and not (has_area and subscription.include_reports):
        return False
    if sub_topics and not is_report and not emergency and not (sub_topics & topics):
        return False
    if sub_communes and not (sub_communes & communes):
        return False
    if has_area:
        if area is None:
            # An item without a place reaches area subscribers only through a commune or topic.
            return bool(sub_communes or sub_topics) and not is_report
        lat, lon, radius = area
        if geo.distance_m(subscription.lat, subscription.lon, lat, lon) > \
                subscription.radius_m + radius:
            return False
        return subscription.area is None or geo.meets(subscription.area, lat, lon, radius)
    return bool(sub_communes or sub_topics)


def _load_item(kind: str, item_id: int):
    if kind == Dispatch.ItemKind.NEWS:
        return News.objects.select_related("organisation").filter(pk=item_id).first()
    if kind == Dispatch.ItemKind.ALERT:
        return Alert.objects.select_related("organisation").filter(pk=item_id).first()
    from guichet.reports.models import Report
    return Report.objects.select_related("category", "case").filter(pk=item_id).first()


def news_announce(*, kind: str, item_id: int) -> int:
    """Fan an item out to the subscriptions it matches: one Dispatch each (idempotent), then
    the immediate ones are sent by `send_batch` tasks of BATCH subscriptions. Returns the
    number of matching subscriptions."""
    item = _load_item(kind, item_id)
    if item is None:
        return 0
    payload = _item_payload(kind, item)
    communes = _item_communes(kind, item)
    topics = set(item.topics.values_list("pk", flat=True)) if hasattr(item, "topics") else set()
    area = _item_area(kind, item)
    active = Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    if kind in (Dispatch.ItemKind.REPORT_NEW, Dispatch.ItemKind.REPORT_RESOLVED):
        active = active.filter(include_reports=True, lat__isnull=False)
    matched, immediate, rows = 0, [], []
    now = timezone.now()
    for subscription in active.prefetch_related("topics", "communes").iterator(chunk_size=2000):
        if not subscription_matches(subscription, kind=kind, communes=communes, topics=topics,
                                    area=area, emergency=payload["emergency"]):
            continue
        matched += 1
        rows.append(Dispatch(subscription=subscription, item_kind=kind, item_id=item_id,
                             created_at=now, **payload))
        if subscription.frequency == Subscription.Frequency.IMMEDIATE or payload["emergency"]:
            immediate.append(subscription.pk)
        if len(rows) >= 2000:
            Dispatch.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Dispatch.objects.bulk_create(rows, ignore_conflicts=True)
    model = {Dispatch.ItemKind.NEWS: News, Dispatch.ItemKind.ALERT: Alert}.get(kind)
    if model is not None:
        model.objects.filter(pk=item_id, announced_at__isnull=True).update(announced_at=now)
    _enqueue_batches(immediate)
    return matched


def _enqueue_batches(subscription_ids: list[int]) -> int:
    from .tasks import send_batch

    batches = 0
    for start in range(0, len(subscription_ids), BATCH):
        send_batch.enqueue(subscription_ids[start:start + BATCH])
        batches += 1
    return batches


def digests_enqueue() -> int:
    """The daily job: one `send_batch` task per BATCH daily subscriptions with something
    pending. Returns the number of tasks."""
    ids = list(Dispatch.objects.filter(
        done_at__isnull=True, subscription__frequency=Subscription.Frequency.DAILY,
        subscription__unsubscribed_at__isnull=True)
        .values_list("subscription_id", flat=True).distinct().order_by("subscription_id"))
    return _enqueue_batches(ids)


def dispatches_send(*, subscription_ids: list[int]) -> int:
    """Send, for each subscription, what is pending for it: one email (an item, or a digest of
    several) with its List-Unsubscribe headers, plus an SMS for an emergency when asked, plus
    the in-app items — each subscription in its own transaction, its dispatches locked and
    marked done in it. Returns the number of messages written."""
    written, emails = 0, []
    for subscription_id in subscription_ids:
        with transaction.atomic():
            pending = Dispatch.objects.filter(subscription_id=subscription_id,
                                              done_at__isnull=True).order_by("created_at", "pk")
            if connection.vendor == "postgresql":
                pending = pending.select_for_update(skip_locked=True)
            dispatches = list(pending)
            if not dispatches:
                continue
            subscription = Subscription.objects.select_related("user").get(pk=subscription_id)
            if not subscription.is_active:
                Dispatch.objects.filter(pk__in=[d.pk for d in dispatches]).update(
                    done_at=timezone.now())
                continue
            written += _send_to(subscription, dispatches, emails)
    # One task sends the batch's emails over one SMTP session; if this worker dies first, the
    # periodic safety net (`send_notifications`) sends what is pending.
    enqueue_batch_delivery(emails)
    return written


def _send_to(subscription: Subscription, dispatches: list[Dispatch], emails: list[int]) -> int:
    user = subscription.user
    notification = None
    written = 0
    if user is not None:
        for d in dispatches:
            notification_centre_add(user=user, category=Category.ALERTS, title=d.title,
                                    url=d.url, body=d.summary,
                                    dedupe_key=f"{d.item_kind}:{d.item_id}")
    if subscription.channel == Subscription.Channel.EMAIL:
        items = [{"title": d.title, "url": absolute_url(d.url), "summary": d.summary}
                 for d in dispatches]
        context = {"subscription": subscription, "items": items,
                   "unsubscribe_url": absolute_url(reverse(
                       "portal:unsubscribe", args=[unsubscribe_token(subscription)]))}
        notification = notification_queue(
            template="news_item" if len(items) == 1 else "news_digest",
            recipient=subscription.email, user=user, context=context, in_app=False,
            category=Category.ALERTS, headers=unsubscribe_headers(subscription), batched=True)
        if notification.status == Notification.Status.PENDING:
            emails.append(notification.pk)
        written += 1
    emergencies = [d for d in dispatches if d.emergency]
    if emergencies and subscription.sms_emergencies and subscription.phone:
        notification_queue(template="news_emergency_sms", recipient=subscription.phone,
                           channel="sms", user=user, in_app=False, category=Category.ALERTS,
                           context={"items": emergencies})
        written += 1
    Dispatch.objects.filter(pk__in=[d.pk for d in dispatches]).update(
        done_at=timezone.now(), notification=notification)
    return written


def news_dispatch_due(*, now: dt.datetime | None = None, report_days: int = 2) -> dict:
    """The periodic job: announce scheduled news whose time came, and the signalements opened
    or resolved lately near area subscribers (their Dispatch rows keep it once each)."""
    from guichet.reports.models import Report

    now = now or timezone.now()
    counts = {"news": 0, "reports": 0}
    for pk in News.objects.filter(status=PublicationStatus.PUBLISHED, publish_at__lte=now,
                                  announced_at__isnull=True).values_list("pk", flat=True):
        news_announce(kind=Dispatch.ItemKind.NEWS, item_id=pk)
        counts["news"] += 1
    if not Subscription.objects.filter(include_reports=True, lat__isnull=False,
                                       unsubscribed_at__isnull=True).exists():
        return counts
    since = now - dt.timedelta(days=report_days)
    done = set(Dispatch.objects.filter(
        item_kind__in=[Dispatch.ItemKind.REPORT_NEW, Dispatch.ItemKind.REPORT_RESOLVED],
        created_at__gte=since - dt.timedelta(days=1)).values_list("item_kind", "item_id"))
    public = Report.objects.filter(lat__isnull=False, category__is_public=True,
                                   merged_into__isnull=True)
    for pk in public.filter(created_at__gte=since).values_list("pk", flat=True):
        if (Dispatch.ItemKind.REPORT_NEW, pk) not in done:
            news_announce(kind=Dispatch.ItemKind.REPORT_NEW, item_id=pk)
            counts["reports"] += 1
    for pk in public.filter(is_open=False, case__resolved_at__gte=since
                            ).values_list("pk", flat=True):
        if (Dispatch.ItemKind.REPORT_RESOLVED, pk) not in done:
            news_announce(kind=Dispatch.ItemKind.REPORT_RESOLVED, item_id=pk)
            counts["reports"] += 1
    return counts


def radius_choices() -> list[tuple[int, str]]:
    return [(100, "100 m (ma rue)"), (300, "300 m"), (1000, "1 km"), (3000, "3 km")]


__all__ = ["NewsError", "alert_publish", "alert_save", "alert_unpublish", "digests_enqueue",
           "dispatches_send", "news_announce", "news_dispatch_due", "news_publish", "news_save",
           "news_unpublish", "radius_choices", "sanitise", "subscription_confirm",
           "subscription_create", "subscription_unsubscribe", "unsubscribe_headers",
           "unsubscribe_token"]
