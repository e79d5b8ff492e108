"""The default grievance channels and their first rules of procedure (grievances/defaults.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from supplyesg.grievances.defaults import load_default_channels

    load_default_channels(apps.get_model("grievances", "Channel"), apps.get_model("grievances", "RulesOfProcedure"))


class Migration(migrations.Migration):
    dependencies = [("grievances", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
