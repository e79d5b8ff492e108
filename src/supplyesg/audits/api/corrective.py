"""The corrective-action JSON API under /api/corrective-actions: the same access helpers and services as the pages.

Staff read every action; a supplier's portal user reads its own and submits its own plans. Approving, rejecting
and closing need Cap.AUDIT, checked before the body is read. A refused operation answers 400 naming the field
(`completion_date`, `reason`, ...) or 409 when the action's state forbids it.
"""

from collections import defaultdict
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from supplyesg.audits import access
from supplyesg.audits.models import CorrectiveAction
from supplyesg.audits.services import corrective
from supplyesg.core.access import Cap, can
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import DbId, Offset, field_choices
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import PolicySettings
from supplyesg.core.paging import page

router = Router(tags=["corrective actions"])


class ActionFilters(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0
    status: field_choices(CorrectiveAction, "status") | None = None
    severity: str | None = None
    supplier: str | None = None  # code or part of the legal name
    audit_id: DbId | None = None
    overdue: bool = False
    escalated: bool = False


class ActionSummary(Schema):
    id: int
    audit_id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    severity: str
    area: str
    finding: str
    status: str
    plan_due: date
    remediation_due: date
    clock: str
    due: date | None
    days_late: int
    overdue: bool
    escalated: bool | None


class ActionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ActionSummary]


class FileOut(Schema):
    id: int
    name: str
    uploaded_at: datetime


class ActionOut(ActionSummary):
    root_cause: str
    corrective_action: str
    preventive_action: str
    owner: str
    completion_date: date | None
    revision: int
    submitted_at: datetime | None
    review_comment: str
    reviewed_at: datetime | None
    completion_note: str
    completed_at: datetime | None
    closure: str
    follow_up_audit_id: int | None
    closed_at: datetime | None
    files: list[FileOut]


class PlanIn(Schema):
    """Every field is checked by the service, which names each one missing or wrong."""

    root_cause: str = ""
    corrective_action: str = ""
    preventive_action: str = ""
    owner: str = ""
    completion_date: date | None = None


class CommentIn(Schema):
    comment: str = ""


class ApproveIn(CommentIn):
    completion_date: date | None = None  # the agreed date; empty: the date the supplier proposed


class ReasonIn(Schema):
    reason: str = ""


class CloseIn(Schema):
    closure: str = ""  # "evidence" | "follow_up"
    follow_up_audit_id: DbId | None = None
    note: str = ""


def _summary(action: CorrectiveAction, user, today: date, days: int) -> dict:
    state = corrective.clock_state(action, today, days)
    return {
        "id": action.pk,
        "audit_id": action.audit_id,
        "supplier_id": action.audit.supplier_id,
        "supplier_code": action.audit.supplier.code,
        "supplier_name": action.audit.supplier.legal_name,
        "severity": action.finding.severity,
        "area": action.finding.area,
        "finding": action.finding.description,
        "status": action.status,
        "plan_due": action.plan_due,
        "remediation_due": action.remediation_due,
        "clock": state.clock,
        "due": state.due,
        "days_late": state.days_late,
        "overdue": state.overdue,
        # Escalations are internal business; suppliers see their dates and lateness only.
        "escalated": bool(action.plan_escalated_on or action.remediation_escalated_on) if user.is_internal else None,
    }


def _detail(action: CorrectiveAction, user) -> dict:
    days = PolicySettings.current().reminder_days_before_due
    return {
        **_summary(action, user, timezone.localdate(), days),
        "root_cause": action.root_cause,
        "corrective_action": action.corrective_action,
        "preventive_action": action.preventive_action,
        "owner": action.owner,
        "completion_date": action.completion_date,
        "revision": action.revision,
        "submitted_at": action.submitted_at,
        "review_comment": action.review_comment,
        "reviewed_at": action.reviewed_at,
        "completion_note": action.completion_note,
        "completed_at": action.completed_at,
        "closure": action.closure,
        "follow_up_audit_id": action.follow_up_audit_id,
        "closed_at": action.closed_at,
        "files": [{"id": f.pk, "name": f.original_name, "uploaded_at": f.uploaded_at} for f in action.files.all()],
    }


def _run(call, fields: dict):
    """Call a service; a refusal naming a field of the request becomes a 400 naming it (`fields` maps the
    service's field names to the request's)."""
    try:
        return call()
    except RuleViolation as exc:
        by_field, rest = defaultdict(list), []
        for message in exc.messages:
            name, sep, _text = message.partition(": ")
            if sep and name in fields:
                by_field[fields[name]].append(message)
            else:
                rest.append(message)
        if not by_field:
            raise
        if rest:
            by_field[""].extend(rest)
        raise ValidationError(dict(by_field)) from None


def _reload(user, action_id: int) -> dict:
    return _detail(access.get_action_for_user(user, action_id), user)


@router.get(
    "/corrective-actions",
    response={200: ActionPage, **_errors(401, 422)},
    summary="Corrective actions: every one for staff, a supplier's own for its portal users",
    url_name="corrective_actions",
)
def list_actions(request, filters: Query[ActionFilters]):
    today = timezone.localdate()
    qs = corrective.filter_actions(
        access.actions_visible_to(request.user),
        on=today,
        status=filters.status or "",
        overdue=filters.overdue,
        escalated_only=filters.escalated and request.user.is_internal,
        supplier=filters.supplier or "",
        severity=filters.severity or "",
    )
    if filters.audit_id:
        qs = qs.filter(audit_id=filters.audit_id)
    days = PolicySettings.current().reminder_days_before_due
    qs = corrective.with_related(qs).order_by("plan_due", "pk")
    return page(qs, limit=filters.limit, offset=filters.offset, item=lambda a: _summary(a, request.user, today, days))


@router.get(
    "/corrective-actions/{action_id}",
    response={200: ActionOut, **_errors(401, 404)},
    summary="A corrective action with its plan, review, evidence files and closure",
    url_name="corrective_action",
)
def get_action(request, action_id: int):
    return _reload(request.user, action_id)


@router.post(
    "/corrective-actions/{action_id}/plan",
    auth=needs(Cap.AUDIT, suppliers_too=True),
    response={200: ActionOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Submit (or resubmit after a rejection) the plan of your own corrective action",
    url_name="corrective_submit_plan",
)
def submit_plan(request, action_id: int, payload: PlanIn):
    """Staff with the audit right may enter a plan on the supplier's behalf."""
    action = access.get_action_for_user(request.user, action_id, write=True)
    if request.user.is_internal and not can(request.user, Cap.AUDIT):
        raise PermissionDenied
    fields = {name: name for name in PlanIn.model_fields}
    _run(lambda: corrective.submit_plan(action, actor=request.user, **payload.dict()), fields)
    return _reload(request.user, action_id)


@router.post(
    "/corrective-actions/{action_id}/approve",
    auth=needs(Cap.AUDIT),
    response={200: ActionOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Approve a submitted plan",
    url_name="corrective_approve",
)
def approve_plan(request, action_id: int, payload: ApproveIn):
    action = access.get_action_for_user(request.user, action_id, write=True)
    _run(
        lambda: corrective.approve_plan(
            action, actor=request.user, comment=payload.comment, completion_date=payload.completion_date
        ),
        {"comment": "comment", "completion_date": "completion_date"},
    )
    return _reload(request.user, action_id)


@router.post(
    "/corrective-actions/{action_id}/reject",
    auth=needs(Cap.AUDIT),
    response={200: ActionOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Reject a submitted plan, with the reasons the supplier will see",
    url_name="corrective_reject",
)
def reject_plan(request, action_id: int, payload: ReasonIn):
    action = access.get_action_for_user(request.user, action_id, write=True)
    _run(lambda: corrective.reject_plan(action, actor=request.user, reason=payload.reason), {"reason": "reason"})
    return _reload(request.user, action_id)


@router.post(
    "/corrective-actions/{action_id}/close",
    auth=needs(Cap.AUDIT),
    response={200: ActionOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Close on reviewed evidence (closure=evidence) or a follow-up audit (closure=follow_up)",
    url_name="corrective_close",
)
def close_action(request, action_id: int, payload: CloseIn):
    action = access.get_action_for_user(request.user, action_id, write=True)
    follow_up = None
    if payload.follow_up_audit_id is not None:
        try:
            follow_up = access.get_audit_for_user(request.user, payload.follow_up_audit_id)
        except Http404:
            raise ValidationError({"follow_up_audit_id": [_("follow_up_audit_id: no such audit.")]}) from None
    _run(
        lambda: corrective.close_action(
            action, actor=request.user, closure=payload.closure, follow_up_audit=follow_up, note=payload.note
        ),
        {"closure": "closure", "follow_up_audit": "follow_up_audit_id", "note": "note"},
    )
    return _reload(request.user, action_id)
