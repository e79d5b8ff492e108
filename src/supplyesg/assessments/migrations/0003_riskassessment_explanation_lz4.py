"""PostgreSQL: compress new risk explanations with lz4 instead of the default pglz.

Each assessment stores its explanation as about 3.5 KB of JSON, above PostgreSQL's TOAST threshold, so every row is
compressed as it is written. pglz took about 33 ms per batch of 1,000 assessments on the server, lz4 about 1 ms, for
a similar stored size (bench/risk_recompute.py, issue 19). Rows already stored keep their compression; reading works
either way. Skipped on other databases and on a PostgreSQL built without lz4 (no change to the schema Django sees,
so no model state changes)."""

from django.db import migrations

TABLE, COLUMN = "assessments_riskassessment", "explanation"


def _lz4_available(cursor) -> bool:
    cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()
    return bool(row and row[0])


def set_compression(method):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            if not _lz4_available(cursor):
                return
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(TABLE)} ALTER COLUMN {schema_editor.quote_name(COLUMN)} "
            f"SET COMPRESSION {method}"
        )

    return apply


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_backfill_supplier_risk_level")]

    operations = [migrations.RunPython(set_compression("lz4"), set_compression("pglz"))]
