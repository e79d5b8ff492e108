"""Copy the grade of each supplier's latest quarterly rating onto Supplier.latest_grade, which compute_quarter
keeps up to date from now on."""

from django.db import migrations

CHUNK = 900


def backfill(apps, schema_editor):
    Rating = apps.get_model("ratings", "Rating")
    Supplier = apps.get_model("suppliers", "Supplier")
    grades: dict[int, str] = {}
    rows = Rating.objects.order_by("supplier_id", "-year", "-quarter").values_list("supplier_id", "grade")
    for supplier_id, grade in rows.iterator(chunk_size=5000):
        grades.setdefault(supplier_id, grade)
    by_grade: dict[str, list[int]] = {}
    for supplier_id, grade in grades.items():
        by_grade.setdefault(grade, []).append(supplier_id)
    for grade, ids in by_grade.items():
        for start in range(0, len(ids), CHUNK):
            Supplier.objects.filter(pk__in=ids[start : start + CHUNK]).update(latest_grade=grade)


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0004_alter_improvementaction_training"),
        ("suppliers", "0011_supplier_risk_level_latest_grade"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
