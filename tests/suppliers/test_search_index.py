"""The supplier search's `icontains` tests (list and API `q=`, global search, the duplicate check) are served on
PostgreSQL by the trigram index of migration suppliers 0016, on every column they test; SQLite scans as before."""

import pytest
from django.db import connection

from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index (pg_trgm)")


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show what it can use
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
@pytest.mark.parametrize("text", ["cable", "深圳线缆", "91440300", "T0000"])
def test_every_searched_column_is_read_from_the_trigram_index(text):
    make_supplier(legal_name="Shenzhen Cable Works", local_name="深圳线缆厂", registration_id="91440300MA5F")
    explained = plan(Supplier.objects.search(text).order_by().values("pk"))
    assert "supplier_search_trgm" in explained and "Seq Scan" not in explained, explained


@pytest.mark.parametrize(
    ("text", "found"),
    [("CABLE", True), ("cable works", True), ("线缆", True), ("ma5f", True), ("alias two", True), ("steel", False)],
)
def test_the_search_finds_the_same_on_both_databases(text, found):
    supplier = make_supplier(
        legal_name="Shenzhen Cable Works", local_name="深圳线缆厂", registration_id="91440300MA5F", aliases="Alias One\nAlias Two"
    )
    assert list(Supplier.objects.search(text).values_list("pk", flat=True)) == ([supplier.pk] if found else [])
