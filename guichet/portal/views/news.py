"""Public news and alerts, their feeds, subscriptions and the unsubscribe link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt

from guichet.news.models import News, Topic
from guichet.news.selectors import current_alerts, published_alerts, visible_news
from guichet.news.services import (
    subscription_confirm,
    subscription_create,
    subscription_for_unsubscribe_token,
    subscription_unsubscribe,
)
from guichet.organisations.models import Organisation
from guichet.reports.selectors import map_settings

from ..news_forms import SubscriptionForm

PAGE_SIZE = 10


def _filters(request):
    commune = topic = None
    if slug := request.GET.get("commune", "").strip():
        commune = Organisation.objects.filter(slug=slug[:50]).first()
    if slug := request.GET.get("theme", "").strip():
        topic = Topic.objects.filter(slug=slug[:50]).first()
    return commune, topic


def news_list(request):
    """GET /actualites/?commune=…&theme=… : the visible news, 10 a page."""
    commune, topic = _filters(request)
    page = Paginator(visible_news(commune=commune, topic=topic), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = {k: v for k, v in (("commune", commune and commune.slug),
                               ("theme", topic and topic.slug)) if v}
    from urllib.parse import urlencode
    return render(request, "portal/news/list.html", {
        "page": page, "commune": commune, "topic": topic, "querystring": urlencode(query),
        "communes": Organisation.objects.filter(is_active=True).order_by("kind", "name"),
        "topics": Topic.objects.order_by("name"),
        "alerts": current_alerts(commune=commune)})


def news_detail(request, slug):
    news = get_object_or_404(News.objects.select_related("organisation"), slug=slug)
    if not news.is_visible():
        raise Http404
    return render(request, "portal/news/detail.html", {"news": news})


def news_image(request, slug):
    news = get_object_or_404(News, slug=slug)
    if not news.is_visible() or not news.image:
        raise Http404
    return FileResponse(news.image.open("rb"))


def alerts(request):
    commune, _topic = _filters(request)
    return render(request, "portal/news/alerts.html", {
        "alerts": current_alerts(commune=commune, days_ahead=60, limit=100), "commune": commune,
        "communes": Organisation.objects.filter(is_active=True).order_by("kind", "name")})


def alert_detail(request, pk):
    alert = get_object_or_404(published_alerts().filter(starts_at__isnull=False), pk=pk)
    return render(request, "portal/news/alert.html", {"alert": alert})


class NewsFeed(Feed):
    """RSS 2.0 of the visible news, for a commune and/or a topic (?commune=…&theme=…)."""

    description_template = None

    def get_object(self, request):
        return _filters(request)

    def title(self, obj):
        commune, topic = obj
        parts = ["Actualités"] + [p.name for p in (commune, topic) if p is not None]
        return " — ".join(parts)

    def link(self, obj):
        return reverse("portal:news")

    def description(self, obj):
        return "Les actualités publiées par les collectivités du territoire."

    def items(self, obj):
        commune, topic = obj
        return visible_news(commune=commune, topic=topic)[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_categories(self, item):
        return [t.name for t in item.topics.all()]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class AlertsFeed(Feed):
    """RSS 2.0 of the alerts under way or announced for the next 60 days (?commune=…): the
    published ones and the closures read where they live, as on the « Alertes » page."""

    description_template = None

    def get_object(self, request):
        return _filters(request)[0]

    def title(self, commune):
        return "Alertes en cours" + (f" — {commune.name}" if commune else "")

    def link(self, commune):
        return reverse("portal:alerts") + (f"?commune={commune.slug}" if commune else "")

    def description(self, commune):
        return "Fermetures, travaux et urgences annoncés par les collectivités du territoire."

    def items(self, commune):
        return current_alerts(commune=commune, days_ahead=60, limit=50)

    def item_title(self, item):
        return f"{item.kind_label} — {item.title}"

    def item_description(self, item):
        start = timezone.localtime(item.starts_at)
        end = timezone.localtime(item.ends_at)
        return (f"{item.commune}, du {start:%d/%m/%Y à %H:%M} au {end:%d/%m/%Y à %H:%M}. "
                f"{item.text}")

    def item_link(self, item):
        return item.url or reverse("portal:alerts")

    def item_guid(self, item):
        # Only a published alert has a page of its own; a closure is told apart by its
        # source, place and start.
        if item.source == "alert":
            return item.url
        return f"{item.source}:{item.commune}:{item.title}:{item.starts_at:%Y%m%dT%H%M}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.starts_at

    def item_categories(self, item):
        return [item.kind_label]


class AlertsAtomFeed(AlertsFeed):
    feed_type = Atom1Feed
    subtitle = AlertsFeed.description


def subscribe(request):
    """GET/POST /abonnements/nouveau/: anyone; a signed-in resident's own address is active at
    once, any other address gets a confirmation link."""
    user = request.user if request.user.is_authenticated else None
    initial = {"email": user.email} if user else {}
    form = SubscriptionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subscription = subscription_create(
            email=data["email"], user=user, topics=data["topics"], communes=data["communes"],
            address=data["address"], lat=data.get("lat"), lon=data.get("lon"),
            radius_m=data["radius_m"], channel=data["channel"], frequency=data["frequency"],
            include_reports=data["include_reports"], sms_emergencies=data["sms_emergencies"],
            phone=data.get("phone") or "", area=data.get("area"), acting_user=user)
        if subscription.confirmed_at:
            messages.success(request, "Votre abonnement est enregistré.")
            return redirect("portal:subscriptions")
        return render(request, "portal/news/subscribe_sent.html", {"email": subscription.email})
    return render(request, "portal/news/subscribe.html", {"form": form, "map": map_settings()})


def subscriptions(request):
    """A signed-in resident's subscriptions; anyone else is invited to subscribe."""
    if not request.user.is_authenticated:
        return redirect("portal:subscribe")
    from guichet.news.selectors import subscriptions_of
    from guichet.news.services import unsubscribe_token

    listed = list(subscriptions_of(request.user))
    for sub in listed:
        sub.unsubscribe_token = unsubscribe_token(sub)
    return render(request, "portal/news/subscriptions.html", {"subscriptions": listed})


def confirm(request, token):
    subscription = subscription_confirm(token=token)
    if subscription is None:
        return render(request, "portal/news/confirm_invalid.html", status=400)
    return render(request, "portal/news/confirmed.html", {"subscription": subscription})


@csrf_exempt
def unsubscribe(request, token):
    """GET shows a button (mail scanners follow links); POST unsubscribes — the form, or a mail
    client's one-click POST (RFC 8058, no cookie, no CSRF token: the signed token is the
    proof). Works after the account was deleted: the subscription row keeps the address."""
    subscription = subscription_for_unsubscribe_token(token)
    if subscription is None:
        return render(request, "portal/news/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        subscription_unsubscribe(subscription=subscription,
                                 acting_user=request.user if request.user.is_authenticated
                                 else None)
        return render(request, "portal/news/unsubscribed.html", {"subscription": subscription})
    return render(request, "portal/news/unsubscribe.html", {
        "subscription": subscription, "token": token,
        "already": subscription.unsubscribed_at is not None, "now": timezone.now()})


