"""core.ids.IdList: a batch's ids in an `__in` lookup select exactly what the same plain list selects."""

import pytest
from django.db import connection
from django.db.models import Subquery
from django.test.utils import CaptureQueriesContext

from supplyesg.core.ids import IdList
from supplyesg.suppliers.models import Supplier
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
    assert Supplier.objects.filter(pk__in=IdList(chosen)).update(risk_order=3) == 2
    assert pks(Supplier.objects.filter(risk_order=3)) == chosen


def test_an_empty_list_matches_nothing_without_a_query_like_djangos():
    make_supplier()

    with CaptureQueriesContext(connection) as captured:
        assert list(Supplier.objects.filter(pk__in=IdList())) == []
    assert len(captured) == 0
    assert Supplier.objects.exclude(pk__in=IdList()).count() == 1


def test_the_ids_are_parameters_not_sql_text_and_must_be_integers():
    supplier = make_supplier()

    with CaptureQueriesContext(connection) as captured:
        list(Supplier.objects.filter(pk__in=IdList([supplier.pk, str(supplier.pk)])))
    assert f"IN ({supplier.pk}, {supplier.pk})" in captured[0]["sql"]  # the log shows parameters filled in
    with pytest.raises(ValueError):
        IdList(["1); DROP TABLE suppliers_supplier; --"])
