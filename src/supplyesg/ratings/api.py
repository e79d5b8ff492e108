"""The ratings JSON API: a quarter's ratings (internal), a supplier's rating history (a supplier's portal user:
its own only), business scores from an ERP (Cap.RATE) and procurement's decision (Cap.DECIDE_ORDERS).

The same access helpers and services as the pages. A service's "field: message" refusals come back as 400
with `errors` naming each field.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import Offset, Year
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.models import User
from supplyesg.core.paging import page
from supplyesg.ratings import queries, services
from supplyesg.ratings.access import get_rating_for_user, ratings_visible_to
from supplyesg.ratings.models import Grade, ImprovementAction, Rating
from supplyesg.ratings.quarters import Quarter
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.models import Supplier

router = Router(tags=["ratings"])


def _field_errors(exc: ValidationError) -> Status:
    """A service's "field: message" sentences as the error format, each under its field."""
    items = []
    for message in exc.messages:
        name, sep, _rest = message.partition(": ")
        items.append({"field": name if sep and name.isidentifier() else "", "message": message})
    status = 400 if any(item["field"] for item in items) else 409  # no field named: the state forbids it
    return Status(status, {"detail": items[0]["message"] if items else "Invalid input.", "errors": items})


class ImprovementOut(Schema):
    """AIKO grade C: the corrective action with support opened when procurement confirmed the grade."""

    description: str
    owner: str
    due_date: date
    status: str
    training_topic: str | None = None


class RatingOut(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    period: str
    year: int
    quarter: int
    business_score: Decimal
    quality: Decimal | None
    delivery: Decimal | None
    cost: Decimal | None
    service: Decimal | None
    esg_score: int | None  # None: no ESG result; the total is the business score alone
    esg_source: str  # audit | risk_level | none
    esg_weight: Decimal
    total: Decimal
    grade: str
    reasons: list[str]
    computed_at: datetime
    improvement_action: ImprovementOut | None = None
    recommended_action: str | None = None  # internal users only
    decision_status: str | None = None
    decided_action: str | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None


class RatingPage(Schema):
    period: str
    count: int
    limit: int
    offset: int
    grades: dict[str, int]
    items: list[RatingOut]


class QuarterFilters(Schema):
    quarter: str | None = None
    grade: str | None = None
    decision: str | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class HistoryOut(Schema):
    supplier_id: int
    supplier_code: str
    items: list[RatingOut]


class BusinessScoreIn(Schema):
    supplier_code: str = Field(..., max_length=30)
    period: str | None = Field(None, description="e.g. 2026Q3; or give year and quarter")
    year: Year | None = None
    quarter: int | None = None
    quality: Decimal
    delivery: Decimal
    cost: Decimal
    service: Decimal
    note: str = Field("", max_length=300)


class BusinessScoreOut(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    period: str
    quality: Decimal
    delivery: Decimal
    cost: Decimal
    service: Decimal
    note: str
    source: str
    updated_at: datetime


class DecisionIn(Schema):
    confirm: bool
    action: str | None = None
    reason: str = Field("", max_length=2000)
    # Corrective action with support (grade C): the improvement action it opens.
    owner: str | None = None  # user name of the internal owner
    due_date: date | None = None
    description: str = Field("", max_length=2000)
    training_topic: str = Field("", max_length=200)


WITH_IMPROVEMENT = ("improvement_action__owner", "improvement_action__training")


def _improvement_out(r: Rating) -> dict | None:
    try:
        i = r.improvement_action
    except ImprovementAction.DoesNotExist:
        return None
    return {
        "description": i.description,
        "owner": i.owner.get_full_name() or i.owner.get_username(),
        "due_date": i.due_date,
        "status": i.status,
        "training_topic": i.training.topic if i.training else None,
    }


def _rating_out(r: Rating, *, internal: bool) -> dict:
    business = (r.inputs or {}).get("business") or {}
    out = {
        "id": r.pk,
        "supplier_id": r.supplier_id,
        "supplier_code": r.supplier.code,
        "supplier_name": r.supplier.legal_name,
        "period": r.period,
        "year": r.year,
        "quarter": r.quarter,
        "business_score": r.business_score,
        "quality": business.get("quality"),
        "delivery": business.get("delivery"),
        "cost": business.get("cost"),
        "service": business.get("service"),
        "esg_score": r.esg_score,
        "esg_source": r.esg_source or "none",
        "esg_weight": r.esg_weight,
        "total": r.total,
        "grade": r.grade,
        "reasons": queries.reason_texts(r.reasons),
        "computed_at": r.computed_at,
        "improvement_action": _improvement_out(r),
    }
    if internal:
        out.update(
            recommended_action=r.recommended_action,
            decision_status=r.decision_status,
            decided_action=r.decided_action,
            decision_reason=r.decision_reason,
            decided_at=r.decided_at,
        )
    return out


@router.get(
    "/ratings",
    response={200: RatingPage, **_errors(400, 401, 403, 404, 422)},
    summary="A quarter's ratings (default: the latest rated quarter)",
    url_name="ratings_quarter",
    auth=needs(Cap.VIEW),
)
def list_ratings(request, filters: Query[QuarterFilters]):
    require_internal(request.user)
    errors = []
    period: Quarter | None = None
    if filters.quarter:
        try:
            period = services.check_quarter(filters.quarter)
        except ValidationError as exc:
            errors.extend({"field": "quarter", "message": m} for m in exc.messages)
    if filters.grade and filters.grade not in Grade.values:
        errors.append({"field": "grade", "message": "grade: choose A, B, C or D."})
    if filters.decision and filters.decision not in Rating.Decision.values:
        errors.append({"field": "decision", "message": f"decision: choose one of {', '.join(Rating.Decision.values)}."})
    if errors:
        return Status(400, {"detail": errors[0]["message"], "errors": errors})
    period = period or queries.default_quarter()
    qs = queries.quarter_ratings(period, grade=filters.grade or "", decision=filters.decision or "", sort="code")
    return {
        "period": str(period),
        "grades": queries.grade_counts(period),
        **page(
            qs.select_related(*WITH_IMPROVEMENT),
            limit=filters.limit,
            offset=filters.offset,
            item=lambda r: _rating_out(r, internal=True),
        ),
    }


@router.get(
    "/ratings/suppliers/{supplier_id}",
    response={200: HistoryOut, **_errors(401, 404)},
    summary="A supplier's ratings, newest first (a supplier user: its own only)",
    url_name="ratings_supplier_history",
)
def supplier_history(request, supplier_id: int):
    supplier = get_supplier_for_user(request.user, supplier_id)
    internal = request.user.is_internal
    ratings = (
        ratings_visible_to(request.user)
        .filter(supplier=supplier)
        .select_related("supplier", *WITH_IMPROVEMENT)
        .order_by("-year", "-quarter")
    )
    return {
        "supplier_id": supplier.pk,
        "supplier_code": supplier.code,
        "items": [_rating_out(r, internal=internal) for r in ratings],
    }


@router.post(
    "/ratings/business-scores",
    auth=needs(Cap.RATE),
    response={200: BusinessScoreOut, 201: BusinessScoreOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Enter or replace a supplier's business scores for a quarter (0-100 each)",
    url_name="ratings_business_score",
)
def post_business_score(request, payload: BusinessScoreIn):
    supplier = Supplier.objects.filter(code__iexact=payload.supplier_code.strip()).first()
    if supplier is None:
        message = f"supplier_code: no supplier has the code {payload.supplier_code.strip()[:30]}."
        return Status(400, {"detail": message, "errors": [{"field": "supplier_code", "message": message}]})
    year, quarter = payload.year, payload.quarter
    if payload.period:
        try:
            period = services.check_quarter(payload.period, field="period")
        except ValidationError as exc:
            return _field_errors(exc)
        year, quarter = period.year, period.quarter
    try:
        score, created = services.upsert_business_score(
            supplier,
            actor=request.user,
            year=year,
            quarter=quarter,
            quality=payload.quality,
            delivery=payload.delivery,
            cost=payload.cost,
            service=payload.service,
            note=payload.note,
        )
    except ValidationError as exc:
        return _field_errors(exc)
    body = {
        "id": score.pk,
        "supplier_id": supplier.pk,
        "supplier_code": supplier.code,
        "period": f"{score.year}Q{score.quarter}",
        "quality": score.quality,
        "delivery": score.delivery,
        "cost": score.cost,
        "service": score.service,
        "note": score.note,
        "source": score.source,
        "updated_at": score.updated_at or timezone.now(),
    }
    return Status(201 if created else 200, body)


@router.post(
    "/ratings/{rating_id}/decide",
    auth=needs(Cap.DECIDE_ORDERS),
    response={200: RatingOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Confirm the recommended action, or override it with another action and a reason",
    url_name="ratings_decide",
)
def decide(request, rating_id: int, payload: DecisionIn):
    rating = get_rating_for_user(request.user, rating_id, write=True)
    try:
        owner = User.objects.filter(username=payload.owner, is_active=True).first() if payload.owner else None
        rating = services.decide_rating(
            rating,
            actor=request.user,
            confirm=payload.confirm,
            action=payload.action,
            reason=payload.reason,
            owner=owner,
            due_date=payload.due_date,
            description=payload.description,
            training_topic=payload.training_topic,
        )
    except ValidationError as exc:
        return _field_errors(exc)
    return _rating_out(get_rating_for_user(request.user, rating.pk), internal=True)
