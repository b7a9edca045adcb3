"""A procedure's list of files: filters, columns, exports; the list of procedures."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from guichet.procedures.exports import export_run
from guichet.procedures.models import Export
from guichet.procedures.services import submission_decide
from guichet.procedures.tests.fixtures import submitted


def test_the_list_filters_by_state_and_answer_with_few_queries(client, canteen, resident,
                                                                 other_resident, agent):
    first = submitted(canteen, resident)
    for _ in range(4):
        submitted(canteen, other_resident)
    submission_decide(submission=first, agent=agent, code="accept")
    client.force_login(agent)
    url = reverse("backoffice:procedure_submissions", args=[canteen.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and "5 dossiers" in response.text
    count = len(queries)
    submitted(canteen, other_resident)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == count  # no query per row
    response = client.get(url, {"etat": "accepted"})
    assert "1 dossier" in response.text and first.case.reference in response.text
    response = client.get(url, {"champ": "parent_name", "valeur": "Durand"})
    assert "6 dossiers" in response.text
    response = client.get(url, {"colonne": "allocataire"})
    assert "Êtes-vous allocataire CAF ?" in response.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_exports_are_prepared_in_the_background_and_hold_every_answer(
        client, canteen, resident, agent, fmt, django_capture_on_commit_callbacks):
    submission = submitted(canteen, resident)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("backoffice:procedure_export", args=[canteen.pk]),
                               {"fmt": fmt, "etat": "submitted"})
    assert response.url == reverse("backoffice:exports")
    export = Export.objects.get()
    assert "En préparation" in client.get(response.url).text
    export_run(export_id=export.pk)  # what the worker does
    export.refresh_from_db()
    assert export.rows == 1
    response = client.get(reverse("backoffice:export_file", args=[export.key]))
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:3] == ["Référence", "Déposé le", "État"]
        assert rows[1][0] == submission.case.reference and "Durand" in rows[1]
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet.cell(row=2, column=1).value == submission.case.reference
    else:
        from odf.opendocument import load
        from odf.table import TableRow

        document = load(io.BytesIO(content))
        rows = document.spreadsheet.getElementsByType(TableRow)
        assert submission.case.reference in str(rows[1])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_formula_typed_as_a_name_is_not_run_by_the_spreadsheet(
        client, canteen, resident, agent, fmt, django_capture_on_commit_callbacks):
    submission = submitted(canteen, resident)
    submission.case.requester_name = '=HYPERLINK("http://x")'
    submission.case.save(update_fields=["requester_name"])
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("backoffice:procedure_export", args=[canteen.pk]), {"fmt": fmt})
    export = Export.objects.get()
    export_run(export_id=export.pk)
    export.refresh_from_db()
    content = b"".join(client.get(reverse("backoffice:export_file",
                                          args=[export.key])).streaming_content)
    if fmt == "csv":
        row = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))[1]
    elif fmt == "xlsx":
        row = [c.value for c in next(load_workbook(io.BytesIO(content)).active.iter_rows(
            min_row=2, max_row=2))]
    else:
        from odf.opendocument import load
        from odf.table import TableCell, TableRow

        line = load(io.BytesIO(content)).spreadsheet.getElementsByType(TableRow)[1]
        row = [str(cell) for cell in line.getElementsByType(TableCell)]
    assert row[3] == "'=HYPERLINK(\"http://x\")"


def test_it_checks_ownership(client, canteen, resident, other_agent):
    submitted(canteen, resident)
    client.force_login(other_agent)
    url = reverse("backoffice:procedure_submissions", args=[canteen.pk])
    assert client.get(url).status_code == 404
    response = client.post(reverse("backoffice:procedure_export", args=[canteen.pk]),
                           {"fmt": "csv"})
    assert response.status_code == 404 and not Export.objects.exists()
    assert canteen.title not in client.get(reverse("backoffice:procedures")).text


def test_an_export_is_downloaded_only_by_its_requester(client, canteen, resident, agent,
                                                       manager):
    from guichet.procedures.services import export_request

    submitted(canteen, resident)
    export = export_request(procedure=canteen, user=agent, params={}, fmt="csv")
    export_run(export_id=export.pk)
    client.force_login(manager)
    assert client.get(reverse("backoffice:export_file", args=[export.key])).status_code == 404
    assert canteen.title not in client.get(reverse("backoffice:exports")).text


def test_bulk_transition_on_the_selection(client, canteen, resident, other_resident, agent,
                                          other_agent):
    from guichet.procedures.models import Submission

    first, second = submitted(canteen, resident), submitted(canteen, other_resident)
    url = reverse("backoffice:procedure_bulk", args=[canteen.pk])
    client.force_login(other_agent)
    assert client.post(url, {"code": "review", "selection": [first.pk]}).status_code == 404
    client.force_login(agent)
    client.post(url, {"code": "review", "selection": [first.pk, second.pk]})
    assert set(Submission.objects.values_list("state", flat=True)) == {"review"}
    response = client.post(url, {"code": "close", "selection": [first.pk]}, follow=True)
    assert "Motivez la décision" in response.text
    client.post(url, {"code": "close", "reason": "Doublon", "selection": [first.pk]})
    first.refresh_from_db()
    assert first.state == Submission.State.WITHOUT_FOLLOW_UP
