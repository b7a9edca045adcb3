"""Every PDF Guichet writes is a tagged PDF/UA document: a structure tree of headings,
paragraphs and tables, its language and title, and its fonts embedded so that any name prints.

The list of producers below is checked against the code: a new function that writes a PDF, or
a module that writes one without `guichet.lib.pdf.render_pdf`, fails here until it is added."""

from __future__ import annotations

import ast
import io
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

import guichet
from conftest import make_user
from guichet.bookings.services import payment_create
from guichet.contact.services import contact_submit
from guichet.procedures.tests.fixtures import submitted

NAME = "Łukasz Nguyễn"
PDF_LIBRARIES = {"fpdf", "weasyprint", "reportlab", "pikepdf", "pypdf", "PyPDF2", "fitz",
                 "pymupdf", "pdfkit", "xhtml2pdf", "borb", "pdfrw"}


@pytest.fixture
def lukasz(db):
    return make_user("lukasz@exemple.fr", first_name="Łukasz", last_name="Nguyễn")


@pytest.fixture
def submission(canteen, lukasz):
    return submitted(canteen, lukasz)


@pytest.fixture
def contact_case(unit, lukasz):
    return contact_submit(unit=unit, subject="Œuvre « Le Héron » dégradée",
                          message="Tagguée cette nuit.", requester=lukasz)


def _receipt(request):
    from guichet.portal.receipt import receipt_pdf_bytes

    case = request.getfixturevalue("contact_case")
    return receipt_pdf_bytes(case), f"Accusé d'enregistrement {case.reference}"


def _payment_receipt(request):
    from guichet.portal.receipt import payment_receipt_pdf_bytes

    case = request.getfixturevalue("contact_case")
    payment = payment_create(case=case, amount_cents=8000, label="Salle des fêtes")
    return payment_receipt_pdf_bytes(payment), f"Reçu de paiement {case.reference}"


def _acknowledgement(request):
    from guichet.procedures.documents import acknowledgement_pdf

    return (acknowledgement_pdf(request.getfixturevalue("submission")),
            "Accusé de réception de votre demande")


def _decision(request):
    from guichet.procedures.documents import decision_pdf

    submission = request.getfixturevalue("submission")
    content = decision_pdf(submission, decision="demande acceptée", reason="Dossier complet.",
                           agent=request.getfixturevalue("agent"))
    return content, f"Décision — {submission.procedure.title}"


def _implicit_attestation(request):
    from guichet.procedures.documents import implicit_attestation_pdf

    return (implicit_attestation_pdf(request.getfixturevalue("submission")),
            "Attestation de décision implicite d'acceptation")


def _demo_piece(request):
    from guichet.demo.procedures import pdf_file

    return pdf_file("Facture d'électricité").read(), "Facture d'électricité"


def _stats_monthly(request):
    from guichet.stats.selectors import Period
    from guichet.stats.services import monthly_report_pdf

    unit = request.getfixturevalue("unit")
    period = Period.month(2026, 3)
    return (monthly_report_pdf(unit=unit, period=period),
            f"Rapport mensuel — {unit.name} — {period.label}")


# Every function that writes a PDF, with how to get one and the title it must carry.
PRODUCERS = {
    "guichet.portal.receipt.receipt_pdf_bytes": _receipt,
    "guichet.portal.receipt.payment_receipt_pdf_bytes": _payment_receipt,
    "guichet.procedures.documents.acknowledgement_pdf": _acknowledgement,
    "guichet.procedures.documents.decision_pdf": _decision,
    "guichet.procedures.documents.implicit_attestation_pdf": _implicit_attestation,
    "guichet.demo.procedures.pdf_file": _demo_piece,
    "guichet.stats.services.monthly_report_pdf": _stats_monthly,
}
# Those that lay out label/value rows: a table whose labels are row headers.
WITH_ROWS = {"guichet.portal.receipt.receipt_pdf_bytes",
             "guichet.portal.receipt.payment_receipt_pdf_bytes",
             "guichet.procedures.documents.acknowledgement_pdf"}


def _calls_render_pdf(function: ast.AST) -> bool:
    """Whether the function's own body (not a nested function's) calls render_pdf."""
    todo = list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "render_pdf":
                return True
        todo.extend(ast.iter_child_nodes(node))
    return False


def _scan():
    """(functions that call render_pdf, modules that import a PDF library themselves)."""
    root = Path(guichet.__file__).parent
    producers, direct = set(), set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        if {"tests", "migrations"} & set(relative.parts):
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""])
                if module != "guichet.lib.pdf" and any(
                        name.split(".")[0] in PDF_LIBRARIES for name in names):
                    direct.add(module)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                    _calls_render_pdf(node):
                producers.add(f"{module}.{node.name}")
    return producers, direct


def test_every_pdf_producer_is_checked_here():
    producers, direct = _scan()
    assert not direct, f"PDFs are written only through guichet.lib.pdf.render_pdf: {direct}"
    assert producers == set(PRODUCERS), (
        "Add the new PDF producer to PRODUCERS (and remove the ones that are gone): "
        f"{producers ^ set(PRODUCERS)}")


def _struct_types(root) -> list[str]:
    found, todo = [], [root["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if not isinstance(node, DictionaryObject):
            continue
        if "/S" in node:
            found.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            kids = kids.get_object()
            todo.extend(kids if isinstance(kids, ArrayObject) else [kids])
    return found


def _fonts(reader: PdfReader):
    for page in reader.pages:
        for font in page["/Resources"].get_object().get("/Font", {}).get_object().values():
            yield font.get_object()


def _font_file(font) -> bool:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and bool(
        {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()))


def assert_tagged_pdf(content: bytes, title: str) -> PdfReader:
    """What PDF/UA asks that a program can check: tags, language, title, embedded fonts."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    types = _struct_types(root)
    assert "/H1" in types and "/P" in types, types  # a real structure, not just a flag
    assert root["/Lang"] == "fr-FR"
    assert reader.metadata.title == title
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    fonts = list(_fonts(reader))
    assert fonts and all(_font_file(font) for font in fonts), [f["/BaseFont"] for f in fonts]
    return reader


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_every_pdf_is_tagged_in_french_with_its_title_and_embedded_fonts(request, producer):
    content, title = PRODUCERS[producer](request)
    reader = assert_tagged_pdf(content, title)
    if producer in WITH_ROWS:
        types = _struct_types(reader.trailer["/Root"])
        assert {"/Table", "/TR", "/TH", "/TD"} <= set(types)


def test_a_name_outside_latin_1_prints_as_typed_on_the_acknowledgement(submission):
    from guichet.procedures.documents import acknowledgement_pdf

    reader = PdfReader(io.BytesIO(acknowledgement_pdf(submission)))
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
    assert f"Demandeur : {NAME}" in text
    assert "?ukasz" not in text and "Nguy?n" not in text


def test_the_renderer_fetches_nothing_but_its_fonts(tmp_path, settings):
    """An administrator's template or a resident's text cannot pull a file into a PDF."""
    from guichet.lib.pdf import render_pdf

    secret = tmp_path / "secret.css"
    secret.write_text("h1 { color: red }")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path,
                                                              *settings.TEMPLATES[0]["DIRS"]]}]
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "probe.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}'
        f'<link rel="stylesheet" href="{secret.as_uri()}">'
        f'<img src="{(tmp_path / "x.png").as_uri()}" alt="x">'
        "<p>Rien d'autre.</p>{% endblock %}")
    content = render_pdf("pdf/probe.html", {"organisation": None}, title="Sonde")
    reader = assert_tagged_pdf(content, "Sonde")
    assert "Rien d'autre." in reader.pages[0].extract_text()
    assert not list(reader.pages[0]["/Resources"].get("/XObject", {}))  # no image came in
    assert b"1 0 0 rg" not in reader.pages[0].get_contents().get_data()  # nor the red h1
