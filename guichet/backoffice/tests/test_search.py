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


def test_numbers_find_a_phone_in_any_format_and_a_reference_by_its_number(client, agent,
                                                                          unit):
    called = submit(unit, "Éclairage", phone="06 12 34 56 78")
    other = submit(unit, "Voirie", phone="03 87 00 00 00")
    client.force_login(agent)
    for query in ("+33 6 12 34 56 78", "0612345678", "06.12.34.56.78"):
        html = results(client, query)
        assert called.reference in html and f">{other.reference}</a>" not in html
    number = other.reference.rsplit("-", 1)[1]
    assert other.reference in results(client, number)


def test_the_most_recent_matches_come_first_among_equals(client, agent, unit):
    import datetime as dt

    from django.utils import timezone

    from guichet.cases.models import Case

    old, new = submit(unit, "Lampadaire éteint"), submit(unit, "Lampadaire éteint")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    client.force_login(agent)
    html = results(client, "lampadaire")
    assert html.index(new.reference) < html.index(old.reference)
