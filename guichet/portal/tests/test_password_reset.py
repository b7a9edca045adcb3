from django.urls import reverse

from .helpers import link_in

NEW = "un-nouveau-secret-solide"


def test_a_resident_resets_their_password(client, resident, deliver):
    response = client.post(reverse("portal:password_reset"), {"email": "alice@exemple.fr"})
    assert response["Location"] == reverse("portal:password_reset_done")
    path = link_in(deliver()[0])
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("portal:login")
    resident.refresh_from_db()
    assert resident.check_password(NEW)
    # The link is spent: the form is not offered again.
    html = client.get(path, follow=True).content.decode()
    assert 'name="new_password1"' not in html


def test_mismatched_passwords_are_explained(client, resident, deliver):
    client.post(reverse("portal:password_reset"), {"email": "alice@exemple.fr"})
    form_url = client.get(link_in(deliver()[0]), follow=True).redirect_chain[-1][0]
    html = client.post(form_url, {"new_password1": NEW, "new_password2": "autre"}).content.decode()
    assert "Les deux mots de passe ne correspondent pas." in html


def test_an_unknown_address_sends_nothing_but_says_the_same(client, db, deliver):
    response = client.post(reverse("portal:password_reset"), {"email": "x@exemple.fr"})
    assert response["Location"] == reverse("portal:password_reset_done")
    assert deliver() == []


def test_it_checks_ownership(client, resident, other_resident, deliver):
    """Bob's reset link changes Bob's password only."""
    client.post(reverse("portal:password_reset"), {"email": "bob@exemple.fr"})
    form_url = client.get(link_in(deliver()[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    resident.refresh_from_db()
    other_resident.refresh_from_db()
    assert other_resident.check_password(NEW) and not resident.check_password(NEW)
