from django.db import migrations

# Full-text index over a case's folded words (number, summary, respondent and complainants' names), for the case
# search on PostgreSQL (cases/filtersets.py, search_cases: the expression must stay the same as there). It
# replaces the trigram index on identity_text, which only that search used. SQLite has neither and scans.
CREATE = (
    "CREATE INDEX IF NOT EXISTS case_words_fts ON cases_case "
    "USING gin (to_tsvector('simple'::regconfig, search_text || ' ' || identity_text))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    schema_editor.execute("DROP INDEX IF EXISTS case_identity_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_words_fts")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_identity_trgm ON cases_case USING gin (identity_text gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_list_order_indexes")]

    operations = [migrations.RunPython(create, drop)]
