"""Full-text search on PostgreSQL: a French configuration that ignores accents, and GIN
indexes on the case's searchable text and on messages. Nothing on SQLite (its search path is
simpler, see selectors.cases_search)."""

from django.db import migrations

from guichet.cases.search import CASE_DOCUMENT, EVENT_DOCUMENT

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
           CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
           ALTER TEXT SEARCH CONFIGURATION french_unaccent
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
         END IF;
       END $$""",
    f"CREATE INDEX IF NOT EXISTS case_search ON cases_case USING GIN (({CASE_DOCUMENT}))",
    f"CREATE INDEX IF NOT EXISTS event_search ON cases_event USING GIN (({EVENT_DOCUMENT}))",
]
BACKWARD = ["DROP INDEX IF EXISTS event_search", "DROP INDEX IF EXISTS case_search"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_sla_policies")]
    operations = [migrations.RunPython(forward, backward)]
