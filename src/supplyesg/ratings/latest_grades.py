"""SupplierSummary.latest_grade (`supplier.summary`), the grade of each supplier's latest quarterly rating, which
the supplier list shows, filters and sorts on: kept by compute_quarter (ratings.services) inside the transaction
that writes the ratings."""

from __future__ import annotations

from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from supplyesg.core.ids import IdList
from supplyesg.ratings.models import Rating
from supplyesg.ratings.quarters import Quarter
from supplyesg.suppliers.models import SupplierSummary


def _later_than(period: Quarter) -> Q:
    return Q(year__gt=period.year) | Q(year=period.year, quarter__gt=period.quarter)


def later_quarters_rated(period: Quarter) -> bool:
    """Whether any supplier has a rating of a quarter after `period`: asked once per run, so that rating the latest
    quarter (the usual run) does not look for later ratings batch by batch (a query per batch that, on a ratings
    table whose statistics lag behind a run's inserts, PostgreSQL planned as a scan of the whole table: 36 ms a
    batch at 100,000 suppliers)."""
    return Rating.objects.filter(_later_than(period)).exists()


def store_batch_grades(grades: dict[int, str], period: Quarter, *, later_possible: bool = True) -> None:
    """`refresh_latest_grades` for a batch just rated for `period`, from the grades it wrote: a supplier with no
    rating of a later quarter has this one as its latest, so its grade is set directly, in one UPDATE and only where
    it differs (a recompute that changes no grade writes no row; latest_grade is indexed, so each written row
    updates every index of its table). Before: a correlated subquery per supplier, about half of a
    batch's SQL time on PostgreSQL. Suppliers rated for a later quarter go through refresh_latest_grades; with
    `later_possible` False (no later quarter rated when the run began: `later_quarters_rated`) none is looked for."""
    later = set()
    if later_possible:
        later = set(
            Rating.objects.filter(supplier_id__in=IdList(grades))
            .filter(_later_than(period))
            .order_by()
            .values_list("supplier_id", flat=True)
            .distinct()
        )
    by_grade: dict[str, list[int]] = {}
    for supplier_id, grade in grades.items():
        if supplier_id not in later:
            by_grade.setdefault(grade, []).append(supplier_id)
    if by_grade:
        grade = Case(*(When(pk__in=IdList(ids), then=Value(g)) for g, ids in by_grade.items()))
        batch = IdList(pk for group in by_grade.values() for pk in group)
        SupplierSummary.objects.filter(supplier_id__in=batch).exclude(latest_grade=grade).update(latest_grade=grade)
    if later:
        refresh_latest_grades(later)


def refresh_latest_grades(supplier_ids) -> None:
    """Copy the grade of each supplier's latest rating onto its SupplierSummary, which the supplier list shows,
    filters and sorts on. Called inside the transaction that writes ratings: one UPDATE per 900 ids (the newest
    rating found through the supplier/year/quarter unique index). `updated_at` does not move."""
    ids = list(dict.fromkeys(supplier_ids))
    newest = Rating.objects.filter(supplier_id=OuterRef("supplier_id")).order_by("-year", "-quarter").values("grade")[:1]
    for start in range(0, len(ids), 900):
        SupplierSummary.objects.filter(supplier_id__in=IdList(ids[start : start + 900])).update(
            latest_grade=Coalesce(Subquery(newest), Value(""))  # "": never rated
        )
