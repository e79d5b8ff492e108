"""Existing declarations get their stored dashboard figures and red flags (every campaign year and template,
and the all-years total), so the first dashboard view after the upgrade is as fast as the next ones."""

from django.db import migrations


def fill(apps, schema_editor):
    Campaign = apps.get_model("minerals", "Campaign")
    pairs = set(Campaign.objects.values_list("reporting_year", "template"))
    if not pairs:
        return
    # The service that the worker runs, on the schema as of this migration (it reads no later field).
    from supplyesg.minerals.aggregation.stored import refresh_dashboard

    for year, template in sorted(pairs):
        refresh_dashboard(year, template)
    refresh_dashboard(None, None)


def empty(apps, schema_editor):
    apps.get_model("minerals", "DashboardSnapshot").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("minerals", "0010_stored_workbooks")]

    operations = [migrations.RunPython(fill, empty)]
