import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from guichet.journal.models import Entry
from guichet.surveys.models import Channel
from guichet.surveys.services import response_submit

from .survey_fixtures import answer


def _url(survey, fmt, query=""):
    return reverse("backoffice:survey_export", args=[survey.pk, fmt]) + query


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_csv_has_one_row_per_response_and_no_live_formula(client, agent, answered_survey):
    response_submit(survey=answered_survey, channel=Channel.LINK,
                    answers=answer(3, une_idee="=HYPERLINK(\"http://x\")"))
    client.force_login(agent)
    response = client.get(_url(answered_survey, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="reponses-accueil-de-la-mediatheque.csv"' in response["Content-Disposition"]
    lines = _body(response).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Reçue le;Canal;Lieu;Tardive;Votre note;Ce que vous empruntez")
    assert len(lines) == 5
    assert any("'=HYPERLINK" in line for line in lines)
    assert Entry.objects.filter(details__survey_export="csv").exists()


def test_xlsx_and_ods_follow_the_filters(client, agent, answered_survey):
    client.force_login(agent)
    book = load_workbook(io.BytesIO(_body(client.get(_url(answered_survey, "xlsx",
                                                          "?lieu=Piscine")))))
    rows = list(book.active.values)
    assert len(rows) == 2 and rows[1][1] == "Borne" and rows[1][2] == "Piscine"
    archive = zipfile.ZipFile(io.BytesIO(_body(client.get(_url(answered_survey, "ods")))))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert archive.read("content.xml").count(b"<table:table-row>") == 4


def test_an_unknown_format_is_a_404(client, agent, answered_survey):
    client.force_login(agent)
    assert client.get(_url(answered_survey, "pdf")).status_code == 404


def test_it_checks_ownership(client, other_agent, resident, answered_survey):
    client.force_login(other_agent)
    assert client.get(_url(answered_survey, "csv")).status_code == 404
    client.force_login(resident)
    assert client.get(_url(answered_survey, "csv")).status_code == 403
