from django.urls import reverse

from guichet.accounts.models import User

from .helpers import link_in

DATA = {"first_name": "Chloé", "last_name": "Bernard", "email": "Chloe@Exemple.fr",
        "password": "un-mot-de-passe-long"}


def test_registering_creates_the_account_and_sends_a_verification_link(client, db, deliver):
    response = client.post(reverse("portal:register"), DATA)
    assert response["Location"] == reverse("portal:profile")
    user = User.objects.get(email="chloe@exemple.fr")
    assert user.email_verified_at is None
    message = deliver()[0]
    assert message.to == ["chloe@exemple.fr"]
    client.get(link_in(message))
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_errors_are_shown_and_what_was_typed_kept(client, resident):
    data = {**DATA, "email": "alice@exemple.fr", "password": "123"}
    html = client.post(reverse("portal:register"), data).content.decode()
    assert "Un compte existe déjà avec cette adresse" in html
    assert 'value="Chloé"' in html and 'value="Bernard"' in html
    assert User.objects.count() == 1


def test_it_checks_ownership(client, resident, db):
    """Registering with someone else's address never gives access to their account."""
    client.post(reverse("portal:register"), {**DATA, "email": "alice@exemple.fr"})
    assert "_auth_user_id" not in client.session
