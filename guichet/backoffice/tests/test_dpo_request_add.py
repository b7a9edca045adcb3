"""The DPO records a rights request received at the counter, identity checked."""

from django.urls import reverse

from guichet.cases.models import Case
from guichet.journal.models import Entry

URL = reverse("backoffice:dpo_request_add")


def data(commune, **changes):
    return {"organisation": str(commune.pk), "right": "objection", "channel": "counter",
            "name": "Marc Blanc", "email": "marc@exemple.fr",
            "message": "Je m'oppose à recevoir les enquêtes.", "identity_checked": "on",
            **changes}


def test_recorded_as_a_case_for_the_dpo(client, dpo, commune, unit):
    client.force_login(dpo)
    response = client.post(URL, data(commune), follow=True)
    case = Case.objects.get(kind="privacy")
    assert case.unit == unit and case.channel == "counter"
    assert case.subject.startswith("Droit d'opposition")
    html = response.content.decode()
    assert f"La demande {case.reference} est enregistrée" in html
    assert Entry.objects.filter(case=case, actor=dpo, details__identity_checked=True).exists()


def test_bad_input(client, dpo, commune):
    client.force_login(dpo)
    response = client.post(URL, data(commune, identity_checked="", email="pas-une-adresse",
                                      right="hack"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le formulaire contient 3 erreurs" in html
    assert "Vérifiez l&#x27;identité du demandeur avant d&#x27;enregistrer." in html
    assert "Je m&#x27;oppose à recevoir les enquêtes." in html  # kept
    assert not Case.objects.filter(kind="privacy").exists()
    response = client.post(URL, data(commune, organisation="999999"))
    assert response.status_code == 400


def test_it_checks_ownership(client, agent, manager, resident, commune):
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, data(commune)).status_code == 403
    assert not Case.objects.filter(kind="privacy").exists()
