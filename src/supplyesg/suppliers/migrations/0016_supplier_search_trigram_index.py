"""PostgreSQL: a trigram index (pg_trgm, core 0013) on the upper-cased text columns that the supplier searches test
with `icontains` (Django writes `UPPER(col::text) LIKE UPPER('%word%')`): the list's and the API's `q=`, the global
search and the duplicate check on the supplier page and when adding a supplier. Without it each of them read the
whole supplier table, 90-170 ms at 100,000 suppliers (issue 19, bench/supplier_list.py); with it PostgreSQL
combines the columns' index scans (a BitmapOr over the one multicolumn GIN index).

Not in the model's Meta: Django's GinIndex exists only on PostgreSQL, and SQLite has no such index (there the same
searches scan the table, as before). Writing a supplier row updates this index, which is why the risk level and
grade that yearly and quarterly runs write for every supplier live in SupplierSummary (0015)."""

from django.db import migrations

INDEX = "supplier_search_trgm"
COLUMNS = ("legal_name", "local_name", "aliases", "registration_id", "code")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    expressions = ", ".join(f'UPPER("{column}"::text) gin_trgm_ops' for column in COLUMNS)
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "suppliers_supplier" USING gin ({expressions})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0015_supplier_summary"),
        ("core", "0013_pg_trgm_extension"),
    ]

    operations = [migrations.RunPython(create, drop)]
