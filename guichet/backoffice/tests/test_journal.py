"""The audit journal: the DPO consults it, and that consultation is journaled too."""

from django.urls import reverse

from guichet.journal.models import Entry

URL = reverse("backoffice:journal")


def test_dpo_sees_who_viewed_a_case(client, dpo, agent, case):
    client.force_login(agent)
    client.get(case.get_backoffice_url())
    client.force_login(dpo)
    html = client.get(URL).content.decode()
    assert "agent.voirie@hayange.fr" in html
    assert "Consultation d&#x27;une demande" in html
    assert case.reference in html
    assert Entry.objects.filter(action=Entry.Action.JOURNAL_VIEWED, actor=dpo).exists()


def test_filters(client, dpo, agent, case):
    client.force_login(agent)
    client.get(case.get_backoffice_url())
    client.force_login(dpo)
    html = client.get(URL, {"action": "case_noted"}).content.decode()
    assert "agent.voirie@hayange.fr" not in html
    html = client.get(URL, {"reference": case.reference.lower()}).content.decode()
    assert "agent.voirie@hayange.fr" in html


def test_it_checks_ownership(client, agent, manager, resident):
    for user in (agent, manager):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(resident)
    assert client.get(URL).status_code == 403
