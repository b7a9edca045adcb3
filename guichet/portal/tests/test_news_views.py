import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guichet.news.models import News


def test_the_news_page_lists_visible_news_only(client, news, commune,
                                               django_assert_max_num_queries):
    News.objects.create(organisation=commune, title="Brouillon secret", slug="brouillon",
                        summary="x", body_html="<p>x</p>")
    News.objects.create(organisation=commune, title="Expirée", slug="expiree", summary="x",
                        body_html="<p>x</p>", status=News.Status.PUBLISHED,
                        publish_at=timezone.now() - dt.timedelta(days=3),
                        expire_at=timezone.now() - dt.timedelta(days=1))
    for i in range(12):
        News.objects.create(organisation=commune, title=f"Brève {i}", slug=f"breve-{i}",
                            summary="x", body_html="<p>x</p>", status=News.Status.PUBLISHED,
                            publish_at=timezone.now() - dt.timedelta(days=2, minutes=i))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("portal:news")).content.decode()
    assert "Marché de Noël" in html and "Brouillon secret" not in html and "Expirée" not in html
    assert "Page 1 sur 2" in html
    assert "Brève 11" in client.get(reverse("portal:news") + "?page=2").content.decode()


def test_a_draft_is_not_shown_even_by_its_address(client, news):
    News.objects.filter(pk=news.pk).update(status=News.Status.DRAFT)
    assert client.get(reverse("portal:news_detail", args=[news.slug])).status_code == 404


def test_the_detail_shows_the_sanitised_body(client, news):
    html = client.get(reverse("portal:news_detail", args=[news.slug])).content.decode()
    assert "<p>Venez nombreux.</p>" in html


def test_feeds_per_commune_and_topic(client, news, commune, topic, other_commune):
    rss = client.get(reverse("portal:news_rss") + f"?commune={commune.slug}&theme={topic.slug}")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "Marché de Noël" in rss.content.decode()
    atom = client.get(reverse("portal:news_atom") + f"?commune={other_commune.slug}")
    assert "Marché de Noël" not in atom.content.decode()


def test_the_home_page_shows_the_current_alerts(client, works):
    from guichet.news.models import Alert
    Alert.objects.filter(pk=works.pk).update(status=Alert.Status.PUBLISHED)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Alertes en cours" in html and "Travaux rue Foch" in html


def test_it_checks_ownership(client, works):
    """An unpublished alert is nobody's to see."""
    assert client.get(reverse("portal:alert_detail", args=[works.pk])).status_code == 404


def test_alert_feeds_carry_published_alerts_and_closures_per_commune(client, works, commune,
                                                                      other_commune):
    from guichet.news.models import Alert
    from guichet.organisations.models import Closure

    Closure.objects.create(organisation=commune, start_date=timezone.localdate(),
                           end_date=timezone.localdate() + dt.timedelta(days=1),
                           reason="Inventaire annuel")
    rss = client.get(reverse("portal:alerts_rss") + f"?commune={commune.slug}")
    assert rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "Travaux rue Foch" not in body  # not published yet
    assert "Inventaire annuel" in body and "Fermeture exceptionnelle" in body

    Alert.objects.filter(pk=works.pk).update(status=Alert.Status.PUBLISHED)
    atom = client.get(reverse("portal:alerts_atom") + f"?commune={commune.slug}").content.decode()
    assert "Travaux rue Foch" in atom
    assert reverse("portal:alert_detail", args=[works.pk]) in atom
    elsewhere = client.get(reverse("portal:alerts_rss") + f"?commune={other_commune.slug}")
    assert "Travaux rue Foch" not in elsewhere.content.decode()
    page = client.get(reverse("portal:alerts") + f"?commune={commune.slug}").content.decode()
    assert reverse("portal:alerts_rss") + f"?commune={commune.slug}" in page
