"""A frozen figure's rows move from one JSON array on the figure to a row each (SnapshotRow), in the same order.

Each stored row keeps its value; a figure is moved at a time, its rows written in batches, so a snapshot of
100,000 suppliers (1.8 million rows) is moved without holding more than one figure's rows. The hash of every
snapshot is unchanged: it is computed over the same canonical JSON (services.snapshots.FigureHasher)."""

import json

import django.db.models.deletion
from django.db import migrations, models

import supplyesg.core.fields

BATCH = 2000


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rows_to_table(apps, schema_editor):
    Figure = apps.get_model("reporting", "SnapshotFigure")
    Row = apps.get_model("reporting", "SnapshotRow")
    for pk in Figure.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=100):
        rows = Figure.objects.filter(pk=pk).values_list("rows", flat=True).first() or []
        for start in range(0, len(rows), BATCH):
            Row.objects.bulk_create(
                Row(figure_id=pk, position=start + n, data=row) for n, row in enumerate(rows[start : start + BATCH])
            )


def table_to_rows(apps, schema_editor):
    Figure = apps.get_model("reporting", "SnapshotFigure")
    Row = apps.get_model("reporting", "SnapshotRow")
    for pk in Figure.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=100):
        rows = list(Row.objects.filter(figure_id=pk).order_by("position").values_list("data", flat=True))
        Figure.objects.filter(pk=pk).update(rows=rows)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_snapshot_hash_check"),
    ]

    operations = [
        migrations.CreateModel(
            name="SnapshotRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField()),
                ("data", supplyesg.core.fields.JSONTextField()),
                (
                    "figure",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="frozen_rows",
                        to="reporting.snapshotfigure",
                    ),
                ),
            ],
            options={
                "ordering": ["figure", "position"],
                "constraints": [models.UniqueConstraint(fields=("figure", "position"), name="one_frozen_row_per_place")],
            },
        ),
        migrations.RunPython(rows_to_table, table_to_rows),
    ]
