"""Database housekeeping the daily jobs run: the query planner's statistics.

SQLite keeps no statistics unless asked (ANALYZE): without them it chose, for a campaign's page of 73,000
responses, an index that made it read every response row, 700 ms against 20 ms with statistics
(bench/every_page.py at 100,000 suppliers). PostgreSQL's autovacuum analyses tables by itself; ANALYZE there
only brings that forward (after a bulk load, say).
"""

from __future__ import annotations

from django.db import connection

SQLITE_ANALYSIS_LIMIT = 1000  # rows sampled per index: a fraction of a second on every table at 100,000 suppliers


def refresh_planner_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
