"""core.postgresql: on PostgreSQL our statements are bound on the server and prepared after a few runs, and the
65,535-parameter limit that server-side binding brings is kept by bulk writes and long `__in` lists."""

import pytest
from django.db import connection

from supplyesg.core.postgresql.base import SERVER_SIDE_PARAMETER_LIMIT
from supplyesg.suppliers.models import Category, Supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no prepared statements across calls nor this parameter limit")


def test_a_statement_run_a_few_times_is_prepared_on_the_server():
    _postgresql_only()
    assert connection.settings_dict["ENGINE"] == "supplyesg.core.postgresql"
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    supplier = make_supplier(legal_name="Prepared Once Ltd")

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%legal_name%"])
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(threshold + 2):
        found = Supplier.objects.filter(pk=supplier.pk).values_list("legal_name", flat=True).get()
        assert found == "Prepared Once Ltd"  # the prepared statement answers with this run's value, not the first's
    assert prepared() == before + 1
    other = make_supplier(legal_name="Second Parameter Co")
    assert Supplier.objects.filter(pk=other.pk).values_list("legal_name", flat=True).get() == "Second Parameter Co"


def test_bulk_writes_keep_each_statement_under_the_parameter_limit():
    """20,000 categories updated in two columns are 100,000 values (a WHEN pk THEN value per column and row, and
    the pk in the IN list): more than one statement may carry with server-side binding. Django 5.2 would send them
    in one statement on PostgreSQL and fail; here they go in batches. The delete batches its ids the same way."""
    rows = Category.objects.bulk_create(
        [Category(code=f"bulk-{i}", name=f"Bulk {i}", name_zh="", minerals="tin") for i in range(20_000)]
    )
    for row in rows:
        row.name += " (renamed)"
        row.minerals = "gold"
    assert len(rows) * 5 > SERVER_SIDE_PARAMETER_LIMIT
    assert Category.objects.bulk_update(rows, ["name", "minerals"]) == 20_000
    assert Category.objects.filter(code__startswith="bulk-", minerals="gold", name__endswith="(renamed)").count() == 20_000
    assert Category.objects.filter(code__startswith="bulk-").delete()[0] == 20_000
    if connection.vendor == "postgresql":
        pk = Category._meta.pk
        fields = [Category._meta.get_field("name"), Category._meta.get_field("minerals")]
        assert connection.ops.bulk_batch_size([pk, pk, *fields], rows) == SERVER_SIDE_PARAMETER_LIMIT // 5


def test_an_in_list_longer_than_the_parameter_limit_is_sent_as_one_array():
    _postgresql_only()
    kept = [make_supplier().pk for _ in range(3)]
    ids = [*range(10_000_000, 10_000_000 + SERVER_SIDE_PARAMETER_LIMIT + 10), *kept]
    assert sorted(Supplier.objects.filter(pk__in=ids).values_list("pk", flat=True)) == sorted(kept)
    assert Supplier.objects.exclude(pk__in=ids).count() == Supplier.objects.count() - 3
