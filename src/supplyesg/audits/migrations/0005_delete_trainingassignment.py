# Training moved to engagement (RequiredTraining); its rows were copied by engagement 0002, same ids.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0004_audit_report_not_before_start"),
        ("engagement", "0002_move_training_assignments"),
        ("ratings", "0004_alter_improvementaction_training"),
    ]

    operations = [
        migrations.DeleteModel(name="TrainingAssignment"),
    ]
