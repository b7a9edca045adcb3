"""Every export format escapes what a spreadsheet would run as a formula."""

import csv
import io

import pytest
from odf.opendocument import load
from odf.table import TableCell, TableRow
from openpyxl import load_workbook

from guichet.lib.spreadsheets import escape_formula, write_csv, write_ods, write_xlsx

DANGEROUS = ['=HYPERLINK("http://x")', "+33 1 2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def read_back(fmt, rows) -> list[list[str]]:
    if fmt == "csv":
        out = io.StringIO(newline="")
        write_csv(rows, out)
        return list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"), newline=""),
                               delimiter=";"))
    out = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(rows, out, sheet="Essai")
        sheet = load_workbook(io.BytesIO(out.getvalue())).active
        return [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    write_ods(rows, out, sheet="Essai")
    document = load(io.BytesIO(out.getvalue()))
    return [[str(cell) for cell in row.getElementsByType(TableCell)]
            for row in document.spreadsheet.getElementsByType(TableRow)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_formulas_are_written_as_text_in_every_format(fmt):
    rows = read_back(fmt, [["Nom", "Ville"], *[[value, "Hay & Co <b>"] for value in DANGEROUS]])
    assert rows[0] == ["Nom", "Ville"]
    # XML readers turn a carriage return into a line feed: compare without it
    assert [row[0].replace("\n", "\r") for row in rows[1:]] == ["'" + v for v in DANGEROUS]
    assert rows[1][1] == "Hay & Co <b>"


def test_ordinary_values_are_left_alone():
    assert escape_formula("Marc Blanc") == "Marc Blanc"
    assert escape_formula("06 12 34 56 78") == "06 12 34 56 78"
    assert escape_formula(None) == "" and escape_formula(12) == "12"
