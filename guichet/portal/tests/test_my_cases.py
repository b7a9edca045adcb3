from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet.contact.services import contact_submit


def test_the_resident_sees_each_case_with_its_status(client, resident, case):
    client.force_login(resident)
    html = client.get(reverse("portal:my_cases")).content.decode()
    assert case.reference in html and "Nid-de-poule rue Foch" in html
    assert case.get_status_display() in html


def test_the_list_is_paginated_without_a_query_per_row(client, resident, unit):
    client.force_login(resident)
    for n in range(3):
        contact_submit(unit=unit, subject=f"Demande {n}", message="…", requester=resident)
    client.get(reverse("portal:my_cases"))  # the session's first request records it
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:my_cases"))
    for n in range(3, 25):
        contact_submit(unit=unit, subject=f"Demande {n}", message="…", requester=resident)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("portal:my_cases")).content.decode()
    assert len(many) == len(few)
    assert "Demande 24" in html and "Demande 0" not in html
    assert "Demande 0" in client.get(reverse("portal:my_cases") + "?page=2").content.decode()


def test_it_checks_ownership(client, case, other_resident):
    assert client.get(reverse("portal:my_cases")).status_code == 302
    client.force_login(other_resident)
    assert case.reference not in client.get(reverse("portal:my_cases")).content.decode()
