# Data: every audits.TrainingAssignment becomes an engagement.RequiredTraining with the same id, so the ratings'
# improvement actions keep pointing at their training; audits 0005 then drops the old table.

from django.core.management.color import no_style
from django.db import migrations

FIELDS = ("id", "supplier_id", "audit_id", "topic", "area", "due_date", "status", "assigned_by_id", "assigned_at",
          "completed_at", "attendee")


def forward(apps, schema_editor):
    old = apps.get_model("audits", "TrainingAssignment")
    new = apps.get_model("engagement", "RequiredTraining")
    rows = [new(**{f: getattr(row, f) for f in FIELDS}) for row in old.objects.order_by("pk").iterator()]
    new.objects.bulk_create(rows, batch_size=500)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [new]):
            cursor.execute(sql)


def backward(apps, schema_editor):
    old = apps.get_model("audits", "TrainingAssignment")
    new = apps.get_model("engagement", "RequiredTraining")
    old.objects.bulk_create(
        [old(**{f: getattr(row, f) for f in FIELDS}) for row in new.objects.order_by("pk").iterator()], batch_size=500
    )
    new.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("engagement", "0001_initial"),
        ("audits", "0004_audit_report_not_before_start"),
    ]

    operations = [migrations.RunPython(forward, backward)]
