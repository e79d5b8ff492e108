"""The supplier list's sorts by name and by tier (ties by id) from one index each, in place of the plain legal_name
index with its LIKE twin and the plain tier index (issue 19: at 100,000 suppliers PostgreSQL sorted each run of equal
values again for a page; the ids of the last page by name took 43 ms, a page by tier 70 ms against 37 on SQLite)."""

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
        migrations.AlterField(
            model_name='supplier',
            name='tier',
            field=models.PositiveSmallIntegerField(choices=[(1, 'Tier 1 (direct)'), (2, 'Tier 2'), (3, 'Tier 3+')], default=1, verbose_name='tier'),
        ),
        migrations.AddIndex(
            model_name='supplier',
            index=models.Index(fields=['legal_name', 'id'], name='supplier_name_order_idx'),
        ),
        migrations.AddIndex(
            model_name='supplier',
            index=models.Index(fields=['tier', 'id'], name='supplier_tier_order_idx'),
        ),
    ]
