"""Before one registration id per country becomes a database rule, name the suppliers that break it: the
constraint cannot be added while two suppliers share one, and a person must decide which record to keep."""

from django.db import migrations
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    Supplier = apps.get_model("suppliers", "Supplier")
    clashes = (
        Supplier.objects.exclude(registration_key="")
        .values("country", "registration_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if clashes:
        lines = []
        for clash in clashes[:20]:
            codes = Supplier.objects.filter(country=clash["country"], registration_key=clash["registration_key"])
            lines.append(f"{clash['country']} {clash['registration_key']}: " + ", ".join(codes.values_list("code", flat=True)))
        raise RuntimeError(
            "These suppliers share a registration id in one country; merge them or correct the id, then migrate again:\n"
            + "\n".join(lines)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("suppliers", "0007_supplier_registration_key"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
    ]
