"""Each collectivité's processings of personal data, for residents."""

from django.urls import reverse


def url(org):
    return reverse("portal:organisation_privacy", args=[org.slug])


def test_residents_read_the_processings(client, commune, canteen, dpo):
    html = client.get(url(commune)).content.decode()
    assert "Vos données personnelles — Hayange" in html
    assert "Démarche « Inscription à la cantine scolaire »" in html
    assert "Numéro d&#x27;allocataire : Calculer le tarif" in html
    assert "Durée de conservation" in html
    assert "Denis Garnier, délégué à la protection des données" in html
    assert reverse("portal:privacy_request") + "?collectivite=hayange" in html


def test_the_privacy_page_lists_each_collectivite(client, commune, epci):
    html = client.get(reverse("portal:privacy")).content.decode()
    assert url(commune) in html and url(epci) in html
    assert reverse("portal:privacy_request") in html


def test_bad_input(client, commune):
    assert client.get("/collectivites/inconnue/donnees-personnelles/").status_code == 404
    commune.is_active = False
    commune.save()
    assert client.get(url(commune)).status_code == 404


def test_it_checks_ownership(client, commune, canteen, resident, agent):
    """Public: the same for everyone, and nothing about any resident or agent."""
    anonymous = client.get(url(commune)).content.decode()
    client.force_login(resident)
    assert client.get(url(commune)).status_code == 200
    assert "alice@exemple.fr" not in anonymous and "agent.voirie" not in anonymous
