"""pg_trgm for the global search's typo tolerance. CreateExtension does nothing on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_notification"),
    ]

    operations = [TrigramExtension()]
