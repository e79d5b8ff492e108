"""`supplyesg analyze_database`: refresh the query planner's statistics, daily from cron (core/maintenance.py)."""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from supplyesg.core.maintenance import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Refresh the database's query planner statistics (ANALYZE). SQLite keeps none unless asked, and without "
        "them plans some lists through the wrong index; run it daily. On PostgreSQL autovacuum does it too."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        refresh_planner_statistics()
        took = time.perf_counter() - started
        self.stdout.write(f"Planner statistics of the {connection.vendor} database refreshed in {took:.1f} s.")
