from django.urls import reverse


def test_logout_needs_a_post(client, resident):
    client.force_login(resident)
    assert client.get(reverse("portal:logout")).status_code == 405
    assert client.post(reverse("portal:logout"))["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:my_cases")).status_code == 302


def test_it_checks_ownership(client, resident, other_resident):
    """Logging out one browser leaves other sessions alone."""
    other = client.__class__()
    other.force_login(other_resident)
    client.force_login(resident)
    client.post(reverse("portal:logout"))
    assert other.get(reverse("portal:my_cases")).status_code == 200
