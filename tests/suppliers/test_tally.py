"""suppliers.tally: on PostgreSQL the supplier list, the API and the registry dashboard count suppliers from a
tally the database keeps per status and tier; every count equals COUNT(*) whatever wrote the suppliers, and a
filter the tally does not know is counted. On SQLite everything is counted."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supplyesg.core.rowwriter import insert_rows
from supplyesg.suppliers import queries, tally
from supplyesg.suppliers.models import Supplier, SupplierTally
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

A, P = Supplier.Status.ACTIVE, Supplier.Status.PROSPECT


def assert_tally_exact():
    """Every (status, tier) group, and the whole table, as COUNT(*) gives them."""
    expected = {}
    for status, tier in Supplier.objects.values_list("status", "tier"):
        expected[(status, tier)] = expected.get((status, tier), 0) + 1
    assert tally.count(Supplier.objects.all()) == sum(expected.values())
    for status, tier in {*expected, (A, 3)}:
        wanted = expected.get((status, tier), 0)
        assert tally.count(Supplier.objects.filter(status=status, tier=tier)) == wanted
        assert tally.count(Supplier.objects.filter(tier=tier).filter(status=status)) == wanted
    for status in {s for s, _t in expected}:
        assert tally.count(Supplier.objects.filter(status=status)) == Supplier.objects.filter(status=status).count()
    if connection.vendor == "postgresql":
        assert tally.by_status_and_tier() == expected


def test_counts_follow_every_way_of_writing_suppliers():
    make_supplier(status=A, tier=1)
    make_supplier(status=P, tier=2)
    Supplier.objects.bulk_create([Supplier(code=f"B{n}", legal_name=f"Bulk {n}", country="VN", tier=2) for n in range(5)])
    # the row writer (imports, scale data): every column given
    fields = [
        f.name for f in Supplier._meta.concrete_fields if not f.primary_key and not f.generated and f.name != "created_by"
    ]
    values = {"legal_name": "Row Writer GmbH", "country": "DE", "status": A, "tier": 3, "updated_at": timezone.now()}
    insert_rows(
        Supplier,
        fields,
        [
            tuple({**values, "code": f"R{n}"}.get(name, Supplier._meta.get_field(name).get_default()) for name in fields)
            for n in range(4)
        ],
    )
    assert_tally_exact()
    # moved between statuses and tiers, one by one and in bulk; an update that moves nothing
    one = Supplier.objects.filter(code="B0").get()
    one.status = A
    one.save()
    Supplier.objects.filter(code__in=["B1", "B2"]).update(status=A, tier=1)
    Supplier.objects.filter(code__startswith="R").update(legal_name="Renamed")
    Supplier.objects.filter(code="R0").update(tier=1)
    assert_tally_exact()
    Supplier.objects.filter(code__in=["B3", "R1"]).delete()
    Supplier.objects.get(code="R2").delete()
    assert_tally_exact()


def test_a_rolled_back_write_leaves_the_count_as_it_was():
    make_supplier(status=A)
    with pytest.raises(RuntimeError), transaction.atomic():
        Supplier.objects.bulk_create([Supplier(code=f"X{n}", legal_name=f"X {n}", country="VN") for n in range(3)])
        assert tally.count(Supplier.objects.all()) == 4  # the writing transaction sees its own suppliers
        raise RuntimeError
    assert tally.count(Supplier.objects.all()) == 1
    assert_tally_exact()


def test_other_filters_are_counted_not_read_from_the_tally(supplier_a_user):
    make_supplier(status=A, country="CN", legal_name="Searched Shenzhen Ltd.")
    make_supplier(status=A, country="VN")
    cases = {
        "country": Supplier.objects.filter(status=A, country="CN"),
        "search": Supplier.objects.search("Searched"),
        "not": Supplier.objects.exclude(status=A),
        "or": Supplier.objects.filter(status=A) | Supplier.objects.filter(tier=2),
        "sliced": Supplier.objects.filter(status=A)[:1],
        "portal": Supplier.objects.visible_to(supplier_a_user),
        "joined": Supplier.objects.filter(summary__risk_order=0),
    }
    for name, qs in cases.items():
        assert tally._conditions(qs) is None, name
        assert tally.count(qs) == qs.count(), name
    with CaptureQueriesContext(connection) as captured:
        tally.count(Supplier.objects.filter(status=A, country="CN"))
    assert "suppliertally" not in captured[0]["sql"]
    assert tally._conditions(Supplier.objects.filter(status=A, tier=1)) == {"status": A, "tier": 1}


def test_many_small_writes_are_folded_into_one_row_per_group():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite counts")
    for n in range(tally.FOLD_AT + 5):
        make_supplier(status=A if n % 2 else P, tier=1 + n % 3)
    assert SupplierTally.objects.count() > tally.FOLD_AT
    total = tally.count(Supplier.objects.all())  # reads, then folds
    assert total == Supplier.objects.count()
    assert SupplierTally.objects.count() == 6
    assert_tally_exact()


def test_migrate_rebuilds_a_tally_that_went_wrong_and_reinstalls_lost_triggers():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite counts")
    make_supplier(status=A)
    tally.uninstall(connection)
    assert not tally.installed(connection)
    make_supplier(status=P)  # not tallied: no trigger
    SupplierTally.objects.create(status=A, tier=1, n=41)  # and a wrong row, as after a restore gone wrong
    tally.after_migrate(sender=None, using="default")
    assert tally.installed(connection)
    assert_tally_exact()
    make_supplier(status=P)
    assert_tally_exact()


def test_truncating_the_suppliers_empties_the_tally():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no TRUNCATE")
    make_supplier(status=A)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the summary's deferred key check, before TRUNCATE
        cursor.execute("TRUNCATE suppliers_supplier CASCADE")
    assert tally.count(Supplier.objects.all()) == 0
    assert_tally_exact()


def test_the_list_api_and_dashboard_show_the_same_counts_as_counting(client_for, compliance):
    for n in range(7):
        make_supplier(status=A if n < 4 else P, tier=1 + n % 2, country="CN" if n < 2 else "VN")
    page = queries.supplier_list_page({}, None, 1)
    assert page.paginator.count == 7
    assert queries.supplier_list_page({"status": A, "tier": 1}, None, 1).paginator.count == 2
    assert queries.supplier_list_page({"country": "CN"}, None, 1).paginator.count == 2
    by_status, by_tier = queries.count_by_status_and_tier()
    assert {row["value"]: row["count"] for row in by_status}[A] == 4
    assert {row["value"]: row["count"] for row in by_tier}[1] == 4
    c = client_for(compliance)
    assert c.get("/api/suppliers?limit=2").json()["count"] == 7
    assert c.get(f"/api/suppliers?limit=2&status={A}&tier=2").json()["count"] == 2
    assert c.get("/api/suppliers?limit=2&country=CN").json()["count"] == 2
