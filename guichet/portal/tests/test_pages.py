from django.urls import reverse


def test_accessibility_and_privacy_pages(client, db):
    assert "accessibilité" in client.get(reverse("portal:accessibility")).content.decode().lower()
    assert "données" in client.get(reverse("portal:privacy")).content.decode().lower()


def test_it_checks_ownership(client, db):
    """Public pages, open to everyone: nothing personal on them."""
    assert client.get(reverse("portal:privacy")).status_code == 200


def test_pages_stay_french_for_an_english_browser(client, passport):
    from guichet.appointments.tests.fixtures import next_working_day

    day = next_working_day()
    html = client.get(f"/rendez-vous/titres/passeport/?semaine={day.isoformat()}",
                      HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="fr"' in html
    assert any(name in html for name in ("lundi", "mardi", "mercredi", "jeudi", "vendredi"))
    assert "Monday" not in html and "November" not in html
