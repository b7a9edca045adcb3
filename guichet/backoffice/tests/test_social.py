import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guichet.cases.models import Case


def test_a_comment_becomes_a_case_with_the_social_targets(client, agent, unit):
    client.force_login(agent)
    posted = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("backoffice:social"), {
        "network": "facebook", "handle": "@jeanne57", "url": "https://facebook.com/p/1",
        "posted_at": posted, "text": "Quand la rue Foch sera-t-elle refaite ?",
        "unit": unit.pk})
    case = Case.objects.get()
    assert response["Location"] == case.get_backoffice_url()
    assert case.channel == "social" and case.social_post.handle == "@jeanne57"
    calendar = case.organisation.calendar()
    assert calendar.between(case.created_at, case.first_response_due_at) == dt.timedelta(
        hours=48)
    html = client.get(case.get_backoffice_url()).content.decode()
    assert "publiez-la ensuite sur Facebook" in html


def test_a_message_for_another_unit_brings_the_officer_back_to_the_inbox(client, agent,
                                                                        other_unit):
    client.force_login(agent)
    response = client.post(reverse("backoffice:social"), {
        "network": "facebook", "handle": "@jeanne57", "url": "",
        "posted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "text": "Où faire refaire ma carte d'identité ?", "unit": other_unit.pk}, follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1] == (reverse("backoffice:inbox"), 302)
    assert f"Demande {case.reference} créée pour État civil." in response.content.decode()


def test_the_public_charter_shows_the_settings(client, db, settings):
    settings.SOCIAL_FIRST_RESPONSE_HOURS = 24
    html = client.get(reverse("portal:social_charter")).content.decode()
    assert "1 jour ouvré" in html and "5 jours ouvrés" in html
    assert "du lundi au vendredi, hors jours fériés" in html


def test_bad_input_and_ownership(client, agent, resident, unit):
    client.force_login(agent)
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    html = client.post(reverse("backoffice:social"), {
        "network": "facebook", "handle": "", "posted_at": future, "text": "x",
        "unit": unit.pk}).content.decode()
    assert "dans le futur" in html and "Ce champ est obligatoire" in html
    client.force_login(resident)
    assert client.get(reverse("backoffice:social")).status_code == 403
    assert not Case.objects.exists()
