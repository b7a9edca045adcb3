"""Internal notes: seen by agents, never by the resident."""

from django.urls import reverse

from guichet.cases.models import Event
from guichet.journal.models import Entry


def url(case):
    return reverse("backoffice:case_note", args=[case.reference])


def test_note_is_seen_by_agents_only(client, agent, case):
    client.force_login(agent)
    response = client.post(url(case), {"note-note": "Usager déjà venu au guichet."})
    assert response.status_code == 302
    assert "Usager déjà venu au guichet." in client.get(response["Location"]).content.decode()
    assert Entry.objects.filter(action=Entry.Action.CASE_NOTED, actor=agent).exists()
    client.force_login(case.requester)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Usager déjà venu" not in page
    assert "Note interne" not in page


def test_empty_note_is_refused(client, agent, case):
    client.force_login(agent)
    response = client.post(url(case), {"note-note": "  "})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()


def test_it_checks_ownership(client, other_agent, resident, case):
    for user in (other_agent, resident):
        client.force_login(user)
        assert client.post(url(case), {"note-note": "x"}).status_code in (403, 404)
    assert not Event.objects.filter(kind=Event.Kind.INTERNAL_NOTE).exists()
