"""core.ids.IdList: a batch's ids in an `__in` lookup select exactly what the same plain list selects, on SQLite as
`IN (...)` and on PostgreSQL as one array parameter (`= ANY(...)`)."""

import pytest
from django.db import connection
from django.db.models import Subquery
from django.test.utils import CaptureQueriesContext

from supplyesg.assessments.models import WorklistItem
from supplyesg.core.ids import IdList
from supplyesg.suppliers.models import Document, Supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


def test_it_selects_what_the_plain_list_selects_in_filters_excludes_updates_and_subqueries():
    a, b, c = make_supplier(), make_supplier(), make_supplier()
    chosen = [a.pk, c.pk]

    def pks(qs):
        return sorted(qs.values_list("pk", flat=True))

    assert pks(Supplier.objects.filter(pk__in=IdList(chosen))) == pks(Supplier.objects.filter(pk__in=chosen)) == chosen
    assert pks(Supplier.objects.exclude(pk__in=IdList(chosen))) == [b.pk]
    inner = Supplier.objects.filter(pk__in=IdList(chosen)).values("pk")
    assert pks(Supplier.objects.filter(pk__in=Subquery(inner))) == chosen
    assert Supplier.objects.filter(pk__in=IdList(chosen)).update(is_key=True) == 2
    assert pks(Supplier.objects.filter(is_key=True)) == chosen


def test_an_empty_list_matches_nothing_without_a_query_like_djangos():
    make_supplier()

    with CaptureQueriesContext(connection) as captured:
        assert list(Supplier.objects.filter(pk__in=IdList())) == []
    assert len(captured) == 0
    assert Supplier.objects.exclude(pk__in=IdList()).count() == 1


def test_foreign_keys_joins_and_nullable_columns_select_what_the_plain_list_selects():
    a, b, c = make_supplier(), make_supplier(), make_supplier()
    for supplier in (a, b, c):
        Document.objects.create(supplier=supplier, doc_type="rohs", title="RoHS", file=f"d/{supplier.pk}.pdf")
    item = WorklistItem.objects.create(supplier=a, year=2026, kind=WorklistItem.Kind.DESK_REVIEW, reason="r")
    chosen = [a.pk, b.pk]

    def rows(qs):
        return sorted(qs.values_list("pk", flat=True))

    for lookup in ("supplier_id__in", "supplier__in", "supplier__pk__in"):
        assert rows(Document.objects.filter(**{lookup: IdList(chosen)})) == rows(Document.objects.filter(**{lookup: chosen}))
        assert len(rows(Document.objects.filter(**{lookup: IdList(chosen)}))) == 2
    # across a join, and excluding on a nullable column (NULL is in no list: those rows stay)
    assert rows(Supplier.objects.filter(worklist_items__supplier_id__in=IdList(chosen))) == [a.pk]
    assert rows(WorklistItem.objects.exclude(assessment_id__in=IdList([1]))) == [item.pk]
    assert rows(WorklistItem.objects.exclude(assessment_id__in=[1])) == [item.pk]


def test_the_ids_are_parameters_not_sql_text_and_must_be_integers():
    supplier = make_supplier()

    with CaptureQueriesContext(connection) as captured:
        found = list(Supplier.objects.filter(pk__in=IdList([supplier.pk, str(supplier.pk)])))
    assert found == [supplier]
    sql = captured[0]["sql"]  # the log shows the parameters filled in
    if connection.vendor == "postgresql":
        # one array parameter, whatever the number of ids
        assert f"= ANY('{{{supplier.pk},{supplier.pk}}}'" in sql and " IN (" not in sql
    else:
        assert f"IN ({supplier.pk}, {supplier.pk})" in sql
    with pytest.raises(ValueError):
        IdList(["1); DROP TABLE suppliers_supplier; --"])


def test_on_postgresql_a_thousand_ids_are_one_parameter():
    ids = IdList(range(1, 1001))
    sql, params = Supplier.objects.filter(pk__in=ids).values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        assert sql.count("%s") == 1 and params == ("{" + ",".join(str(pk) for pk in ids) + "}",)
        assert "= ANY(%s::bigint[])" in sql
    else:
        assert sql.count("%s") == 1000 and list(params) == list(ids)
