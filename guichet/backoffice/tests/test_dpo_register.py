"""The DPO's register of processing activities, on screen and printable."""

from django.urls import reverse

from guichet.journal.models import Entry

URL = reverse("backoffice:dpo_register")


def test_the_dpo_reads_the_register(client, dpo, canteen):
    client.force_login(dpo)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Registre des traitements — Hayange" in html
    assert "Démarche « Inscription à la cantine scolaire »" in html
    assert "Numéro d&#x27;allocataire : Calculer le tarif" in html
    assert "Signalements sur l&#x27;espace public" in html
    assert "Denis Garnier, délégué à la protection des données" in html
    assert reverse("backoffice:dpo_register_export", args=["hayange", "xlsx"]) in html
    assert Entry.objects.filter(actor=dpo, action=Entry.Action.JOURNAL_VIEWED,
                                details__register="hayange").exists()


def test_printable_and_other_collectivite(client, dpo, epci):
    client.force_login(dpo)
    html = client.get(URL, {"imprimer": "1"}).content.decode()
    assert "utilisez la commande Imprimer" in html and "Exporter le registre" not in html
    html = client.get(URL, {"collectivite": "val-de-fensch"}).content.decode()
    assert "Registre des traitements — Val de Fensch" in html


def test_bad_input(client, dpo, other_commune):
    client.force_login(dpo)
    # A collectivité the DPO does not watch is ignored: their first one is shown.
    html = client.get(URL, {"collectivite": other_commune.slug}).content.decode()
    assert "Ailleurs" not in html
    assert client.get(URL, {"collectivite": "<script>"}).status_code == 200


def test_it_checks_ownership(client, agent, manager, resident, procedure_admin):
    for user in (agent, manager, resident, procedure_admin):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302
