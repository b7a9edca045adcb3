"""A procedure's list of files: filters, columns, exports; the list of procedures."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from guichet.backoffice.tests.test_submission import _submitted
from guichet.procedures.services import submission_decide


def test_the_list_filters_by_state_and_answer_with_few_queries(client, canteen, resident,
                                                                 other_resident, agent):
    first = _submitted(canteen, resident)
    for _ in range(4):
        _submitted(canteen, other_resident)
    submission_decide(submission=first, agent=agent, code="accept")
    client.force_login(agent)
    url = reverse("backoffice:procedure_submissions", args=[canteen.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and "5 dossiers" in response.text
    count = len(queries)
    _submitted(canteen, other_resident)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == count  # no query per row
    response = client.get(url, {"etat": "accepted"})
    assert "1 dossier" in response.text and first.case.reference in response.text
    response = client.get(url, {"champ": "parent_name", "valeur": "Durand"})
    assert "6 dossiers" in response.text
    response = client.get(url, {"colonne": "allocataire"})
    assert "Êtes-vous allocataire CAF ?" in response.text


def test_exports_hold_every_answer(client, canteen, resident, agent):
    submission = _submitted(canteen, resident)
    client.force_login(agent)
    response = client.get(reverse("backoffice:procedure_export", args=[canteen.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Déposé le", "État"]
    assert rows[1][0] == submission.case.reference and "Durand" in rows[1]
    response = client.get(reverse("backoffice:procedure_export_xlsx", args=[canteen.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == submission.case.reference


def test_it_checks_ownership(client, canteen, resident, other_agent):
    _submitted(canteen, resident)
    client.force_login(other_agent)
    for name in ("procedure_submissions", "procedure_export", "procedure_export_xlsx"):
        assert client.get(reverse(f"backoffice:{name}", args=[canteen.pk])).status_code == 404
    assert canteen.title not in client.get(reverse("backoffice:procedures")).text
