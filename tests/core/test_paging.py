"""The list APIs' one page (core.paging): a page past the middle is read from the end in the reverse order, and is
exactly the page a forward reading gives, on any model, in every order that ends with the primary key."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from supplyesg.core.models import AuditEvent
from supplyesg.core.paging import ends_with_the_primary_key, keyed_page, page
from supplyesg.ratings.models import Rating
from supplyesg.ratings.quarters import Quarter
from supplyesg.ratings.queries import quarter_ratings
from supplyesg.suppliers import tally
from supplyesg.suppliers.models import BlacklistEntry, Supplier
from tests.factories import make_category, make_supplier
from tests.ratings.factories_ratings import make_rating

pytestmark = pytest.mark.django_db


def assert_every_page_is_the_forward_page(queryset, counted=None):
    """Every offset 0..12 with limits 1, 3 and 4 of an 11-row list, the empty pages past the end included."""
    everything = list(queryset.values_list("pk", flat=True))
    assert len(everything) == 11
    for limit in (1, 3, 4):
        for offset in range(0, 13):
            body = page(queryset, limit=limit, offset=offset, count=counted(queryset) if counted else None)
            assert [row.pk for row in body["items"]] == everything[offset : offset + limit], (limit, offset)
            assert (body["count"], body["limit"], body["offset"]) == (11, limit, offset)


@pytest.fixture
def eleven_suppliers():
    """Ties on every sorted column, broken by the primary key."""
    categories = [make_category(), make_category()]
    for n in range(11):
        make_supplier(
            legal_name=f"Halves {n % 4}", tier=1 + n % 2, country="CN" if n % 3 else "VN", categories=categories[: n % 3]
        )


@pytest.mark.parametrize("ordering", ["legal_name", "-legal_name", "tier", "-created_at"])
def test_every_page_of_suppliers_counted_by_the_tally_is_the_forward_page(eleven_suppliers, ordering):
    assert_every_page_is_the_forward_page(Supplier.objects.order_by(ordering, "pk"), counted=tally.count)


def test_a_filtered_supplier_list_pages_the_same_way(eleven_suppliers):
    everything = list(Supplier.objects.order_by("legal_name", "pk").values_list("pk", flat=True))
    cn = Supplier.objects.filter(country="CN").order_by("legal_name", "-pk")
    expected = list(cn.values_list("pk", flat=True))
    assert len(expected) == 7 and set(expected) < set(everything)
    body = page(cn, limit=2, offset=5)
    assert [s.pk for s in body["items"]] == expected[5:7] and body["count"] == 7


def test_the_items_come_with_what_the_queryset_prefetches(eleven_suppliers, django_assert_num_queries):
    suppliers = Supplier.objects.prefetch_related("categories").order_by("legal_name", "pk")
    expected = {s.pk: {c.code for c in s.categories.all()} for s in suppliers}
    body = page(suppliers, limit=3, offset=8)
    with django_assert_num_queries(0):
        assert {s.pk: {c.code for c in s.categories.all()} for s in body["items"]} == {
            s.pk: expected[s.pk] for s in body["items"]
        }


@pytest.mark.parametrize("sort", ["grade", "-total", "supplier", "-decision"])
def test_every_page_of_a_quarters_ratings_is_the_forward_page(sort):
    for n in range(11):
        supplier = make_supplier(legal_name=f"Rated {n % 3}")
        make_rating(supplier, grade="ABCD"[n % 4], total=str(60 + n % 2 * 20))
    assert_every_page_is_the_forward_page(quarter_ratings(Quarter(2026, 3), sort=sort).select_related("improvement_action"))


def test_every_page_in_the_models_own_order_is_the_forward_page(supplier_a):
    """The audit trail has no order_by of its own: Meta.ordering ("-at", "-id") is the order read backwards."""
    at = timezone.now()
    for n in range(11):
        AuditEvent.objects.create(
            supplier=supplier_a, action="test.event", target_type="x", target_id=str(n), at=at - timedelta(hours=n % 3)
        )
    assert_every_page_is_the_forward_page(AuditEvent.objects.for_supplier(supplier_a.pk))


def test_an_order_that_does_not_end_with_the_primary_key_is_read_forwards(eleven_suppliers):
    assert ends_with_the_primary_key(Supplier.objects.order_by("tier", "pk"))
    assert ends_with_the_primary_key(Supplier.objects.order_by("tier", "-id"))
    assert ends_with_the_primary_key(AuditEvent.objects.all())
    assert not ends_with_the_primary_key(Supplier.objects.order_by("tier"))
    assert not ends_with_the_primary_key(Supplier.objects.order_by("tier", F("pk").desc()))
    assert not ends_with_the_primary_key(AuditEvent.objects.order_by())
    assert not ends_with_the_primary_key(BlacklistEntry.objects.all())  # Meta.ordering ("-decided_at",) has ties
    # a unique column is a total order too, but only the primary key is recognised: this list is read forwards
    everything = list(Supplier.objects.order_by("code").values_list("pk", flat=True))
    body = page(Supplier.objects.order_by("code"), limit=3, offset=9)
    assert [s.pk for s in body["items"]] == everything[9:12]


def test_a_page_turns_each_row_into_what_the_api_returns(eleven_suppliers):
    suppliers = Supplier.objects.order_by("-legal_name", "pk")
    body = page(suppliers, limit=2, offset=10, item=lambda s: s.legal_name)
    assert body == {"count": 11, "limit": 2, "offset": 10, "items": [suppliers.last().legal_name]}
    assert page(Rating.objects.order_by("pk"), limit=5, offset=0) == {"count": 0, "limit": 5, "offset": 0, "items": []}


def test_every_page_reads_its_keys_then_its_rows(eleven_suppliers, django_assert_num_queries):
    suppliers = Supplier.objects.order_by("legal_name", "pk")
    everything = list(suppliers.values_list("pk", flat=True))
    # the page's keys (sorted without carrying wide rows), then those rows; the count is the caller's here
    with django_assert_num_queries(2):
        first = page(suppliers, limit=4, offset=0, count=11)["items"]
    with django_assert_num_queries(2):
        deeper = page(suppliers, limit=4, offset=4, count=11)["items"]
    assert [s.pk for s in first] == everything[:4] and [s.pk for s in deeper] == everything[4:8]


def test_a_keyed_page_is_the_pages_rows_in_the_lists_order(eleven_suppliers, django_assert_num_queries):
    """The Paginator page of a screen: its keys in the list's order, then those rows as `rows` reads them; with the
    count given, no COUNT. Pages past the end give the last page, as Paginator.get_page does."""
    ordered = Supplier.objects.order_by("legal_name", "pk")
    everything = list(ordered.values_list("pk", flat=True))
    for number, expected in ((1, everything[:4]), (3, everything[8:]), (99, everything[8:]), ("x", everything[:4])):
        assert [s.pk for s in keyed_page(ordered, number, per_page=4).object_list] == expected, number
    with django_assert_num_queries(3):  # the keys, the rows, their categories: no COUNT
        second = keyed_page(
            ordered,
            2,
            per_page=4,
            count=11,
            rows=lambda keys: Supplier.objects.filter(pk__in=keys).prefetch_related("categories"),
        )
        assert [(s.pk, len(s.categories.all()) >= 0) for s in second.object_list] == [(pk, True) for pk in everything[4:8]]
    assert second.paginator.num_pages == 3 and second.number == 2
