"""One person's access history for the DPO: who saw what, when."""

from django.urls import reverse

from guichet.journal.models import Entry


def url(person):
    return reverse("backoffice:dpo_person", args=[person.pk])


def test_the_dpo_sees_who_saw_the_person_case(client, dpo, agent, case, resident):
    client.force_login(agent)
    client.get(case.get_backoffice_url())
    client.get(reverse("backoffice:person", args=[resident.pk]))
    client.force_login(dpo)
    html = client.get(url(resident)).content.decode()
    assert "Historique des accès — Alice Durand" in html
    assert "Paul Lemoine" in html
    assert "Consultation d&#x27;une demande" in html
    assert "Consultation d&#x27;une fiche usager" in html
    assert case.reference in html
    assert Entry.objects.filter(actor=dpo, person=resident,
                                action=Entry.Action.JOURNAL_VIEWED).exists()


def test_paginated_without_a_query_per_row(client, dpo, agent, case, resident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guichet.journal.services import journal_record

    client.force_login(dpo)
    client.get(url(resident))
    with CaptureQueriesContext(connection) as few:
        client.get(url(resident))
    for _ in range(60):
        journal_record(actor=agent, action=Entry.Action.CASE_VIEWED, case=case,
                       person=resident)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url(resident)).content.decode()
    assert len(many) == len(few)
    assert "Page 1 sur 2" in html
    assert "Page 2 sur 2" in client.get(url(resident), {"page": "2"}).content.decode()


def test_bad_input(client, dpo, case, resident):
    client.force_login(dpo)
    assert client.get(url(resident), {"page": "zzz"}).status_code == 200
    assert client.get(reverse("backoffice:dpo_person", args=[999999])).status_code == 404


def test_it_checks_ownership(client, dpo, agent, manager, resident, other_resident, case):
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.get(url(resident)).status_code == 403
    client.force_login(dpo)
    # Nothing of this person in the DPO's collectivités: 404.
    assert client.get(url(other_resident)).status_code == 404
