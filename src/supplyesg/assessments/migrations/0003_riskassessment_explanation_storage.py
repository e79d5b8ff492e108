"""PostgreSQL: store risk explanations compressed with lz4 and out of the table's main rows.

Each assessment stores its explanation as about 3.5 KB of JSON, above PostgreSQL's TOAST threshold, so every row is
compressed as it is written. pglz took about 33 ms per batch of 1,000 assessments on the server, lz4 about 1 ms, for
a similar stored size (bench/risk_recompute.py, issue 19). Compressed, an explanation (1.5-1.8 KB) still fitted in
the main row, so every UPDATE of a row (a recompute marks the previous assessments not current) copied it and every
read of the previous assessments walked pages full of explanations: `toast_tuple_target` 128 moves it out of line
and leaves a pointer. Rows already stored keep their storage; reading works either way. Skipped on other databases,
and lz4 on a PostgreSQL built without it (no change to the schema Django sees, so no model state changes)."""

from django.db import migrations

TABLE, COLUMN = "assessments_riskassessment", "explanation"


def _lz4_available(cursor) -> bool:
    cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()
    return bool(row and row[0])


def set_storage(method):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(TABLE)
        with connection.cursor() as cursor:
            lz4 = _lz4_available(cursor)
        if lz4:
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {schema_editor.quote_name(COLUMN)} SET COMPRESSION {method}")
        if method == "lz4":
            schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 128)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")

    return apply


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_backfill_supplier_risk_level")]

    operations = [migrations.RunPython(set_storage("lz4"), set_storage("pglz"))]
