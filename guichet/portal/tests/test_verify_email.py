from django.urls import reverse

from guichet.accounts.services import email_verification_send

from .helpers import link_in


def test_a_valid_link_verifies_the_address(client, resident, deliver):
    email_verification_send(user=resident)
    response = client.get(link_in(deliver()[0]))
    assert response["Location"] == reverse("portal:login")
    resident.refresh_from_db()
    assert resident.email_verified_at is not None


def test_a_link_for_an_old_address_does_nothing(client, resident, deliver):
    email_verification_send(user=resident)
    path = link_in(deliver()[0])
    resident.email = "alice.nouvelle@exemple.fr"
    resident.save()
    assert client.get(path).status_code == 400
    resident.refresh_from_db()
    assert resident.email_verified_at is None


def test_an_expired_link_is_refused(client, resident, deliver, settings):
    email_verification_send(user=resident)
    path = link_in(deliver()[0])
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    assert client.get(path).status_code == 400


def test_it_checks_ownership(client, resident, other_resident, deliver):
    """Bob's link verifies Bob's address, not Alice's, and logs nobody in."""
    email_verification_send(user=other_resident)
    client.get(link_in(deliver()[0]))
    resident.refresh_from_db()
    other_resident.refresh_from_db()
    assert resident.email_verified_at is None and other_resident.email_verified_at is not None
    assert "_auth_user_id" not in client.session


def test_resend_needs_an_account(client, resident, deliver):
    assert client.post(reverse("portal:resend_verification")).status_code == 302
    assert deliver() == []
    client.force_login(resident)
    client.post(reverse("portal:resend_verification"))
    assert deliver()[0].to == ["alice@exemple.fr"]
