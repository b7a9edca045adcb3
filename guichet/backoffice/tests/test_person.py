"""The person page: every case of a resident in the agent's units, and the view journaled."""

from django.urls import reverse

from guichet.contact.services import contact_submit
from guichet.journal.models import Entry


def url(user):
    return reverse("backoffice:person", args=[user.pk])


def test_lists_every_case_of_the_resident(client, agent, unit, resident, case):
    second = contact_submit(unit=unit, subject="Encore moi", message="…", requester=resident)
    client.force_login(agent)
    html = client.get(url(resident)).content.decode()
    assert case.reference in html and second.reference in html
    assert "alice@exemple.fr" in html
    entry = Entry.objects.get(action=Entry.Action.PERSON_VIEWED)
    assert (entry.actor, entry.person) == (agent, resident)


def test_it_checks_ownership(client, other_agent, agent, resident, other_resident, case):
    """No case of theirs in my units: no reason to see their details."""
    client.force_login(other_agent)
    assert client.get(url(resident)).status_code == 404
    client.force_login(agent)
    assert client.get(url(other_resident)).status_code == 404
    client.force_login(resident)
    assert client.get(url(resident)).status_code == 403
    assert not Entry.objects.filter(action=Entry.Action.PERSON_VIEWED).exists()
