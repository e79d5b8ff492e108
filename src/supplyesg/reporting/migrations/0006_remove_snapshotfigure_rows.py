"""The figure's JSON array of rows goes, once 0005 has copied it to SnapshotRow (in its own transaction: PostgreSQL
does not alter a table in the transaction that queued checks of the rows just written against it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_frozen_rows_one_per_row"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="snapshotfigure",
            name="rows",
        ),
    ]
