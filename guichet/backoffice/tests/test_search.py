from django.urls import reverse

from guichet.cases.services import case_reply
from guichet.contact.services import contact_submit


def submit(unit, subject, message="…", name="Jeanne Lefèvre", phone=""):
    return contact_submit(unit=unit, subject=subject, message=message, name=name,
                          email="jeanne@exemple.fr", phone=phone)


def results(client, query):
    return client.get(reverse("backoffice:search"), {"q": query}).content.decode()


def test_search_by_reference_subject_message_name_and_phone(client, agent, unit):
    pothole = submit(unit, "Nid-de-poule avenue Foch", phone="06 12 34 56 78")
    bench = submit(unit, "Banc cassé", message="Square Gambetta, près des balançoires")
    case_reply(case=bench, agent=agent, body="Le menuisier passe lundi.")
    client.force_login(agent)
    assert pothole.reference in results(client, pothole.reference)
    html = results(client, "Foch")
    assert pothole.reference in html and bench.reference not in html
    assert bench.reference in results(client, "Gambetta")
    assert bench.reference in results(client, "menuisier")
    assert pothole.reference in results(client, "0612345678")
    assert pothole.reference in results(client, "Lefèvre")


def test_accents_do_not_matter_on_postgresql(client, agent, unit):
    from django.db import connection

    bench = submit(unit, "Banc cassé près de l'église")
    client.force_login(agent)
    query = "eglise" if connection.vendor == "postgresql" else "église"
    assert bench.reference in results(client, query)


def test_odd_queries_answer_without_error(client, agent, unit):
    submit(unit, "Trottoir")
    client.force_login(agent)
    for query in ("'; DROP TABLE cases_case; --", "&|!()<>:*", "x" * 5000, "   ", "%_\\"):
        response = client.get(reverse("backoffice:search"), {"q": query})
        assert response.status_code == 200


def test_saved_filters(client, agent, unit):
    client.force_login(agent)
    client.post(reverse("backoffice:saved_filter_add"), {"name": "Mes retards",
                                                         "onglet": "overdue",
                                                         "assignee": str(agent.pk)})
    html = client.get(reverse("backoffice:inbox")).content.decode()
    assert "Mes retards" in html and "onglet=overdue" in html


def test_it_checks_ownership(client, other_agent, unit):
    """Results are limited to the agent's units."""
    case = submit(unit, "Nid-de-poule avenue Foch")
    client.force_login(other_agent)
    assert f">{case.reference}</a>" not in results(client, "Foch")
    assert f">{case.reference}</a>" not in results(client, case.reference)
