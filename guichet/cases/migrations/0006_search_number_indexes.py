"""Numbers typed in the search box: a phone number found by its last digits and a reference by
its number, through indexes on the reversed values (a prefix search on them is a suffix search
on the values). PostgreSQL only; SQLite's search path is simpler."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS case_phone_rev ON cases_case "
    r"((reverse(regexp_replace(requester_phone, '\D', '', 'g'))) text_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS case_reference_rev ON cases_case "
    "((reverse(reference)) text_pattern_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS case_reference_rev", "DROP INDEX IF EXISTS case_phone_rev"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_open_cases_index")]
    operations = [migrations.RunPython(forward, backward)]
