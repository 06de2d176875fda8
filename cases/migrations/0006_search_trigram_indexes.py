from django.db import migrations

# Trigram GIN indexes make "every word of the query appears in the folded text" (LIKE '%word%') an index
# lookup on PostgreSQL. SQLite (the zero-configuration default) has no such index and scans instead.
INDEXES = [
    ("case_search_trgm", "cases_case", "search_text"),
    ("case_identity_trgm", "cases_case", "identity_text"),
    ("letter_search_trgm", "cases_letter", "search_text"),
    ("citizen_search_trgm", "citizens_citizen", "search_text"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_seed_deadline_rules_and_holidays"), ("citizens", "0002_seed_reception_duty_rules")]

    operations = [migrations.RunPython(create, drop)]
