"""Our PDFs and .ics files read by the tools residents' software is built on: poppler (the
PDF library of most Linux readers) and libical (Evolution, Thunderbird's predecessors, many
servers), both from Debian. Run by `make test-tools` (apt-get install poppler-utils libical3).

libical's restriction check is the one that refused every .ics marked METHOD:PUBLISH without
an ORGANIZER."""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import unicodedata

import pytest

from guichet.appointments.tests.test_ics import SOURCES
from guichet.lib.tests.test_pdf import (  # noqa: F401 (fixtures)
    NAME,
    PRODUCERS,
    contact_case,
    lukasz,
    submission,
)

pytestmark = pytest.mark.tools


def _poppler(tool: str, content: bytes, *args: str) -> str:
    return subprocess.run([tool, *args, "-", "-"] if tool == "pdftotext" else [tool, "-"],
                          input=content, capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_poppler_sees_a_tagged_pdf_with_its_title_and_embedded_fonts(request, producer):
    content, title = PRODUCERS[producer](request)
    info = dict(line.split(":", 1) for line in _poppler("pdfinfo", content).splitlines()
                if ":" in line)
    assert info["Tagged"].strip() == "yes"
    assert info["Title"].strip() == title
    fonts = _poppler("pdffonts", content).splitlines()[2:]
    assert fonts
    for row in fonts:  # name type encoding emb sub uni object ID: "emb" is 5th from the end
        assert row.split()[-5] == "yes", row


def test_poppler_reads_the_name_as_typed(submission):  # noqa: F811
    from guichet.procedures.documents import acknowledgement_pdf

    text = _poppler("pdftotext", acknowledgement_pdf(submission), "-enc", "UTF-8")
    assert NAME in unicodedata.normalize("NFC", text)


def _libical():
    path = ctypes.util.find_library("ical")
    assert path, "libical is missing: apt-get install libical3"
    lib = ctypes.CDLL(path)
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


def libical_errors(content: bytes) -> list[str]:
    """What libical says of the file: its parser's and its RFC 5545/5546 restriction
    check's errors, which it writes into the component as X-LIC-ERROR properties."""
    lib = _libical()
    component = lib.icalparser_parse_string(content)
    assert component, "libical could not parse the file"
    try:
        valid = lib.icalrestriction_check(component)
        text = lib.icalcomponent_as_ical_string(component).decode()
    finally:
        lib.icalcomponent_free(component)
    errors = [line for line in text.replace("\r\n ", "").splitlines() if "X-LIC-ERROR" in line]
    return errors or ([] if valid else ["icalrestriction_check failed"])


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_libical_accepts_every_ics(request, source):
    content, _ = SOURCES[source](request)
    assert libical_errors(content) == []
