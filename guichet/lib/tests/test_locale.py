"""locale/fr: the compiled catalogue says what the .po file says (recompile after a change)."""

import gettext
import re

from django.conf import settings

PO = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def entries() -> list[tuple[str, str, str]]:
    """(context, msgid, msgstr) of each entry (one line each, as this file writes them)."""
    found = []
    for block in PO.read_text().split("\n\n"):
        fields = dict(re.findall(r'^(msgctxt|msgid|msgstr) "(.*)"$', block, re.M))
        if fields.get("msgid"):
            found.append((fields.get("msgctxt", ""), fields["msgid"], fields["msgstr"]))
    return found


def test_the_mo_file_is_compiled_from_the_po_file():
    with open(PO.with_suffix(".mo"), "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert len(entries()) >= 10
    for context, msgid, msgstr in entries():
        translated = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        assert translated == msgstr, msgid
