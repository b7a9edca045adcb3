from django.urls import reverse

from guichet.surveys.models import Kiosk


def test_a_kiosk_is_created_and_its_address_shown(client, agent, open_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_kiosk_add", args=[open_survey.pk]),
                           {"borne-place": "Piscine — accueil"}, follow=True)
    kiosk = Kiosk.objects.get()
    html = response.content.decode()
    assert kiosk.place == "Piscine — accueil" and kiosk.survey == open_survey
    assert "La borne « Piscine — accueil » est créée" in html
    assert kiosk.get_absolute_url() in html


def test_a_kiosk_needs_a_place(client, agent, open_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_kiosk_add", args=[open_survey.pk]),
                           {"borne-place": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire contient 1 erreur" in html
    assert "Indiquez le lieu de la borne." in html
    assert not Kiosk.objects.exists()


def test_it_checks_ownership(client, other_agent, resident, open_survey):
    url = reverse("backoffice:survey_kiosk_add", args=[open_survey.pk])
    client.force_login(other_agent)
    assert client.post(url, {"borne-place": "Ailleurs"}).status_code == 404
    client.force_login(resident)
    assert client.post(url, {"borne-place": "Ailleurs"}).status_code == 403
    assert not Kiosk.objects.exists()
