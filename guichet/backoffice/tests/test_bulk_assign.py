from django.urls import reverse

from conftest import make_agent
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry


def submit(unit, n):
    return contact_submit(unit=unit, subject=f"Demande {n}", message="…", name="X",
                          email="x@exemple.fr")


def test_assigning_a_selection(client, unit, agent, manager):
    cases = [submit(unit, n) for n in range(3)]
    client.force_login(manager)
    response = client.post(reverse("backoffice:bulk_assign"), {
        "ref": [c.reference for c in cases[:2]], "assignee": str(agent.pk)}, follow=True)
    assert "2 demandes traitées." in response.content.decode()
    assert [c.__class__.objects.get(pk=c.pk).assignee for c in cases] == [agent, agent, None]
    assert Entry.objects.filter(action=Entry.Action.CASE_ASSIGNED, actor=manager).count() == 2


def test_an_empty_selection_is_explained(client, unit, agent):
    client.force_login(agent)
    response = client.post(reverse("backoffice:bulk_assign"), {"assignee": ""}, follow=True)
    assert "Sélectionnez au moins une demande." in response.content.decode()


def test_an_agent_outside_the_unit_is_refused_per_case(client, unit, agent, other_agent):
    case = submit(unit, 1)
    client.force_login(agent)
    response = client.post(reverse("backoffice:bulk_assign"), {
        "ref": [case.reference], "assignee": str(other_agent.pk)}, follow=True)
    assert "ne fait pas partie du service" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None


def test_it_checks_ownership(client, unit, other_unit, agent):
    """Cases of another unit in the selection are ignored."""
    elsewhere = submit(other_unit, 1)
    intruder = make_agent("intrus@hayange.fr", other_unit)
    client.force_login(agent)
    client.post(reverse("backoffice:bulk_assign"), {"ref": [elsewhere.reference],
                                                    "assignee": str(agent.pk)})
    elsewhere.refresh_from_db()
    assert elsewhere.assignee is None
    client.force_login(intruder)
    assert client.post(reverse("backoffice:bulk_assign"), {"ref": []}).status_code == 302


def test_bulk_transfer_status_and_close(client, unit, other_unit, agent, manager):
    from guichet.cases.models import Case, Status

    cases = [submit(unit, n) for n in range(3)]
    client.force_login(agent)
    url = reverse("backoffice:bulk_assign")
    client.post(url, {"ref": [cases[0].reference], "action": "status",
                      "status": "in_progress"})
    client.post(url, {"ref": [cases[1].reference], "action": "close",
                      "message": "Traité lors de la tournée."})
    response = client.post(url, {"ref": [cases[2].reference], "action": "close",
                                 "message": ""}, follow=True)
    assert "Écrivez le message de clôture" in response.content.decode()
    client.post(url, {"ref": [cases[2].reference], "action": "transfer",
                      "unit": other_unit.pk, "reason": "Pas chez nous"})
    statuses = {c.reference: (c.status, c.unit_id) for c in Case.objects.all()}
    assert statuses[cases[0].reference][0] == Status.IN_PROGRESS
    assert statuses[cases[1].reference][0] == Status.CLOSED
    assert statuses[cases[2].reference][1] == other_unit.pk


def test_ids_that_are_not_numbers_are_refused_without_an_error_page(client, unit, agent):
    case = submit(unit, 1)
    client.force_login(agent)
    response = client.post(reverse("backoffice:bulk_assign"), {
        "ref": [case.reference], "action": "transfer", "unit": "abc"}, follow=True)
    assert response.status_code == 200 and "Choisissez le service." in response.text
    response = client.post(reverse("backoffice:bulk_assign"), {
        "ref": [case.reference], "assignee": "1 OR 1=1"}, follow=True)
    assert response.status_code == 200
