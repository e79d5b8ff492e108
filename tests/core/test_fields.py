"""core.fields.JSONTextField: `json` on PostgreSQL (not jsonb), the same values back as a JSONField everywhere,
written through the ORM or through core.rowwriter."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.fields.json import KT
from django.utils import timezone

from supplyesg.assessments.models import RiskAssessment
from supplyesg.core.rowwriter import RawJSON, insert_rows
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

EXPLANATION = [
    {"factor": "country", "label": "Country · 国家", "input": {"code": "CN", "score": 55.5}, "weight": 0.2, "note": 'say "x"'},
    {"factor": "questionnaire", "input": None, "lines": [1, 2.5, True, None]},
]


def _column_type() -> str:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, RiskAssessment._meta.db_table)
    (column,) = [c for c in description if c.name == "explanation"]
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regtype::text", [column.type_code])
        return cursor.fetchone()[0]


def test_the_explanation_column_is_json_on_postgresql():
    if connection.vendor == "postgresql":
        assert _column_type() == "json"
    assert RiskAssessment._meta.get_field("explanation").get_internal_type() == "JSONField"


def test_values_written_through_the_orm_and_the_rowwriter_read_back_equal():
    supplier = make_supplier()
    by_orm = RiskAssessment.objects.create(
        supplier=supplier, year=2026, overall_score=Decimal("10.00"), computed_level="low", explanation=EXPLANATION
    )
    fields = ["supplier", "year", "kind", "computed_at", "overall_score", "category_scores", "computed_level"]
    fields += ["override_level", "override_reason", "is_current", "explanation"]
    row = (supplier.pk, 2025, "yearly", timezone.now(), Decimal("11.00"), {}, "low", "", "", False)
    ((by_rows_pk,), (raw_pk,)) = [
        insert_rows(RiskAssessment, fields, [row + (value,)], returning=["id"])[0]
        for value in (EXPLANATION, RawJSON('[{"a": 1}]'))
    ]
    assert RiskAssessment.objects.get(pk=by_orm.pk).explanation == EXPLANATION
    assert RiskAssessment.objects.get(pk=by_rows_pk).explanation == EXPLANATION
    assert RiskAssessment.objects.get(pk=raw_pk).explanation == [{"a": 1}]
    assert list(RiskAssessment.objects.filter(pk=by_orm.pk).values_list("explanation", flat=True)) == [EXPLANATION]
    # a key transform reads inside it on both databases
    first_factor = (
        RiskAssessment.objects.filter(pk=by_orm.pk)
        .annotate(factor=KT("explanation__0__factor"))
        .values_list("factor", flat=True)
    )
    assert list(first_factor) == ["country"]
    by_orm.explanation = []
    by_orm.save(update_fields=["explanation"])
    assert RiskAssessment.objects.get(pk=by_orm.pk).explanation == []
