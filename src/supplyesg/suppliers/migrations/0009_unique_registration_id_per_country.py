from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('suppliers', '0008_check_duplicate_registration_ids'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='supplier',
            constraint=models.UniqueConstraint(condition=models.Q(('registration_key', ''), _negated=True), fields=('country', 'registration_key'), name='unique_registration_id_per_country', violation_error_message='A supplier with this registration id already exists in this country.'),
        ),
    ]
