"""The supplier list's risk level and latest grade move from the supplier table to SupplierSummary, a row per
supplier (models/summary.py): writing them for 100,000 suppliers no longer rewrites every index of the supplier
table (issue 19). The rows are filled from the supplier columns before these are dropped; the trigger that gives
each new supplier its row is installed last (on SQLite, dropping a column rebuilds the table and its triggers)."""

import django.db.models.deletion
from django.db import migrations, models

from supplyesg.suppliers import summary_rows


def copy_to_summary(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO "suppliers_suppliersummary" ("supplier_id", "risk_level", "risk_order", "latest_grade") '
            'SELECT "id", "risk_level", "risk_order", COALESCE("latest_grade", \'\') FROM "suppliers_supplier"'
        )


def copy_back(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for column in ("risk_level", "risk_order", "latest_grade"):
            value = f'NULLIF(m."{column}", \'\')' if column == "latest_grade" else f'm."{column}"'
            cursor.execute(
                f'UPDATE "suppliers_supplier" SET "{column}" = (SELECT {value} FROM "suppliers_suppliersummary" m '
                f'WHERE m."supplier_id" = "suppliers_supplier"."id") '
                f'WHERE EXISTS (SELECT 1 FROM "suppliers_suppliersummary" m WHERE m."supplier_id" = "suppliers_supplier"."id")'
            )


def install_trigger(apps, schema_editor):
    summary_rows.install(schema_editor.connection)


def uninstall_trigger(apps, schema_editor):
    summary_rows.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('suppliers', '0014_drop_indexes_covered_by_longer_ones'),
    ]

    operations = [
        migrations.CreateModel(
            name='SupplierSummary',
            fields=[
                ('supplier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='summary', serialize=False, to='suppliers.supplier', verbose_name='supplier')),
                ('risk_level', models.CharField(blank=True, editable=False, max_length=10, null=True, verbose_name='current risk level')),
                ('risk_order', models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='risk order')),
                ('latest_grade', models.CharField(blank=True, db_default='', default='', editable=False, max_length=1, verbose_name='latest rating grade')),
            ],
            options={
                'verbose_name': 'supplier summary',
                'verbose_name_plural': 'supplier summaries',
            },
        ),
        migrations.RunPython(copy_to_summary, copy_back),
        migrations.RemoveIndex(
            model_name='supplier',
            name='supplier_risk_order_idx',
        ),
        migrations.RemoveIndex(
            model_name='supplier',
            name='supplier_latest_grade_idx',
        ),
        migrations.RemoveField(
            model_name='supplier',
            name='latest_grade',
        ),
        migrations.RemoveField(
            model_name='supplier',
            name='risk_level',
        ),
        migrations.RemoveField(
            model_name='supplier',
            name='risk_order',
        ),
        migrations.AddIndex(
            model_name='suppliersummary',
            index=models.Index(fields=['risk_order', 'supplier'], name='summary_risk_order_idx'),
        ),
        migrations.AddIndex(
            model_name='suppliersummary',
            index=models.Index(fields=['latest_grade', 'supplier'], name='summary_latest_grade_idx'),
        ),
        migrations.RunPython(install_trigger, uninstall_trigger),
    ]
