"""core.postgresql: on PostgreSQL our statements are bound on the server and prepared after a few runs, and the
65,535-parameter limit that server-side binding brings is kept by bulk writes and long `__in` lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supplyesg.core.postgresql.base import SERVER_SIDE_PARAMETER_LIMIT
from supplyesg.suppliers.models import Category, Document, Supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no prepared statements across calls nor this parameter limit")


def _prepared_statements_like(pattern: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [pattern])
        return cursor.fetchone()[0]


def test_a_statement_run_a_few_times_is_prepared_on_the_server():
    _postgresql_only()
    assert connection.settings_dict["ENGINE"] == "supplyesg.core.postgresql"
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    supplier = make_supplier(legal_name="Prepared Once Ltd")

    def prepared():
        return _prepared_statements_like("%legal_name%")

    before = prepared()
    for _ in range(threshold + 2):
        found = Supplier.objects.filter(pk=supplier.pk).values_list("legal_name", flat=True).get()
        assert found == "Prepared Once Ltd"  # the prepared statement answers with this run's value, not the first's
    assert prepared() == before + 1
    other = make_supplier(legal_name="Second Parameter Co")
    assert Supplier.objects.filter(pk=other.pk).values_list("legal_name", flat=True).get() == "Second Parameter Co"


def test_a_statement_with_an_id_array_marked_replan_is_never_prepared():
    """Planned for its own ids on every run: a prepared statement may keep a generic plan after five runs, and there
    `= ANY($1::bigint[])` as a filter tests each row value by value (the ratings' audits of a batch of 1,000)."""
    _postgresql_only()
    from supplyesg.core.ids import IdArray, IdList

    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    suppliers = [make_supplier(legal_name=f"Array Member {i}") for i in range(threshold + 3)]

    def prepared():
        return _prepared_statements_like("%ANY(%")

    before = prepared()
    for i in range(threshold + 2):
        ids = IdList((s.pk for s in suppliers[: i + 2]), replan=True)
        with CaptureQueriesContext(connection) as captured:
            names = set(Supplier.objects.filter(pk__in=ids).values_list("legal_name", flat=True))
        assert names == {f"Array Member {k}" for k in range(i + 2)}  # this run's ids, each time
        assert "= ANY(" in captured.captured_queries[0]["sql"]
    assert prepared() == before
    # the marker is the array's text, bound as text like any string
    assert IdArray("{1,2}") == "{1,2}" and isinstance(IdArray("{1}"), str)
    # an IdList not marked stays prepared: its statement is planned once per connection
    for _ in range(threshold + 1):
        assert Supplier.objects.filter(pk__in=IdList([suppliers[0].pk, suppliers[1].pk])).count() == 2
    assert prepared() == before + 1


def test_a_single_id_is_an_equality_whose_prepared_statement_keeps_a_generic_plan():
    """A decision on one file asks for one id. As `= ANY($1)` PostgreSQL guessed an array of several values, found
    the generic plan dearer than a plan for one and planned the statement again on every run (the lock of one
    file: 0 generic plans in 95 runs); as `= $1` it plans once and keeps that plan."""
    _postgresql_only()
    from supplyesg.core.ids import IdList

    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    suppliers = [make_supplier(legal_name=f"Single Member {i}") for i in range(3)]
    # prepared at run threshold + 1; then planned for its values 5 times before PostgreSQL weighs a generic plan
    for run in range(threshold + 15):
        supplier = suppliers[run % 3]
        with CaptureQueriesContext(connection) as captured:
            names = list(Supplier.objects.filter(pk__in=IdList([supplier.pk])).values_list("legal_name", flat=True))
        assert names == [supplier.legal_name]  # each run's own id
        assert f'"suppliers_supplier"."id" = {supplier.pk}' in captured.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s AND statement NOT LIKE %s",
            ['%"suppliers_supplier"."id" = $1%', "%pg_prepared_statements%"],
        )
        (generic,) = cursor.fetchone()
    assert generic >= 5


def test_bulk_writes_keep_each_statement_under_the_parameter_limit(monkeypatch):
    """bulk_update sends, per row, a WHEN pk THEN value for each column and the pk once more in the IN list: 5
    parameters a row for two columns. Django 5.2 knows no limit on PostgreSQL and sent any number of rows in one
    statement, which failed past 65,535 parameters with server-side binding (20,000 rows of two columns did). The
    batches follow from the limit; shown here with the limit lowered to 100, so the test stays small."""
    _postgresql_only()
    pk = Category._meta.pk
    fields = [Category._meta.get_field("name"), Category._meta.get_field("minerals")]
    assert connection.ops.bulk_batch_size([pk, pk, *fields], [None] * 10**6) == SERVER_SIDE_PARAMETER_LIMIT // 5
    assert connection.ops.bulk_batch_size(fields, [None] * 10**6) == SERVER_SIDE_PARAMETER_LIMIT // 2
    rows = Category.objects.bulk_create(
        [Category(code=f"bulk-{i}", name=f"Bulk {i}", name_zh="", minerals="tin") for i in range(60)]
    )
    for row in rows:
        row.name += " (renamed)"
        row.minerals = "gold"
    monkeypatch.setitem(connection.features.__dict__, "max_query_params", 100)
    with CaptureQueriesContext(connection) as captured:
        assert Category.objects.bulk_update(rows, ["name", "minerals"]) == 60
    # the debug log shows each statement with its values written in: count the rows each one updated instead
    updates = [q["sql"] for q in captured if q["sql"].startswith("UPDATE")]
    assert [sql.count(" WHEN ") for sql in updates] == [40, 40, 40]  # 20 rows x 2 columns: 100 parameters each
    assert Category.objects.filter(code__startswith="bulk-", minerals="gold", name__endswith="(renamed)").count() == 60


def test_an_in_list_longer_than_the_parameter_limit_is_sent_as_one_array():
    _postgresql_only()
    kept = [make_supplier().pk for _ in range(3)]
    ids = [*range(10_000_000, 10_000_000 + SERVER_SIDE_PARAMETER_LIMIT + 10), *kept]
    assert sorted(Supplier.objects.filter(pk__in=ids).values_list("pk", flat=True)) == sorted(kept)
    assert Supplier.objects.exclude(pk__in=ids).count() == Supplier.objects.count() - 3


def test_a_foreign_key_in_list_longer_than_the_parameter_limit_is_sent_as_one_array():
    _postgresql_only()
    suppliers = [make_supplier() for _ in range(2)]
    for supplier in suppliers:
        Document.objects.create(supplier=supplier, title="ISO 14001", doc_type="certificate", file="iso.pdf")
    ids = [*range(10_000_000, 10_000_000 + SERVER_SIDE_PARAMETER_LIMIT + 10), suppliers[0].pk]
    assert list(Document.objects.filter(supplier__in=ids).values_list("supplier_id", flat=True)) == [suppliers[0].pk]
