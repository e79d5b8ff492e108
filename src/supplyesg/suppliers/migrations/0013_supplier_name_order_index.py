"""The supplier list's and the API's default order, (legal_name, id), from one index instead of the plain
legal_name index and its LIKE twin (issue 19: the ids of a page far down the list read from the index alone)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('suppliers', '0012_drop_redundant_country_status_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='supplier',
            name='legal_name',
            field=models.CharField(max_length=255, verbose_name='legal name'),
        ),
        migrations.AddIndex(
            model_name='supplier',
            index=models.Index(fields=['legal_name', 'id'], name='supplier_name_order_idx'),
        ),
    ]
