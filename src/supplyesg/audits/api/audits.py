"""The audits JSON API: the programme, an audit with its findings, planning an audit, recording findings and
issuing the report. The same access helpers and services as the pages: internal roles read every audit and
Cap.AUDIT writes; a supplier's portal user reads its own audits once their report is issued."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from supplyesg.audits.access import audits_visible_to, get_audit_for_user
from supplyesg.audits.models import Audit, ChecklistItem, Finding
from supplyesg.audits.services import conduct, programme
from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import DbId, Offset, Year, field_choices, for_role
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.models import User
from supplyesg.core.paging import page
from supplyesg.suppliers.models import Site, Supplier

router = Router(tags=["audits"])


WRITE_ERRORS = _errors(400, 401, 403, 404, 409, 422)


class AuditFilters(Schema):
    year: Year | None = None
    status: field_choices(Audit, "status") | None = None
    kind: field_choices(Audit, "kind") | None = None
    reason: field_choices(Audit, "reason") | None = None
    supplier_id: DbId | None = None
    overdue: bool = False
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0


class AuditSummary(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    year: int
    kind: str
    scheme: str
    reason: str
    status: str
    planned_start: date | None
    planned_end: date | None
    overdue: bool
    lead_auditor: str | None
    audit_firm: str
    scope: list[str]
    report_date: date | None
    result_level: str | None
    score: Decimal | None
    improvement_plan_due: date | None


class AuditPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditSummary]


class FindingOut(Schema):
    id: int
    severity: str
    area: str
    requirement: str | None
    checklist_item_id: int | None
    description: str
    corrective_action_id: int | None


class ChecklistOut(Schema):
    id: int
    requirement: str
    area: str
    verdict: str
    notes: str


class AuditOut(AuditSummary):
    summary: str
    findings: list[FindingOut]
    checklist: list[ChecklistOut]


class PortalAuditSummary(Schema):
    """What the supplier's own portal shows of a reported audit: no auditor, firm, scope, score or reason."""

    id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    year: int
    kind: str
    status: str
    report_date: date | None
    result_level: str | None
    improvement_plan_due: date | None


class PortalAuditPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PortalAuditSummary]


class PortalAuditOut(PortalAuditSummary):
    """The findings, without the auditors' checklist notes and the report summary."""

    findings: list[FindingOut]


class AuditIn(Schema):
    supplier_id: int
    year: Year
    kind: field_choices(Audit, "kind")
    scheme: field_choices(Audit, "scheme") = field_choices(Audit, "scheme")(Audit.Scheme.INTERNAL)
    planned_start: date | None = None
    planned_end: date | None = None
    lead_auditor_id: DbId | None = None
    audit_firm: str = Field("", max_length=200)
    scope: list[str] = Field(default_factory=list)
    site_id: DbId | None = None


class FindingIn(Schema):
    severity: field_choices(Finding, "severity")
    description: str = Field(..., min_length=1, max_length=5000)
    area: str = ""
    checklist_item_id: DbId | None = None


class ReportIn(Schema):
    report_date: date
    summary: str = Field(..., max_length=20000)


def _summary(audit: Audit, user, today: date) -> dict:
    lead = audit.lead_auditor
    return {
        "id": audit.pk,
        "supplier_id": audit.supplier_id,
        "supplier_code": audit.supplier.code,
        "supplier_name": audit.supplier.legal_name,
        "year": audit.year,
        "kind": audit.kind,
        "scheme": audit.scheme,
        "reason": audit.reason,
        "status": audit.status,
        "planned_start": audit.planned_start,
        "planned_end": audit.planned_end,
        "overdue": audit.is_overdue(today),
        "lead_auditor": (lead.get_full_name() or lead.get_username()) if lead and user.is_internal else None,
        "audit_firm": audit.audit_firm,
        "scope": list(audit.scope or []),
        "report_date": audit.report_date,
        "result_level": audit.result_level or None,
        "score": audit.score,
        "improvement_plan_due": audit.improvement_plan_due,
    }


def _detail(user, audit_id: int) -> dict:
    audit = get_audit_for_user(user, audit_id)
    findings = audit.findings.select_related("requirement", "corrective_action").order_by("pk")
    checklist = ChecklistItem.objects.filter(audit=audit).select_related("requirement").order_by("order", "pk")
    return {
        **_summary(audit, user, timezone.localdate()),
        "summary": audit.summary,
        "findings": [
            {
                "id": f.pk,
                "severity": f.severity,
                "area": f.area,
                "requirement": f.requirement.code if f.requirement_id else None,
                "checklist_item_id": f.checklist_item_id,
                "description": f.description,
                "corrective_action_id": getattr(getattr(f, "corrective_action", None), "pk", None),
            }
            for f in findings
        ],
        "checklist": [
            {"id": i.pk, "requirement": i.requirement.code, "area": i.risk_category, "verdict": i.verdict, "notes": i.notes}
            for i in checklist
        ],
    }


@router.get(
    "/audits",
    response={200: AuditPage | PortalAuditPage, **_errors(401, 422)},
    summary="Audits: the whole programme for staff, a supplier's own reported audits for its portal users",
    url_name="audits_list",
)
def list_audits(request, filters: Query[AuditFilters]):
    today = timezone.localdate()
    qs = audits_visible_to(request.user).select_related("supplier", "lead_auditor")
    if filters.year:
        qs = qs.for_year(filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.reason:
        qs = qs.filter(reason=filters.reason)
    if filters.supplier_id:
        qs = qs.filter(supplier_id=filters.supplier_id)
    if filters.overdue:
        qs = qs.overdue(today)
    qs = qs.order_by("-year", "planned_start", "pk")
    data = page(qs, limit=filters.limit, offset=filters.offset, item=lambda a: _summary(a, request.user, today))
    return for_role(request, AuditPage, PortalAuditPage, data)


@router.get(
    "/audits/{audit_id}",
    response={200: AuditOut | PortalAuditOut, **_errors(401, 404)},
    summary="An audit with its checklist and findings (for its supplier's users: the findings)",
    url_name="audits_detail",
)
def get_audit(request, audit_id: int):
    return for_role(request, AuditOut, PortalAuditOut, _detail(request.user, audit_id))


@router.post(
    "/audits",
    response={201: AuditOut, **WRITE_ERRORS},
    summary="Plan an audit",
    auth=needs(Cap.AUDIT),
    url_name="audits_create",
)
def create_audit(request, payload: AuditIn):
    """Adds an audit to the programme by hand. Dates in the wrong order, a lead auditor who may not conduct
    audits or a third-party audit without its firm answer 409 naming the field."""
    require_internal(request.user, Cap.AUDIT)
    supplier = Supplier.objects.filter(pk=payload.supplier_id).first()
    problems = {}
    if supplier is None:
        problems["supplier_id"] = ["There is no such supplier."]
    lead = None
    if payload.lead_auditor_id is not None:
        lead = User.objects.filter(pk=payload.lead_auditor_id).first()
        if lead is None:
            problems["lead_auditor_id"] = ["There is no such user."]
    site = None
    if payload.site_id is not None:
        site = Site.objects.filter(pk=payload.site_id, supplier_id=payload.supplier_id).first()
        if site is None:
            problems["site_id"] = ["The supplier has no such site."]
    if problems:
        raise ValidationError(problems)
    audit = programme.plan_audit(
        actor=request.user,
        supplier=supplier,
        year=payload.year,
        kind=payload.kind,
        scheme=payload.scheme,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        lead_auditor=lead,
        audit_firm=payload.audit_firm,
        scope=payload.scope,
        site=site,
    )
    return Status(201, _detail(request.user, audit.pk))


@router.post(
    "/audits/{audit_id}/findings",
    response={201: FindingOut, **WRITE_ERRORS},
    summary="Record a finding of a running audit",
    auth=needs(Cap.AUDIT),
    url_name="audits_add_finding",
)
def add_finding(request, audit_id: int, payload: FindingIn):
    """With `checklist_item_id` the finding takes the item's requirement and area (unless `area` is given)."""
    require_internal(request.user, Cap.AUDIT)
    audit = get_audit_for_user(request.user, audit_id, write=True)
    item = None
    if payload.checklist_item_id is not None:
        item = audit.checklist.filter(pk=payload.checklist_item_id).first()
        if item is None:
            raise ValidationError({"checklist_item_id": ["The audit has no such checklist item."]})
    finding = conduct.add_finding(
        audit,
        actor=request.user,
        severity=payload.severity,
        area=payload.area,
        description=payload.description,
        checklist_item=item,
    )
    return Status(
        201,
        {
            "id": finding.pk,
            "severity": finding.severity,
            "area": finding.area,
            "requirement": finding.requirement.code if finding.requirement_id else None,
            "checklist_item_id": finding.checklist_item_id,
            "description": finding.description,
            "corrective_action_id": None,
        },
    )


@router.post(
    "/audits/{audit_id}/report",
    response={200: AuditOut, **WRITE_ERRORS},
    summary="Issue the report: result, conformity score and corrective actions with their deadlines",
    auth=needs(Cap.AUDIT),
    url_name="audits_issue_report",
)
def issue_report(request, audit_id: int, payload: ReportIn):
    """Refused (409, every reason listed) while a checklist item is unchecked, a non-conforming item has no
    finding, the date is before the start or in the future, or a third-party audit's report file is missing."""
    require_internal(request.user, Cap.AUDIT)
    audit = get_audit_for_user(request.user, audit_id, write=True)
    conduct.issue_report(audit, actor=request.user, report_date=payload.report_date, summary=payload.summary)
    return _detail(request.user, audit_id)
