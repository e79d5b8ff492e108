"""The supplier list's grade column and filter: the latest quarterly grade, with no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_supplier
from tests.ratings.factories_ratings import make_rating

pytestmark = pytest.mark.django_db

LIST = reverse("suppliers:list")


@pytest.fixture
def graded(supplier_a, supplier_b):
    make_rating(supplier_a, quarter=2, grade="A")
    make_rating(supplier_a, quarter=3, grade="D", total="40")  # the latest counts
    make_rating(supplier_b, year=2025, quarter=4, grade="B")
    never = make_supplier(legal_name="Gamma Never Rated Ltd.")
    return {"a": supplier_a, "b": supplier_b, "never": never}


def shown(response) -> list[str]:
    return [s.legal_name for s in response.context["page"]]


def test_the_list_shows_each_suppliers_latest_grade(client_for, compliance, graded):
    response = client_for(compliance).get(LIST)
    html = response.content.decode()
    grades = {s.pk: s.summary.latest_grade for s in response.context["page"]}
    assert grades == {graded["a"].pk: "D", graded["b"].pk: "B", graded["never"].pk: ""}
    assert "grade-D" in html and reverse("ratings:supplier", args=[graded["a"].pk]) in html
    assert "Grade" in [str(c["column"].label) for c in response.context["columns"]]


@pytest.mark.parametrize(
    ("grade", "expected"),
    [("D", ["Alpha Cable Co., Ltd."]), ("B", ["Beta Solder Sdn. Bhd."]), ("A", []), ("none", ["Gamma Never Rated Ltd."])],
)
def test_the_list_filters_by_latest_grade(client_for, compliance, graded, grade, expected):
    assert shown(client_for(compliance).get(LIST, {"grade": grade})) == expected


def test_a_bad_grade_filter_is_ignored(client_for, compliance, graded):
    response = client_for(compliance).get(LIST, {"grade": "Z"})
    assert response.status_code == 200 and len(shown(response)) == 3


def test_the_list_sorts_by_grade(client_for, compliance, graded):
    names = shown(client_for(compliance).get(LIST, {"sort": "-grade"}))
    assert names.index("Alpha Cable Co., Ltd.") < names.index("Beta Solder Sdn. Bhd.")


def test_the_grade_filter_is_kept_in_the_filter_form(client_for, compliance, graded):
    html = client_for(compliance).get(LIST, {"grade": "D"}).content.decode()
    assert '<option value="D" selected>' in html


def test_the_grade_column_adds_no_query_per_row(client_for, compliance, django_assert_max_num_queries):
    client = client_for(compliance)
    for _n in range(3):
        make_rating(make_supplier(), grade="C", total="65")
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(40):
        supplier = make_supplier()
        make_rating(supplier, quarter=2, grade="B")
        make_rating(supplier, grade="ABCD"[n % 4], total="70")
    with django_assert_max_num_queries(len(few)):
        assert client.get(LIST, {"grade": "C"}).status_code == 200
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 43


def test_computing_a_quarter_puts_the_grade_on_the_list_and_an_earlier_quarter_does_not_replace_it(
    client_for, compliance, supplier_a
):
    from supplyesg.ratings import services
    from supplyesg.suppliers.models import Supplier
    from tests.ratings.factories_ratings import frozen, make_business_score

    updated = Supplier.objects.get(pk=supplier_a.pk).updated_at
    make_business_score(supplier_a, quarter=3, quality=98, delivery=98, cost=98, service=98)
    make_business_score(supplier_a, quarter=2, quality=40, delivery=40, cost=40, service=40)
    with frozen():
        services.compute_quarter(2026, 3, actor=None)
        services.compute_quarter(2026, 2, actor=None)
    supplier = Supplier.objects.select_related("summary").get(pk=supplier_a.pk)
    latest = supplier.ratings.order_by("-year", "-quarter").first()
    assert latest.quarter == 3 and supplier.summary.latest_grade == latest.grade
    assert supplier.ratings.get(quarter=2).grade != latest.grade
    assert supplier.updated_at == updated
    assert shown(client_for(compliance).get(LIST, {"grade": latest.grade})) == [supplier_a.legal_name]


def test_rating_the_latest_quarter_does_not_look_for_later_ratings_batch_by_batch(supplier_a, supplier_b):
    from supplyesg.ratings import services
    from supplyesg.ratings.latest_grades import later_quarters_rated
    from supplyesg.ratings.quarters import Quarter
    from supplyesg.suppliers.models import Supplier
    from tests.ratings.factories_ratings import frozen, make_business_score

    for supplier in (supplier_a, supplier_b):
        make_business_score(supplier, quarter=3, quality=90, delivery=90, cost=90, service=90)
    assert not later_quarters_rated(Quarter(2026, 3))
    with frozen(), CaptureQueriesContext(connection) as latest_run:
        services.compute_quarter(2026, 3, actor=None, batch_size=1)
    distinct = [q["sql"] for q in latest_run.captured_queries if "SELECT DISTINCT" in q["sql"]]
    assert distinct == []  # one EXISTS for the run, none per batch
    assert later_quarters_rated(Quarter(2026, 2)) and not later_quarters_rated(Quarter(2026, 3))
    grades = dict(Supplier.objects.filter(pk__in=[supplier_a.pk, supplier_b.pk]).values_list("pk", "summary__latest_grade"))
    assert "" not in grades.values()

    make_business_score(supplier_a, quarter=2, quality=40, delivery=40, cost=40, service=40)
    with frozen(), CaptureQueriesContext(connection) as earlier_run:
        services.compute_quarter(2026, 2, actor=None, batch_size=1)
    assert any("SELECT DISTINCT" in q["sql"] for q in earlier_run.captured_queries)
    assert Supplier.objects.get(pk=supplier_a.pk).summary.latest_grade == grades[supplier_a.pk]
