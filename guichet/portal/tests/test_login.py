from django.urls import reverse

PASSWORD = "motdepasse-solide-42"


def test_a_resident_logs_in_and_goes_where_they_wanted(client, resident):
    response = client.post(reverse("portal:login"), {
        "username": "ALICE@exemple.fr", "password": PASSWORD, "next": "/mon-profil/"})
    assert response.status_code == 302 and response["Location"] == "/mon-profil/"
    assert client.get("/mes-demandes/").status_code == 200


def test_an_agent_lands_on_the_back_office_inbox(client, agent):
    response = client.post(reverse("portal:login"), {
        "username": "agent.voirie@hayange.fr", "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("backoffice:inbox"), 302)]
    assert "Boîte de réception" in response.content.decode()


def test_an_agent_still_goes_where_they_wanted(client, agent):
    response = client.post(reverse("portal:login"), {
        "username": "agent.voirie@hayange.fr", "password": PASSWORD, "next": "/mon-profil/"})
    assert response["Location"] == "/mon-profil/"


def test_a_resident_lands_on_their_cases(client, resident):
    response = client.post(reverse("portal:login"), {
        "username": "alice@exemple.fr", "password": PASSWORD})
    assert response["Location"] == reverse("portal:my_cases")


def test_a_wrong_password_is_explained_in_french_and_the_email_kept(client, resident):
    response = client.post(reverse("portal:login"), {"username": "alice@exemple.fr",
                                                     "password": "mauvais"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "incorrect" in html
    assert 'value="alice@exemple.fr"' in html
    assert "Il y a un problème" in html or "error-summary" in html


def test_an_outside_next_url_is_ignored(client, resident):
    response = client.post(reverse("portal:login"), {
        "username": "alice@exemple.fr", "password": PASSWORD, "next": "https://pirate.example/"})
    assert response["Location"] == reverse("portal:my_cases")


def test_login_is_blocked_after_five_failures_even_with_the_right_password(client, resident):
    for _ in range(5):
        client.post(reverse("portal:login"), {"username": "alice@exemple.fr",
                                              "password": "mauvais"})
    response = client.post(reverse("portal:login"), {"username": "alice@exemple.fr",
                                                     "password": PASSWORD})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "réessayez dans 15 minutes" in response.content.decode()
    assert client.get("/mes-demandes/").status_code == 302  # still not logged in
    # Changing the case of the address does not get round it.
    response = client.post(reverse("portal:login"), {"username": "Alice@Exemple.FR",
                                                     "password": PASSWORD})
    assert response.status_code == 429


def test_passwords_are_hashed_with_argon2(settings, db):
    from guichet.accounts.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="hash@exemple.fr", password=PASSWORD)
    assert user.password.startswith("argon2$")


def test_it_checks_ownership(client, case, resident, other_resident):
    """Logging in as someone else never opens another resident's case."""
    client.post(reverse("portal:login"), {"username": "bob@exemple.fr", "password": PASSWORD})
    assert client.get(reverse("portal:case_by_token", args=[case.token])).status_code == 404
