"""core.rowwriter.insert_rows: the many-row writer of the risk assessment and the quarterly ratings stores what
bulk_create would, upserts and skips conflicts like it, and returns the keys of the rows it wrote."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supplyesg.assessments.models import RiskAssessment, WorklistItem
from supplyesg.core import rowwriter
from supplyesg.core.audit import EVENT_FIELDS
from supplyesg.core.models import AuditEvent
from supplyesg.core.rowwriter import insert_rows
from supplyesg.ratings.models import Rating
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["arrays", "values"])
def statement_form(request, monkeypatch):
    """Every test in both of PostgreSQL's forms: one array per column (many rows) and a VALUES list (a few rows,
    rowwriter.SMALL_ROWS). SQLite always writes VALUES."""
    monkeypatch.setattr(rowwriter, "SMALL_ROWS", -1 if request.param == "arrays" else 10**9)
    return request.param


AT = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)


def _stored(event_ids):
    return [
        {k: v for k, v in row.items() if k != "id"} for row in AuditEvent.objects.filter(pk__in=event_ids).order_by("pk").values()
    ]


def test_it_stores_what_bulk_create_stores_for_json_datetime_and_text(compliance):
    supplier = make_supplier(legal_name="Acme 一号")
    changes = {"level": [None, "high"], "overall_score": ["12.50", "61.25"], "note": "供应商 · ok", "nested": {"n": [1, 2.5]}}
    values = (
        AT,
        compliance.pk,
        "compliance",
        "risk.assessed",
        "assessments.riskassessment",
        "7",
        "Risk · Acme",
        supplier.pk,
        changes,
        "",
    )
    attnames = [AuditEvent._meta.get_field(name).attname for name in EVENT_FIELDS]  # actor_id, supplier_id
    (made,) = AuditEvent.objects.bulk_create([AuditEvent(**dict(zip(attnames, values, strict=True)))])
    (written_id,) = insert_rows(AuditEvent, EVENT_FIELDS, [values], returning=["id"])

    assert _stored([made.pk]) == _stored(written_id)
    assert AuditEvent.objects.get(pk=written_id[0]).changes["note"] == "供应商 · ok"


def test_it_writes_more_rows_than_fit_in_one_statement(monkeypatch):
    monkeypatch.setattr(rowwriter, "MAX_ROWS_PER_STATEMENT", 100)
    supplier = make_supplier()
    rows = [(AT, None, "system", "worklist.opened", "x", str(i), f"item {i}", supplier.pk, {"i": i}, "") for i in range(250)]
    with CaptureQueriesContext(connection) as captured:
        returned = insert_rows(AuditEvent, EVENT_FIELDS, rows, returning=["target_id", "id"])

    assert len(captured) == 3  # 100 + 100 + 50 rows
    assert len(returned) == 250 and {target for target, _pk in returned} == {str(i) for i in range(250)}
    assert sorted(AuditEvent.objects.values_list("changes__i", flat=True)) == list(range(250))


def _rating_row(supplier, grade, total):
    return (
        supplier.pk,
        2026,
        3,
        Decimal("80.00"),
        1,
        "audit",
        Decimal("30.00"),
        Decimal(total),
        grade,
        "keep",
        [],
        {"on": "2026-09-30"},
        AT,
        "pending",
        "",
        "",
    )


RATING_FIELDS = [
    "supplier",
    "year",
    "quarter",
    "business_score",
    "esg_score",
    "esg_source",
    "esg_weight",
    "total",
    "grade",
    "recommended_action",
    "reasons",
    "inputs",
    "computed_at",
    "decision_status",
    "decided_action",
    "decision_reason",
]


def test_an_upsert_updates_the_row_of_the_same_key_instead_of_adding_one():
    a, b = make_supplier(), make_supplier()
    insert_rows(Rating, RATING_FIELDS, [_rating_row(a, "B", "81.00")])
    insert_rows(
        Rating,
        RATING_FIELDS,
        [_rating_row(a, "C", "66.50"), _rating_row(b, "A", "95.00")],
        conflict_fields=["supplier", "year", "quarter"],
        update_fields=["total", "grade"],
    )

    assert sorted(Rating.objects.values_list("supplier_id", "grade", "total")) == sorted(
        [(a.pk, "C", Decimal("66.50")), (b.pk, "A", Decimal("95.00"))]
    )


def test_ignore_conflicts_keeps_the_first_row_of_a_key():
    supplier = make_supplier()
    assessment = RiskAssessment.objects.create(supplier=supplier, year=2026, overall_score=Decimal(70), computed_level="high")
    fields = ["supplier", "year", "kind", "reason", "status", "assessment", "created_at"]
    first = (supplier.pk, 2026, "onsite_audit", "first", "open", assessment.pk, AT)
    insert_rows(WorklistItem, fields, [first], ignore_conflicts=True)
    insert_rows(WorklistItem, fields, [(*first[:3], "second", *first[4:])], ignore_conflicts=True)

    assert list(WorklistItem.objects.values_list("reason", "created_at")) == [("first", AT)]


def test_json_the_caller_already_wrote_as_text_is_stored_as_that_value(compliance):
    supplier = make_supplier(legal_name="Acme 一号")
    explanation = [{"factor": "country", "risk": 12.5, "note": "供应商 · ok", "params": {}}, {"factor": "level"}]
    fields = ["supplier", "year", "kind", "computed_at", "overall_score", "category_scores", "computed_level"]
    fields += ["explanation", "is_current", "override_level", "override_reason"]
    as_text = rowwriter.RawJSON(json.dumps(explanation))
    rows = [
        (supplier.pk, 2025, "yearly", AT, Decimal("12.50"), {}, "low", explanation, False, "", ""),
        (supplier.pk, 2026, "yearly", AT, Decimal("12.50"), {}, "low", as_text, False, "", ""),
    ]

    insert_rows(RiskAssessment, fields, rows)

    stored = dict(RiskAssessment.objects.filter(supplier=supplier).values_list("year", "explanation"))
    assert stored == {2025: explanation, 2026: explanation}


def test_text_that_looks_like_sql_or_array_syntax_is_stored_as_written():
    supplier = make_supplier()
    labels = ["NULL", '{"a", b}', "O'Brien, \\ 供应商", "", None]
    rows = [
        (AT, None, "system", "worklist.opened", "x", str(i), label or "", supplier.pk, {"label": label}, label or "")
        for i, label in enumerate(labels)
    ]

    insert_rows(AuditEvent, EVENT_FIELDS, rows)

    stored = AuditEvent.objects.order_by("target_id").values_list("target_label", "reason", "changes")
    assert list(stored) == [(label or "", label or "", {"label": label}) for label in labels]
