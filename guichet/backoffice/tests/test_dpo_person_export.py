"""A person's access history exported for the DPO (or for the person, on request)."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from guichet.journal.models import Entry


def url(person, fmt):
    return reverse("backoffice:dpo_person_export", args=[person.pk, fmt])


def test_csv_and_xlsx(client, dpo, agent, case, resident):
    client.force_login(agent)
    client.get(case.get_backoffice_url())
    client.force_login(dpo)
    text = client.get(url(resident, "csv")).content.decode("utf-8-sig")
    assert text.startswith("Date;Agent;Action;Demande")
    assert "agent.voirie@hayange.fr;Consultation d'une demande;" + case.reference in text
    sheet = load_workbook(io.BytesIO(client.get(url(resident, "xlsx")).content)).active
    assert sheet["A1"].value == "Date"
    assert Entry.objects.filter(actor=dpo, person=resident, details__export="xlsx").exists()


def test_bad_input(client, dpo, case, resident):
    client.force_login(dpo)
    assert client.get(url(resident, "exe")).status_code == 404


def test_it_checks_ownership(client, dpo, agent, resident, other_resident, case):
    client.force_login(agent)
    assert client.get(url(resident, "csv")).status_code == 403
    client.force_login(resident)
    assert client.get(url(resident, "csv")).status_code == 403
    client.force_login(dpo)
    assert client.get(url(other_resident, "csv")).status_code == 404
