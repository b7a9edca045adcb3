"""Search at a million cases: the text indexes also hold the day (btree_gin; a day, not the
time, so that a year is 365 keys), so that the most recent matches of a common word are found
without visiting all of them; the messages' index
covers only the events someone wrote (receipts repeat the subject). PostgreSQL only."""

from django.db import migrations

from guichet.cases.search import CASE_DOCUMENT, DAY, EVENT_DOCUMENT

SEARCHED = ("submitted", "resident_message", "agent_message", "internal_note", "progress",
            "status_changed", "transferred")
KINDS = ", ".join(f"'{kind}'" for kind in SEARCHED)
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP INDEX IF EXISTS case_search",
    f"CREATE INDEX case_search ON cases_case USING GIN (({CASE_DOCUMENT}), ({DAY}))",
    "DROP INDEX IF EXISTS event_search",
    f"CREATE INDEX event_search ON cases_event USING GIN (({EVENT_DOCUMENT}), ({DAY})) "
    f"WHERE kind IN ({KINDS})",
]
BACKWARD = [
    "DROP INDEX IF EXISTS event_search",
    f"CREATE INDEX event_search ON cases_event USING GIN (({EVENT_DOCUMENT}))",
    "DROP INDEX IF EXISTS case_search",
    f"CREATE INDEX case_search ON cases_case USING GIN (({CASE_DOCUMENT}))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_search_number_indexes")]
    operations = [migrations.RunPython(forward, backward)]
