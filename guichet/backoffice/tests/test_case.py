"""The case page: timeline with internal notes, requester details, journal of the view."""

from django.urls import reverse

from guichet.cases.services import case_add_note
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry


def url(case):
    return reverse("backoffice:case", args=[case.reference])


def test_agent_reads_the_case_and_its_internal_notes(client, agent, case):
    case_add_note(case=case, agent=agent, body="Voir avec l'équipe de nuit.")
    client.force_login(agent)
    html = client.get(url(case)).content.decode()
    assert "Un trou profond devant le 12." in html
    assert "Voir avec l&#x27;équipe de nuit." in html
    assert "Alice Durand" in html
    assert "alice@exemple.fr" in html
    assert "Répondre à l'usager" in html


def test_each_view_is_written_to_the_journal(client, agent, case, resident):
    client.force_login(agent)
    client.get(url(case))
    entry = Entry.objects.get(action=Entry.Action.CASE_VIEWED)
    assert (entry.actor, entry.case, entry.person) == (agent, case, resident)


def test_it_checks_ownership(client, other_agent, resident, case):
    """An agent of another unit, or the resident themself, gets a 404 — not even a hint."""
    for user in (other_agent, resident):
        client.force_login(user)
        response = client.get(url(case))
        assert response.status_code in (403, 404)
        assert case.subject not in response.content.decode()
    assert not Entry.objects.filter(action=Entry.Action.CASE_VIEWED).exists()


def test_unknown_reference_gives_a_french_404(client, agent):
    client.force_login(agent)
    response = client.get(reverse("backoffice:case", args=["HAY-2026-999999"]))
    assert response.status_code == 404
    assert "introuvable" in response.content.decode().lower()


def test_administrator_of_the_organisation_sees_every_unit(client, other_unit, case):
    from conftest import make_agent

    admin = make_agent("admin@hayange.fr", other_unit, "admin")
    client.force_login(admin)
    assert client.get(url(case)).status_code == 200


def test_script_in_a_message_is_inert(client, agent, unit):
    case = contact_submit(unit=unit, subject="Objet", message="<script>alert('x')</script>",
                          name="Marc", email="marc@exemple.fr")
    client.force_login(agent)
    html = client.get(url(case)).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html


def test_marking_a_case_urgent(client, agent, case):
    from django.urls import reverse

    client.force_login(agent)
    client.post(reverse("backoffice:case_urgent", args=[case.reference]), {"urgent": "1"})
    case.refresh_from_db()
    assert case.urgent
    assert "Urgente" in client.get("/agents/").content.decode()
