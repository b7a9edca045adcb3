from django.urls import reverse

from guichet.news.models import Alert, Dispatch, News


def _news_data(commune, **changes):
    return {"organisation": commune.pk, "title": "Fête de la musique", "summary": "Le 21 juin.",
            "body_html": "<p>Concerts <script>x</script>partout.</p>",
            "publish_at": "2026-06-01T10:00", **changes}


def test_an_agent_writes_and_publishes_news(client, communicator, commune):
    client.force_login(communicator)
    response = client.post(reverse("backoffice:news_add"), _news_data(commune))
    news = News.objects.get()
    assert response["Location"] == reverse("backoffice:news_edit", args=[news.pk])
    assert news.body_html == "<p>Concerts partout.</p>"
    client.post(reverse("backoffice:news_publication", args=[news.pk]))
    news.refresh_from_db()
    assert news.status == News.Status.PUBLISHED


def test_errors_are_summarised_and_what_was_typed_kept(client, communicator, commune):
    client.force_login(communicator)
    html = client.post(reverse("backoffice:news_add"),
                       _news_data(commune, body_html="<script>x</script>", summary="",
                                  publish_at="demain")).content.decode()
    assert "Le formulaire contient 3 erreurs" in html
    assert "Écrivez le texte de l&#x27;actualité." in html
    assert "Indiquez une date et une heure valides." in html
    assert 'value="Fête de la musique"' in html


def test_an_image_is_checked_by_content(client, communicator, commune):
    from django.core.files.uploadedfile import SimpleUploadedFile
    client.force_login(communicator)
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    html = client.post(reverse("backoffice:news_add"),
                       {**_news_data(commune), "image": fake}).content.decode()
    assert "Image : Téléversez une image valide" in html


def test_an_alert_with_a_zone_is_published(client, communicator, commune, immediate_tasks):
    client.force_login(communicator)
    client.post(reverse("backoffice:alert_add"), {
        "organisation": commune.pk, "kind": "works", "title": "Travaux rue Foch",
        "description": "Chaussée fermée.", "starts_at": "2026-01-01T08:00",
        "ends_at": "2099-01-01T18:00", "address": "rue Foch", "lat": "49.33", "lon": "6.05",
        "radius_m": "150"})
    alert = Alert.objects.get()
    client.post(reverse("backoffice:alert_publication", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PUBLISHED and alert.announced_at is not None
    assert not Dispatch.objects.exists()  # nobody subscribed there


def test_a_zone_without_radius_is_refused(client, communicator, commune):
    client.force_login(communicator)
    html = client.post(reverse("backoffice:alert_add"), {
        "organisation": commune.pk, "kind": "works", "title": "Travaux",
        "description": "x", "starts_at": "2026-01-01T08:00", "ends_at": "2025-01-01T18:00",
        "lat": "49.33", "lon": "6.05"}).content.decode()
    assert "La fin doit suivre le début." in html
    assert "Indiquez le rayon de la zone, en mètres." in html


def test_it_checks_ownership(client, agent, communicator, commune, other_commune):
    """A plain agent has no communication screens; a communication agent cannot edit another
    collectivité's news."""
    client.force_login(agent)
    assert client.get(reverse("backoffice:communication")).status_code == 403
    other = News.objects.create(organisation=other_commune, title="Ailleurs", slug="ailleurs",
                                summary="x", body_html="<p>x</p>")
    client.force_login(communicator)
    assert client.get(reverse("backoffice:news_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("backoffice:news_publication",
                               args=[other.pk])).status_code == 404
