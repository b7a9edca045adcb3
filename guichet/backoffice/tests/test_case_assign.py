"""Assigning: to oneself or a colleague of the unit, or back to the unit's queue."""

from django.urls import reverse

from guichet.cases.models import Event


def url(case):
    return reverse("backoffice:case_assign", args=[case.reference])


def test_take_the_case_then_give_it_to_a_colleague(client, agent, manager, case):
    client.force_login(agent)
    client.post(url(case), {"assign-assignee": agent.pk})
    case.refresh_from_db()
    assert case.assignee == agent
    client.post(url(case), {"assign-assignee": manager.pk})
    case.refresh_from_db()
    assert case.assignee == manager
    client.post(url(case), {"assign-assignee": ""})
    case.refresh_from_db()
    assert case.assignee is None
    assert case.events.filter(kind=Event.Kind.ASSIGNED).count() == 3


def test_agent_of_another_unit_cannot_be_chosen(client, agent, other_agent, case):
    client.force_login(agent)
    response = client.post(url(case), {"assign-assignee": other_agent.pk})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None


def test_it_checks_ownership(client, other_agent, case):
    client.force_login(other_agent)
    assert client.post(url(case), {"assign-assignee": other_agent.pk}).status_code == 404
    case.refresh_from_db()
    assert case.assignee is None
