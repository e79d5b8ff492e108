"""Read-side helpers of the registry pages: list filtering, sorting and columns, dashboard figures.

Every function here costs a fixed number of queries, whatever the number of suppliers.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.core.paginator import Page
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from supplyesg.core import supplier_page
from supplyesg.core.paging import keyed_page
from supplyesg.suppliers import tally
from supplyesg.suppliers.models import (
    RISK_ORDER,
    BlacklistEntry,
    Document,
    DocumentRule,
    ProfileChangeRequest,
    Supplier,
)
from supplyesg.suppliers.services.compliance import MissingDocument

# ---------------------------------------------------------------- the supplier list

# ?sort= value -> model field. Anything else falls back to DEFAULT_SORT.
SORTS = {
    "name": "legal_name",
    "code": "code",
    "country": "country",
    "tier": "tier",
    "status": "status",
    "updated": "updated_at",
    "risk": "summary__risk_order",
    "grade": "summary__latest_grade",
}
DEFAULT_SORT = "name"
# The sorts on the supplier's SupplierSummary, with the lowest value of each ("" is "not rated").
SUMMARY_SORTS = {"summary__risk_order": 0, "summary__latest_grade": ""}
SORT_LABELS = {
    "name": _("Name"),
    "code": _("Code"),
    "country": _("Country"),
    "tier": _("Tier"),
    "status": _("Status"),
    "updated": _("Last updated"),
    "risk": _("Risk level"),
    "grade": _("Rating grade"),
}
PAGE_SIZE = 50


def sort_choices() -> list[tuple[str, str]]:
    choices = []
    for key, label in SORT_LABELS.items():
        choices.append((key, format_lazy("{} ↑", label)))
        choices.append(("-" + key, format_lazy("{} ↓", label)))
    return choices


@dataclass(frozen=True)
class Column:
    """A column of the supplier table. `sort` is a key of SORTS, empty when the column does not sort."""

    key: str
    label: str
    sort: str = ""
    css: str = ""


# The supplier table, in order. A new column (risk level, rating grade) is one entry here, one cell branch in
# suppliers/_supplier_rows.html, and, when it needs data, one annotation in supplier_list_queryset (or, when it
# must filter and sort fast, an indexed Supplier column its owning app's services keep, like risk_level).
LIST_COLUMNS = (
    Column("code", _("Code"), "code"),
    Column("name", _("Legal name"), "name"),
    Column("country", _("Country"), "country"),
    Column("tier", _("Tier"), "tier"),
    Column("categories", _("Categories"), css="hide-sm"),
    Column("status", _("Status"), "status"),
    Column("risk", _("Risk level"), "risk"),
    Column("grade", _("Grade"), "grade"),
    Column("key", _("Key supplier")),
)


GRADES = ("A", "B", "C", "D")
GRADE_FILTER_CHOICES = [("", _("Any")), *((g, g) for g in GRADES), ("none", _("Not rated"))]


def grade_filter(value) -> str:
    """The list's ?grade= value when it is one of GRADE_FILTER_CHOICES, else "" (a bad value is ignored)."""
    value = (value or "").strip()
    return value if value in GRADES or value == "none" else ""


def with_conditional_acceptance(qs):
    """Annotate `conditionally_accepted` (ESG manual, medium risk: "conditionally accepted") and
    `conditional_plan_due`. Audits computes them (core/supplier_page.py)."""
    return supplier_page.annotate(qs, "conditional_acceptance")


def conditional_filter(value) -> str:
    """The list's ?conditional= value: "yes" (conditionally accepted only) or "" (a bad value is ignored)."""
    return "yes" if (value or "").strip() == "yes" else ""


def conditional_acceptance(supplier: Supplier) -> dict | None:
    """{"plan_due": date} when the supplier is conditionally accepted, else None. One query."""
    row = (
        with_conditional_acceptance(Supplier.objects.filter(pk=supplier.pk))
        .values("conditionally_accepted", "conditional_plan_due")
        .first()
    )
    return {"plan_due": row["conditional_plan_due"]} if row and row["conditionally_accepted"] else None


def list_columns(sort: str) -> list[dict]:
    """The columns with their sort state: the one sorted on and which way, and the ?sort= a click asks for."""
    field, descending = sort.lstrip("-"), sort.startswith("-")
    return [
        {
            "column": column,
            "direction": ("desc" if descending else "asc") if column.sort and column.sort == field else "",
            "next_sort": "-" + column.sort if sort == column.sort else column.sort,
        }
        for column in LIST_COLUMNS
    ]


def normalise_sort(sort: str | None) -> str:
    sort = sort or DEFAULT_SORT
    return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


def supplier_list_page(filters: dict, sort: str | None, page_number) -> Page:
    """One page of the supplier list: the page's ids first, from the filtered and sorted query without the audit
    annotation, then those suppliers with it and their categories (four queries with the count, whatever the page).

    In one query PostgreSQL worked out the annotation's subqueries for every row it skipped before the page: the
    last of 2,000 pages took 630 ms at 100,000 suppliers, a sort by tier 180 ms (bench/supplier_list.py)."""
    ordered = supplier_list_queryset(filters, sort, annotate=False, prefetch=False)
    # Counted without the sort: a sort on the summary joins it, which the count does not need (every supplier has
    # its row); PostgreSQL counted 100,000 joined rows in 18 ms against 6 for the suppliers alone.
    # On PostgreSQL the unfiltered list and its status and tier filters are counted from the tally (tally.py).
    count = supplier_list_count(filters)
    return keyed_page(
        ordered,
        page_number,
        per_page=PAGE_SIZE,
        count=count,
        rows=lambda ids: (
            with_conditional_acceptance(Supplier.objects.filter(pk__in=ids))
            .select_related("summary")
            .prefetch_related("categories")
        ),
    )


def supplier_list_count(filters: dict) -> int:
    """How many suppliers the list shows for `filters` (from the tally where it has the answer)."""
    return tally.count(supplier_list_queryset(filters, DEFAULT_SORT, annotate=False, prefetch=False))


def supplier_list_queryset(filters: dict, sort: str | None = None, *, annotate: bool = True, prefetch: bool = True):
    """Suppliers matching the list filters (as cleaned by SupplierFilterForm), sorted (the export reads it whole;
    pages come from `supplier_list_page`).

    Categories are prefetched, so a page costs the same two queries whatever its size. Columns that need
    more data add it here as an annotation or a select_related, never as a per-row query. `annotate=False` leaves
    out the audit annotation unless the conditional filter needs it.
    """
    qs = Supplier.objects.search(filters.get("q", ""))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("tier"):
        qs = qs.filter(tier=filters["tier"])
    if filters.get("country"):
        qs = qs.filter(country=filters["country"])
    if filters.get("category"):
        qs = qs.filter(categories=filters["category"])
    if filters.get("key") in ("yes", "no"):
        qs = qs.filter(is_key=filters["key"] == "yes")
    # The risk level and the grade are on SupplierSummary (a row per supplier), which the assessments and ratings
    # services keep. The risk filter goes by risk_order, which is indexed (0: never assessed).
    if filters.get("risk") == "none":
        qs = qs.filter(summary__risk_order=0)
    elif filters.get("risk") in RISK_ORDER:
        qs = qs.filter(summary__risk_order=RISK_ORDER[filters["risk"]])
    grade = grade_filter(filters.get("grade"))
    if grade == "none":
        qs = qs.filter(summary__latest_grade="")
    elif grade:
        qs = qs.filter(summary__latest_grade=grade)
    conditional = conditional_filter(filters.get("conditional"))
    if annotate or conditional:
        qs = with_conditional_acceptance(qs)
    if conditional:
        qs = qs.filter(conditionally_accepted=True)
    sort = normalise_sort(sort)
    field = SORTS[sort.lstrip("-")]
    tie = F("pk")
    if field in SUMMARY_SORTS:
        # Every supplier has its summary row: an always-true condition on the sorted column makes the join an inner
        # one, and ties go by the summary's own key (the same id), so both databases read the page's order from the
        # summary's (column, supplier) index instead of sorting 100,000 suppliers (SQLite did not see that the
        # supplier's id equals it: 50 ms at 100,000).
        qs = qs.filter(**{f"{field}__gte": SUMMARY_SORTS[field]})
        tie = F("summary__supplier_id")
    ordering = (F(field).desc(), tie.desc()) if sort.startswith("-") else (F(field).asc(), tie.asc())
    qs = qs.order_by(*ordering)
    return qs.prefetch_related("categories") if prefetch else qs


def countries_in_use() -> list[str]:
    """ISO codes of the countries some supplier is in, in code order, for the country filters (the supplier list,
    the risk overview, the reporting dashboard).

    A loose index scan: one probe of the country index per country in use (`MIN(country) WHERE country > the last
    one`, a recursive CTE both databases run), not a DISTINCT over every supplier. At 100,000 suppliers the DISTINCT
    read the whole index on each page view (PostgreSQL about 30 ms, twice SQLite's time); the probes cost about 200
    index lookups whatever the number of suppliers. Raw SQL because the ORM has no recursive CTE."""
    table, column = Supplier._meta.db_table, Supplier._meta.get_field("country").column
    quote = connection.ops.quote_name
    sql = (
        f"WITH RECURSIVE used(code) AS ("
        f"SELECT MIN({quote(column)}) FROM {quote(table)} "
        f"UNION ALL SELECT (SELECT MIN({quote(column)}) FROM {quote(table)} WHERE {quote(column)} > used.code) "
        f"FROM used WHERE used.code IS NOT NULL"
        f") SELECT code FROM used WHERE code IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [code for (code,) in cursor.fetchall()]


# ---------------------------------------------------------------- dashboard


def count_by_status_and_tier() -> tuple[list[dict], list[dict]]:
    """Suppliers per status (in lifecycle order) and per tier, zeros included, from one pass over the table (the
    registry dashboard showed both from two: about 45 ms each on PostgreSQL at 100,000 suppliers)."""
    by_status: dict[str, int] = {}
    by_tier: dict[int, int] = {}
    for (status, tier), n in _counts_by_status_and_tier().items():
        by_status[status] = by_status.get(status, 0) + n
        by_tier[tier] = by_tier.get(tier, 0) + n
    return (
        [{"value": value, "label": label, "count": by_status.get(value, 0)} for value, label in Supplier.Status.choices],
        [{"value": value, "label": label, "count": by_tier.get(value, 0)} for value, label in Supplier.Tier.choices],
    )


def _counts_by_status_and_tier() -> dict[tuple[str, int], int]:
    """{(status, tier): suppliers}: from the tally on PostgreSQL (a few rows), counted on SQLite. COUNT(*), not
    COUNT(id): counted, PostgreSQL reads the (status, tier) index alone (22 ms at 100,000 suppliers on a busy
    machine) instead of every row for its id (53 ms)."""
    tallied = tally.by_status_and_tier()
    if tallied is not None:
        return tallied
    rows = Supplier.objects.order_by().values_list("status", "tier").annotate(n=Count("*"))
    return {(status, tier): n for status, tier, n in rows}


def count_by_status() -> list[dict]:
    """Every status with its number of suppliers (zero included), in lifecycle order."""
    counts: dict[str, int] = {}
    for (status, _tier), n in _counts_by_status_and_tier().items():
        counts[status] = counts.get(status, 0) + n
    return [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in Supplier.Status.choices]


INACTIVE_STATUSES = (Supplier.Status.EXITED, Supplier.Status.BLACKLISTED)


def open_documents():
    """Documents that still matter: not replaced by a later document of the same type for the same supplier,
    of a supplier the company still deals with (not exited or blacklisted).

    Renewing a licence leaves the old one in place, so without this the expired list would only grow.
    """
    later = Document.objects.filter(supplier=OuterRef("supplier"), doc_type=OuterRef("doc_type")).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gt=OuterRef("expiry_date"))
    )
    return Document.objects.exclude(supplier__status__in=INACTIVE_STATUSES).filter(~Exists(later))


def expiring_documents(within_days: int, on: date | None = None):
    return open_documents().expiring(within_days, on).select_related("supplier").order_by("expiry_date", "pk")


def expired_documents(on: date | None = None):
    return open_documents().expired(on).select_related("supplier").order_by("expiry_date", "pk")


def pending_profile_changes() -> int:
    return ProfileChangeRequest.objects.filter(status=ProfileChangeRequest.Status.PENDING).count()


def blacklisted_in_force() -> int:
    return BlacklistEntry.objects.in_force().count()


@dataclass
class SupplierMissingDocuments:
    supplier: Supplier
    missing: list[MissingDocument]


def lacking_mandatory_documents(on: date):
    """A filter for suppliers lacking a mandatory document on the day: a rule of one of their categories with no
    current document of its type (for a yearly rule, none issued in the 12 months before; the upload's UTC day
    when no issue date was given). The same rule as services.compliance.missing_documents, as one EXISTS the
    database answers per supplier from the document index (supplier, doc_type, expiry_date)."""
    since = on - timedelta(days=365)
    held = Document.objects.current(on).filter(supplier=OuterRef(OuterRef("pk")), doc_type=OuterRef("doc_type"))
    recent = held.annotate(day=Coalesce("issue_date", TruncDate("uploaded_at", tzinfo=UTC))).filter(day__gte=since)
    rules = DocumentRule.objects.filter(category__suppliers=OuterRef("pk"))
    return Exists(rules.filter(Q(~Exists(held), yearly=False) | Q(~Exists(recent), yearly=True)))


def suppliers_missing_documents(on: date | None = None, limit: int = 10) -> tuple[int, list[SupplierMissingDocuments]]:
    """Approved suppliers lacking a mandatory document: how many, and the first `limit` by name with what each
    lacks. The database counts them (`lacking_mandatory_documents`) and picks the first ones by name; only those
    are read, with their rules and documents. Reading every approved supplier's memberships and documents into
    Python took 459 ms at 100,000 suppliers on PostgreSQL and 599 ms on SQLite (bench/every_page.py)."""
    on = on or timezone.localdate()
    # One pass: every lacking supplier's id in name order (their number, and the first ones), not a count and then
    # a sorted page, each of which evaluated the test for every approved supplier.
    lacking = Supplier.objects.approved().filter(lacking_mandatory_documents(on))
    ids = list(lacking.order_by("legal_name", "pk").values_list("pk", flat=True))
    found = Supplier.objects.in_bulk(ids[:limit])
    first = [found[pk] for pk in ids[:limit] if pk in found]
    missing = _missing_for(first, on)
    return len(ids), [SupplierMissingDocuments(s, missing[s.pk]) for s in first]


def _missing_for(suppliers: list[Supplier], on: date) -> dict[int, list[MissingDocument]]:
    """What each of a few suppliers lacks, sorted by category and type, in two queries."""
    ids = [s.pk for s in suppliers]
    rules = (
        DocumentRule.objects.filter(category__suppliers__in=ids)
        .order_by("doc_type")
        .values_list("category__suppliers", "category__name", "doc_type", "yearly")
    )
    latest: dict[tuple[int, str], date] = {
        (supplier_id, doc_type): when
        for supplier_id, doc_type, when in Document.objects.current(on)
        .filter(supplier_id__in=ids)
        .order_by()
        .values_list("supplier_id", "doc_type")
        .annotate(when=Max(Coalesce("issue_date", TruncDate("uploaded_at", tzinfo=UTC))))
    }
    since = on - timedelta(days=365)
    missing: dict[int, list[MissingDocument]] = defaultdict(list)
    for supplier_id, category_name, doc_type, yearly in rules:
        held = latest.get((supplier_id, doc_type))
        if held is None or (yearly and held < since):
            missing[supplier_id].append(MissingDocument(doc_type, category_name, yearly))
    return {pk: sorted(items, key=lambda m: (m.category, m.doc_type)) for pk, items in missing.items()}


def pending_changes():
    """The profile changes proposed in the portal and waiting for review, oldest first."""
    return (
        ProfileChangeRequest.objects.filter(status=ProfileChangeRequest.Status.PENDING)
        .select_related("supplier", "submitted_by")
        .order_by("submitted_at", "pk")
    )
