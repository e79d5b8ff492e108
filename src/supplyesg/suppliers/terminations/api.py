"""Termination of cooperation in JSON: the recommendations and decisions, recommending by hand, and procurement's
confirm / override / lift; suspensions in force and procurement's lift / terminate. Internal only (supplier users
get 404); deciding and lifting need Cap.DECIDE_ORDERS, recommending Cap.LIFECYCLE. The same services as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import DbId, Offset, field_choices
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.errors import RuleViolation
from supplyesg.core.paging import page
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.models import Suspension, TerminationCase
from supplyesg.suppliers.terminations import services as terminations
from supplyesg.suppliers.terminations.access import get_suspension_for_user, get_termination_for_user, terminations_with_related

router = Router(tags=["suppliers"])


WRITE_ERRORS = _errors(400, 401, 403, 404, 409, 422)


class TerminationFilters(Schema):
    status: field_choices(TerminationCase, "status") | None = None
    source: field_choices(TerminationCase, "source") | None = None
    supplier_id: DbId | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0


class TerminationOut(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    source: str
    source_ref: str
    reason: str
    status: str
    in_force: bool
    recommended_at: datetime
    recommended_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str


class TerminationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[TerminationOut]


class RecommendIn(Schema):
    supplier_id: int
    reason: str = Field(..., max_length=2000)


class DecideIn(Schema):
    confirm: bool = Field(..., description="true: terminate (orders stop); false: override (cooperation continues).")
    reason: str = Field(..., max_length=2000)


class TerminationLiftIn(Schema):
    reason: str = Field(..., max_length=2000)


class SuspensionDecisionIn(Schema):
    reason: str = Field(..., max_length=2000)


def _name(user) -> str | None:
    return user.get_username() if user else None


def _out(c: TerminationCase) -> dict:
    return {
        "id": c.pk,
        "supplier_id": c.supplier_id,
        "supplier_code": c.supplier.code,
        "supplier_name": c.supplier.legal_name,
        "source": c.source,
        "source_ref": c.source_ref,
        "reason": c.reason,
        "status": c.status,
        "in_force": c.status == TerminationCase.Status.CONFIRMED,
        "recommended_at": c.recommended_at,
        "recommended_by": _name(c.recommended_by),
        "decided_at": c.decided_at,
        "decided_by": _name(c.decided_by),
        "decision_reason": c.decision_reason,
        "lifted_at": c.lifted_at,
        "lifted_by": _name(c.lifted_by),
        "lift_reason": c.lift_reason,
    }


def _reason_errors(call):
    """A missing reason is a 400 naming the field; other refusals (already decided, not confirmed) stay 409."""
    try:
        return call()
    except RuleViolation as exc:
        if all(m.startswith("reason: ") for m in exc.messages):
            raise ValidationError({"reason": [m[len("reason: ") :] for m in exc.messages]}) from None
        raise


@router.get(
    "/terminations",
    response={200: TerminationPage, **_errors(401, 403, 404, 422)},
    summary="Termination recommendations and decisions",
    url_name="terminations",
    auth=needs(Cap.VIEW),
)
def list_terminations(request, filters: Query[TerminationFilters]):
    """`status=recommended` is procurement's queue; `status=confirmed` lists the terminations in force."""
    require_internal(request.user)
    qs = terminations_with_related().order_by("-recommended_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.supplier_id:
        qs = qs.filter(supplier_id=filters.supplier_id)
    return page(qs, limit=filters.limit, offset=filters.offset, item=_out)


@router.get(
    "/terminations/{termination_id}",
    response={200: TerminationOut, **_errors(401, 403, 404)},
    summary="One termination recommendation or decision",
    url_name="termination",
    auth=needs(Cap.VIEW),
)
def get_termination(request, termination_id: int):
    return _out(get_termination_for_user(request.user, termination_id))


@router.post(
    "/terminations",
    response={201: TerminationOut, **WRITE_ERRORS},
    summary="Recommend terminating cooperation with a supplier (procurement decides)",
    url_name="termination_recommend",
    auth=needs(Cap.LIFECYCLE),
)
def recommend_termination(request, payload: RecommendIn):
    require_internal(request.user, Cap.LIFECYCLE)
    supplier = get_supplier_for_user(request.user, payload.supplier_id, write=True, capability=Cap.LIFECYCLE)
    case = _reason_errors(
        lambda: terminations.recommend_termination(
            supplier, actor=request.user, source=TerminationCase.Source.MANUAL, reason=payload.reason
        )
    )
    return Status(201, _out(get_termination_for_user(request.user, case.pk)))


@router.post(
    "/terminations/{termination_id}/decide",
    response={200: TerminationOut, **WRITE_ERRORS},
    summary="Confirm or override a termination recommendation",
    url_name="termination_decide",
    auth=needs(Cap.DECIDE_ORDERS),
)
def decide_termination(request, termination_id: int, payload: DecideIn):
    """409 when the recommendation was already decided. Once confirmed, the can-order answer is no."""
    case = get_termination_for_user(request.user, termination_id, write=True)
    _reason_errors(
        lambda: terminations.decide_termination(case, actor=request.user, confirm=payload.confirm, reason=payload.reason)
    )
    return _out(get_termination_for_user(request.user, case.pk))


@router.post(
    "/terminations/{termination_id}/lift",
    response={200: TerminationOut, **WRITE_ERRORS},
    summary="Lift a confirmed termination: cooperation resumes",
    url_name="termination_lift",
    auth=needs(Cap.DECIDE_ORDERS),
)
def lift_termination(request, termination_id: int, payload: TerminationLiftIn):
    """409 unless the termination is confirmed and in force."""
    case = get_termination_for_user(request.user, termination_id, write=True)
    _reason_errors(lambda: terminations.lift_termination(case, actor=request.user, reason=payload.reason))
    return _out(get_termination_for_user(request.user, case.pk))


# ---------------------------------------------------------------- suspensions


class SuspensionOut(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    source: str
    source_ref: str
    reason: str
    in_force: bool
    started_at: datetime
    ends_on: date | None = Field(None, description="The earliest end; null: until procurement decides.")
    condition: str
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str
    outcome: str


def _suspension_out(s: Suspension) -> dict:
    return {
        "id": s.pk,
        "supplier_id": s.supplier_id,
        "supplier_code": s.supplier.code,
        "source": s.source,
        "source_ref": s.source_ref,
        "reason": s.reason,
        "in_force": s.ended_at is None,
        "started_at": s.started_at,
        "ends_on": s.ends_on,
        "condition": s.condition,
        "ended_at": s.ended_at,
        "ended_by": _name(s.ended_by),
        "end_reason": s.end_reason,
        "outcome": s.outcome,
    }


@router.get(
    "/suspensions",
    response={200: list[SuspensionOut], **_errors(401, 403, 404, 422)},
    summary="Suspensions of trade in force (orders stopped), optionally for one supplier",
    url_name="suspensions",
    auth=needs(Cap.VIEW),
)
def list_suspensions(request, supplier_id: int | None = None):
    require_internal(request.user)
    qs = Suspension.objects.in_force().select_related("supplier", "ended_by").order_by("started_at", "pk")
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    return [_suspension_out(s) for s in qs[:500]]


@router.post(
    "/suspensions/{suspension_id}/lift",
    response={200: SuspensionOut, **WRITE_ERRORS},
    summary="Lift a suspension: trade resumes",
    url_name="suspension_lift",
    auth=needs(Cap.DECIDE_ORDERS),
)
def lift_suspension(request, suspension_id: int, payload: SuspensionDecisionIn):
    """409 before the suspension's earliest end, or when it ends only through its source (a 四 minerals case's
    revised plan), saying when and why."""
    suspension = get_suspension_for_user(request.user, suspension_id, write=True)
    _reason_errors(lambda: terminations.lift_suspension(suspension, actor=request.user, reason=payload.reason))
    return _suspension_out(get_suspension_for_user(request.user, suspension.pk))


@router.post(
    "/suspensions/{suspension_id}/terminate",
    response={200: TerminationOut, **WRITE_ERRORS},
    summary="Confirm the termination a suspension waits for: the termination stops orders instead",
    url_name="suspension_terminate",
    auth=needs(Cap.DECIDE_ORDERS),
)
def terminate_suspended(request, suspension_id: int, payload: SuspensionDecisionIn):
    suspension = get_suspension_for_user(request.user, suspension_id, write=True)
    case = _reason_errors(lambda: terminations.terminate_suspended(suspension, actor=request.user, reason=payload.reason))
    return _out(get_termination_for_user(request.user, case.pk))
