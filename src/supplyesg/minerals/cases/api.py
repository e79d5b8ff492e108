"""Minerals risk cases in JSON: list, one case with its steps and what may be done next, opening a case and
taking a step. Internal only (supplier users get 404); writes need Cap.REVIEW. The same services as the pages."""

from contextlib import contextmanager
from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import DbId, Offset, field_choices
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.errors import RuleViolation
from supplyesg.core.paging import page
from supplyesg.minerals.cases import rules
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.minerals.models import Smelter
from supplyesg.suppliers.access import get_supplier_for_user

router = Router(tags=["minerals"])


WRITE_ERRORS = _errors(400, 401, 403, 404, 409, 422)


class CaseFilters(Schema):
    status: field_choices(RiskCase, "status") | Literal["open"] | None = Field(
        None, description='A status, "open" for every unfinished case (default: all).'
    )
    risk_type: field_choices(RiskCase, "risk_type") | None = None
    supplier_id: DbId | None = None
    review_due: bool = Field(False, description="Only plans whose review date has come.")
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0


class StepOut(Schema):
    kind: str
    label: str
    note: str
    at: datetime
    actor: str | None


class NextStepOut(Schema):
    step: str
    allowed: bool
    reason: str


class CaseSummary(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    risk_type: str
    risk_type_label: str
    mitigation: str
    status: str
    smelter_cid: str | None
    source: str
    opened_at: datetime
    plan_revision: int
    plan_started_on: date | None
    review_due: date | None
    suspended_on: date | None
    suspended_until: date | None
    closed_on: date | None


class CaseOut(CaseSummary):
    description: str
    plan: str
    targets: str
    prescribed: str
    steps: list[StepOut]
    next_steps: list[NextStepOut]


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseSummary]


class OpenCaseIn(Schema):
    supplier_id: int
    risk_type: str
    description: str = Field(..., max_length=4000)
    source: str = Field("", max_length=200)
    smelter_cid: str = Field("", max_length=12)
    plan: str = Field("", max_length=4000, description="security_forces, bribery_fraud: a plan adopted at once.")


class StepIn(Schema):
    step: Literal["adopt_plan", "review_plan", "suspend", "terminate", "revise_plan", "resume_trade", "close_case"]
    note: str = Field("", max_length=4000)
    plan: str = Field("", max_length=4000)
    targets: str = Field("", max_length=4000)
    effective: bool | None = Field(None, description="review_plan: true when the plan is working (the case closes).")


@contextmanager
def _input_errors(*fields: str):
    """A service's "field: sentence" about one of the request's fields is a 400 naming it; other refusals
    (the step is not allowed now, a duplicate case, a lifecycle guard) stay 409."""
    try:
        yield
    except RuleViolation as exc:
        if exc.code != "rule":  # a duplicate case, a step not allowed now, a lifecycle guard
            raise
        named = {}
        for message in exc.messages:
            name, sep, rest = message.partition(": ")
            if not (sep and name in fields):
                raise
            named.setdefault(name, []).append(rest)
        raise ValidationError(named) from None


def _summary(c: RiskCase) -> dict:
    return {
        "id": c.pk,
        "supplier_id": c.supplier_id,
        "supplier_code": c.supplier.code,
        "supplier_name": c.supplier.legal_name,
        "risk_type": c.risk_type,
        "risk_type_label": c.get_risk_type_display(),
        "mitigation": c.mitigation,
        "status": c.status,
        "smelter_cid": c.smelter.cid if c.smelter else None,
        "source": c.source,
        "opened_at": c.opened_at,
        "plan_revision": c.plan_revision,
        "plan_started_on": c.plan_started_on,
        "review_due": c.review_due,
        "suspended_on": c.suspended_on,
        "suspended_until": c.suspended_until,
        "closed_on": c.closed_on,
    }


def _case_out(c: RiskCase) -> dict:
    return {
        **_summary(c),
        "description": c.description,
        "plan": c.plan,
        "targets": c.targets,
        "prescribed": cases.mitigation_text(c),
        "steps": [
            {
                "kind": s.kind,
                "label": s.get_kind_display(),
                "note": s.note,
                "at": s.at,
                "actor": s.actor.get_username() if s.actor else None,
            }
            for s in c.steps.select_related("actor")
        ],
        "next_steps": [
            {"step": a.step, "allowed": a.allowed, "reason": cases.translated_reason(a) if not a.allowed else ""}
            for a in cases.step_answers(c)
        ],
    }


@router.get(
    "/minerals/risk-cases",
    response={200: CasePage, **_errors(401, 403, 404, 422)},
    summary="List minerals risk cases",
    url_name="minerals_risk_cases",
    auth=needs(Cap.VIEW),
)
def list_cases(request, filters: Query[CaseFilters]):
    require_internal(request.user)
    qs = cases.cases_with_related().order_by("-opened_at", "-pk")
    if filters.status == "open":
        qs = qs.open()
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.risk_type:
        qs = qs.filter(risk_type=filters.risk_type)
    if filters.supplier_id:
        qs = qs.filter(supplier_id=filters.supplier_id)
    if filters.review_due:
        qs = qs.review_due(timezone.localdate())
    return page(qs, limit=filters.limit, offset=filters.offset, item=_summary)


@router.get(
    "/minerals/risk-cases/{risk_case_id}",
    response={200: CaseOut, **_errors(401, 403, 404)},
    summary="A minerals risk case with its steps and what may be done next",
    url_name="minerals_risk_case",
    auth=needs(Cap.VIEW),
)
def get_case(request, risk_case_id: int):
    return _case_out(cases.get_case_for_user(request.user, risk_case_id))


@router.post(
    "/minerals/risk-cases",
    response={201: CaseOut, **WRITE_ERRORS},
    summary="Open a minerals risk case for a supplier and an OECD Annex II risk type",
    url_name="minerals_risk_case_open",
    auth=needs(Cap.REVIEW),
)
def open_case(request, payload: OpenCaseIn):
    """`risk_type` is one of serious_abuses, armed_groups, security_forces, bribery_fraud, life_threatening_ohs,
    environmental_harm; the prescribed mitigation follows from it. 409 when the supplier already has an open case
    of that type."""
    require_internal(request.user, Cap.REVIEW)
    supplier = get_supplier_for_user(request.user, payload.supplier_id, write=True, capability=Cap.REVIEW)
    smelter = None
    if payload.smelter_cid.strip():
        smelter = Smelter.objects.filter(cid__iexact=payload.smelter_cid.strip()).order_by("pk").first()
        if smelter is None:
            raise ValidationError(
                {"smelter_cid": [_("No smelter in the reference list has the ID %(cid)s.") % {"cid": payload.smelter_cid}]}
            )
    with _input_errors("risk_type", "description"):
        case = cases.open_case(
            supplier,
            actor=request.user,
            risk_type=payload.risk_type,
            description=payload.description,
            source=payload.source,
            smelter=smelter,
            plan=payload.plan,
        )
    return Status(201, _case_out(cases.get_case_for_user(request.user, case.pk)))


@router.post(
    "/minerals/risk-cases/{risk_case_id}/steps",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Take a step on a minerals risk case",
    url_name="minerals_risk_case_step",
    auth=needs(Cap.REVIEW),
)
def take_step(request, risk_case_id: int, payload: StepIn):
    """`adopt_plan` (plan), `review_plan` (effective, note), `suspend` / `terminate` (note), `revise_plan` (plan,
    targets), `resume_trade` (note), `close_case` (note). A step the case may not take now is a 409 saying why
    (see `next_steps` of the case)."""
    require_internal(request.user, Cap.REVIEW)
    case = cases.get_case_for_user(request.user, risk_case_id, write=True)
    user, step = request.user, payload.step
    with _input_errors("note", "plan", "targets"):
        if step == rules.ADOPT_PLAN:
            cases.adopt_plan(case, actor=user, plan=payload.plan)
        elif step == rules.REVIEW_PLAN:
            if payload.effective is None:
                raise ValidationError({"effective": [_("Say whether the plan is working (true) or showed no effect (false).")]})
            cases.review_plan(case, actor=user, effective=payload.effective, note=payload.note)
        elif step in (rules.SUSPEND, rules.TERMINATE):
            cases.disengage(case, actor=user, mode=step, note=payload.note)
        elif step == rules.REVISE_PLAN:
            cases.revise_plan(case, actor=user, plan=payload.plan, targets=payload.targets)
        elif step == rules.RESUME_TRADE:
            cases.resume_trade(case, actor=user, note=payload.note)
        else:
            cases.close_case(case, actor=user, note=payload.note)
    return _case_out(cases.get_case_for_user(user, case.pk))
