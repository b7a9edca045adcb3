"""The DPO looks a person up by address or name."""

from django.urls import reverse

from guichet.journal.models import Entry

URL = reverse("backoffice:dpo_people")


def test_search_by_address_and_by_name(client, dpo, case, resident):
    client.force_login(dpo)
    html = client.get(URL, {"q": "alice@exemple"}).content.decode()
    assert "1 personne trouvée" in html
    assert reverse("backoffice:dpo_person", args=[resident.pk]) in html
    html = client.get(URL, {"q": "Durand"}).content.decode()
    assert "alice@exemple.fr" in html
    assert Entry.objects.filter(actor=dpo, details__people_search="Durand").exists()


def test_no_form_no_list(client, dpo):
    client.force_login(dpo)
    html = client.get(URL).content.decode()
    assert "personne trouvée" not in html and "erreur" not in html


def test_bad_input(client, dpo, case):
    client.force_login(dpo)
    response = client.get(URL, {"q": "a"})
    html = response.content.decode()
    assert "Le formulaire contient 1 erreur" in html
    assert "Saisissez au moins 2 caractères." in html
    assert 'value="a"' in html
    html = client.get(URL, {"q": "%' OR 1=1 --"}).content.decode()
    assert "Aucune personne ne correspond" in html


def test_it_checks_ownership(client, agent, manager, resident, other_resident, dpo, case):
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.get(URL, {"q": "alice"}).status_code == 403
    client.force_login(dpo)
    # Someone with nothing in the DPO's collectivités is not listed.
    assert "bob@exemple.fr" not in client.get(URL, {"q": "bob"}).content.decode()
