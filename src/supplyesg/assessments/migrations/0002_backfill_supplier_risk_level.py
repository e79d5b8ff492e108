"""Copy each supplier's current risk level (its latest year's current assessment, an override winning) onto
Supplier.risk_level / risk_order, which the risk services keep up to date from now on."""

from django.db import migrations

ORDER = {"high": 3, "medium": 2, "low": 1}
CHUNK = 900


def backfill(apps, schema_editor):
    RiskAssessment = apps.get_model("assessments", "RiskAssessment")
    Supplier = apps.get_model("suppliers", "Supplier")
    levels: dict[int, str] = {}
    rows = (
        RiskAssessment.objects.filter(is_current=True)
        .order_by("supplier_id", "-year", "-computed_at")
        .values_list("supplier_id", "override_level", "computed_level")
        .iterator(chunk_size=5000)
    )
    for supplier_id, override, computed in rows:
        levels.setdefault(supplier_id, override or computed)
    by_level: dict[str, list[int]] = {}
    for supplier_id, level in levels.items():
        by_level.setdefault(level, []).append(supplier_id)
    for level, ids in by_level.items():
        for start in range(0, len(ids), CHUNK):
            Supplier.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                risk_level=level, risk_order=ORDER.get(level, 0)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("suppliers", "0011_supplier_risk_level_latest_grade"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
