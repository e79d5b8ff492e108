"""Helpers for benchmarks: a throw-away database, many suppliers fast, and timing with query counts.

Benchmarks run in one process against the test settings' in-memory SQLite database and report ratios
against a baseline measured in the same process, so the figures compare across machines.
"""

import os
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass

import django
from django.db import connection


def smoke() -> bool:
    """`BENCH_SMOKE=1`: run a tiny size (seconds), so CI (`make bench-smoke`) proves every bench still runs."""
    return os.environ.get("BENCH_SMOKE", "") not in ("", "0")


def size(full, smoke_size):
    """The full size, or the tiny one under BENCH_SMOKE=1."""
    return smoke_size if smoke() else full


COUNTRIES = ("CN", "TW", "MY", "VN", "KR", "JP", "DE", "US", "MX", "CD", "ID", "TH")


# `make bench-smoke` migrates one SQLite file first and names it here: each bench then copies it into its in-memory
# database instead of running every migration again (about 20 s of CPU per bench, most of a smoke pass).
TEMPLATE_ENV = "BENCH_SQLITE_TEMPLATE"

# `BENCH_SQLITE_FILE=1`: SQLite as the product runs it (settings.py: a database file in WAL mode with
# synchronous=NORMAL, locks taken up front) instead of the test settings' in-memory database, which pays no file
# I/O and sets the harshest baseline for PostgreSQL's ratios. The file is made in a temporary directory and removed
# at exit. `BENCH_SQLITE_FILE=<path of a database file>`: that file, kept (a data set generated once, measured by
# bench/every_page.py --generated). Ignored under DATABASE_URL (PostgreSQL).
FILE_ENV = "BENCH_SQLITE_FILE"


def _use_product_sqlite_file(path: str = "") -> None:
    """Point the default connection at a SQLite file with the product's options (before it connects): `path`, or a
    fresh one removed at exit."""
    import atexit
    import shutil
    import tempfile

    from supplyesg import settings as product

    if not path:
        directory = tempfile.mkdtemp(prefix="supplyesg-bench-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        path = os.path.join(directory, "bench.sqlite3")
    options = dict(product.SQLITE_OPTIONS)  # the product's own, named once in settings.py
    connection.close()
    connection.settings_dict["NAME"] = path
    connection.settings_dict["OPTIONS"] = options


def sqlite_kind() -> str:
    """What the SQLite figures were measured on, for a bench's header line."""
    if connection.vendor != "sqlite":
        return connection.vendor
    return "sqlite file (WAL, synchronous=NORMAL)" if connection.settings_dict["NAME"] != ":memory:" else "sqlite in memory"


def setup_database():
    """Configure Django and create the schema in the (in-memory) test database."""
    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    file = os.environ.get(FILE_ENV, "")
    if connection.vendor == "sqlite" and file not in ("", "0"):
        _use_product_sqlite_file("" if file == "1" else file)
    template = os.environ.get(TEMPLATE_ENV, "")
    if template and connection.vendor == "sqlite" and os.path.exists(template):
        connection.ensure_connection()
        source = sqlite3.connect(template)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    call_command("migrate", verbosity=0, interactive=False)


def save_template(path: str) -> None:
    """Migrate the in-memory database and copy it to `path` (see TEMPLATE_ENV)."""
    os.environ.pop(TEMPLATE_ENV, None)
    setup_database()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def refresh_statistics() -> None:
    """After a bench's bulk load, bring the tables to the state of a live database: PostgreSQL's autovacuum
    vacuums and analyses a table minutes after a load (inserts count since PostgreSQL 13), which gives the planner
    its statistics and lets index-only scans skip the heap (the visibility map); a bench measuring right away must
    ask. SQLite: what the product's daily `supplyesg analyze_database` does (core/maintenance.py). Outside a
    transaction (VACUUM cannot run in one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        from supplyesg.core.maintenance import refresh_planner_statistics

        refresh_planner_statistics()


class StatementCounter:
    """Counts the SQL statements run inside it (`with StatementCounter() as counter: ...; counter.take()`).

    Through an execute wrapper, not Django's debug query log (CaptureQueriesContext): that log writes each
    statement out with its parameters, on SQLite by quoting them with extra `SELECT QUOTE(?), ...` statements, which
    cost a quarter of a risk pass at 20,000 suppliers (its INSERTs carry thousands of parameters) and is no part of
    the work measured. Transaction statements (COMMIT) are not counted."""

    def __init__(self):
        self.count = 0
        self._wrapper = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def take(self) -> int:
        """The statements since the last take."""
        count, self.count = self.count, 0
        return count

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


def make_categories(n: int = 12):
    from supplyesg.suppliers.models import Category

    Category.objects.bulk_create([Category(code=f"bench-{i:02d}", name=f"Bench category {i:02d}") for i in range(n)])
    return list(Category.objects.filter(code__startswith="bench-").order_by("code"))


def make_suppliers(n: int, categories=(), per_supplier: int = 3, batch: int = 2000) -> list[int]:
    """n suppliers spread over statuses, tiers and countries, each in up to `per_supplier` categories."""
    from supplyesg.suppliers.models import Supplier

    statuses = Supplier.Status.values
    suppliers = [
        Supplier(
            code=f"B{i:06d}",
            legal_name=f"Bench Supplier {i:05d} Co., Ltd.",
            local_name=f"基准供应商{i:05d}有限公司",
            registration_id=f"REG{i:010d}",
            country=COUNTRIES[i % len(COUNTRIES)],
            tier=1 + i % 3,
            status=statuses[i % len(statuses)],
            is_key=i % 10 == 0,
        )
        for i in range(n)
    ]
    Supplier.objects.bulk_create(suppliers, batch_size=batch)
    ids = list(Supplier.objects.filter(code__startswith="B").order_by("code").values_list("pk", flat=True))
    if categories:
        through = Supplier.categories.through
        links = [
            through(supplier_id=pk, category_id=categories[(i + k) % len(categories)].pk)
            for i, pk in enumerate(ids)
            for k in range(i % (per_supplier + 1))
        ]
        through.objects.bulk_create(links, batch_size=batch)
    return ids


def make_user(role: str, username: str):
    from supplyesg.core.models import User

    user = User(username=username, role=role, email=f"{username}@example.com")
    user.set_unusable_password()
    user.save()
    return user


@dataclass
class Measure:
    name: str
    median_s: float
    queries: list[int]
    status: int = 200

    @property
    def query_range(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def measure(name: str, call, repeat: int = 20, warmup: int = 2) -> Measure:
    """Median wall time of `call()` and the SQL queries each call made. `call` may return a response."""
    status = 200
    for _ in range(warmup):
        result = call()
        status = getattr(result, "status_code", status)
    # Statements counted by StatementCounter, not the debug query log: that log writes out every statement with
    # its parameters, which costs differently per database (SQLite quotes them with extra statements; PostgreSQL with
    # server-side binding composes each statement on the client) and is no part of the work measured.
    times, queries = [], []
    with StatementCounter() as counter:
        for _ in range(repeat):
            counter.take()
            start = time.perf_counter()
            result = call()
            times.append(time.perf_counter() - start)
            queries.append(counter.take())
            status = getattr(result, "status_code", status)
    return Measure(name, statistics.median(times), queries, status)


def print_table(rows: list[Measure], baseline: Measure) -> None:
    width = max(len(r.name) for r in rows + [baseline])
    print(f"{'request'.ljust(width)}  {'median ms':>10}  {'x baseline':>10}  {'queries':>8}  status")
    for row in [baseline, *rows]:
        ratio = row.median_s / baseline.median_s if baseline.median_s else float("nan")
        ms = row.median_s * 1000
        print(f"{row.name.ljust(width)}  {ms:10.2f}  {ratio:10.1f}  {row.query_range:>8}  {row.status}")


if __name__ == "__main__":
    # python -m bench.common save-template PATH
    if len(sys.argv) != 3 or sys.argv[1] != "save-template":
        sys.exit("usage: python -m bench.common save-template PATH")
    save_template(sys.argv[2])
