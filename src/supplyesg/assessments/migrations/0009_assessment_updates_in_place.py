"""Marking last run's assessments not current becomes an in-place ("HOT") update on PostgreSQL.

A recompute of 100,000 suppliers sets `is_current` false on 100,000 rows. PostgreSQL writes an updated row in
place, with no new entry in any index, only when no indexed column changed and the row's page has room. Both were
missing: `is_current` was the last column of (supplier, year, is_current), and pages were filled to 100%. So every
update added an entry to each of the table's three indexes.

Now the index is (supplier, year): a supplier has one row per run and year, so filtering on `is_current` after the
index is a handful of rows. The table keeps half of each page free (fillfactor 50): every row is updated exactly
once in its life (when the next run supersedes it), and a row is about a tenth of a page, so at 90 only one update
in eight found room (2,438 of 20,000 HOT), at 50 all of them did. The price is a heap twice the size (60,000
assessments: 7.7 against 15 MB). Measured on a copy of the bench's 60,000 assessments: marking 20,000 not current
took 370-450 ms before, 170-200 ms after. SQLite has neither notion; there only the index changes.
"""

from django.db import migrations, models

TABLE = "assessments_riskassessment"


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 50)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_year_and_status_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="riskassessment", name="assessments_supplie_33cb50_idx"),
        migrations.AddIndex(
            model_name="riskassessment",
            index=models.Index(fields=["supplier", "year"], name="riskassessment_supplier_year"),
        ),
        migrations.RunPython(leave_room, fill_pages, elidable=False),
    ]
