"""Conducting an audit: the checklist from the requirement catalogue, verdicts, findings, evidence, and the
report that fixes the result and starts the corrective-action clocks.

Policy numbers (result thresholds, clocks) come only from `rules.AuditPolicy.from_settings(...)`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.assessments.models import Requirement, RequirementCatalogue, RiskCategory, RiskLevel, WorklistItem
from supplyesg.assessments.questionnaires import _reassess_on_commit
from supplyesg.assessments.risk import services as risk
from supplyesg.audits import rules
from supplyesg.audits.models import (
    NONCONFORMITY_SEVERITIES,
    Audit,
    AuditFile,
    ChecklistItem,
    CorrectiveAction,
    Finding,
    Severity,
)
from supplyesg.core import audit as trail
from supplyesg.core.errors import RuleViolation
from supplyesg.core.files import validate_upload
from supplyesg.core.mail import Letter, send_on_commit, supplier_recipients
from supplyesg.core.models import PolicySettings

S, V = Audit.Status, ChecklistItem.Verdict
BEFORE_REPORT = (S.PLANNED, S.IN_PROGRESS)
MAX_TEXT = 5000


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _lock(audit: Audit) -> Audit:
    return Audit.objects.select_for_update(of=("self",)).select_related("supplier", "lead_auditor", "site").get(pk=audit.pk)


def _status_refusal(audit: Audit, doing: str) -> RuleViolation:
    return RuleViolation(
        _("%(doing)s is not possible: the audit is %(status)s.") % {"doing": doing, "status": audit.get_status_display()}
    )


def policy() -> rules.AuditPolicy:
    return rules.AuditPolicy.from_settings(PolicySettings.current())


def current_catalogue() -> RequirementCatalogue | None:
    """The code of conduct the checklist is drawn from: the latest catalogue loaded as current."""
    return RequirementCatalogue.objects.filter(is_current=True).order_by("-loaded_at", "-pk").first()


def scope_requirements(scope) -> list[Requirement]:
    catalogue = current_catalogue()
    if catalogue is None:
        return []
    qs = catalogue.requirements.all()
    if scope:
        qs = qs.filter(risk_category__in=list(scope))
    return list(qs.order_by("order", "code"))


# ---------------------------------------------------------------- starting and checking


@transaction.atomic
def start_audit(audit: Audit, *, actor, on: date | None = None) -> Audit:
    """Start a planned audit: its checklist is the current catalogue's requirements in the scope (every
    requirement when the scope is empty). An audit against our code needs at least one requirement."""
    audit = _lock(audit)
    if audit.status != S.PLANNED:
        raise _status_refusal(audit, _("Starting"))
    requirements = scope_requirements(audit.scope)
    if audit.scheme == Audit.Scheme.INTERNAL and not requirements:
        raise RuleViolation(
            _("scope: the current requirement catalogue has no requirement in this scope; load the catalogue or widen the scope.")
        )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(audit=audit, requirement=r, risk_category=r.risk_category, order=n)
            for n, r in enumerate(requirements, start=1)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    audit.status = S.IN_PROGRESS
    audit.started_on = on or timezone.localdate()
    audit.save(update_fields=["status", "started_on"])
    trail.record(
        actor=actor,
        action="audit.started",
        target=audit,
        supplier=audit.supplier,
        changes={"status": [S.PLANNED, S.IN_PROGRESS], "checklist": [None, len(requirements)]},
    )
    return audit


def _locked_item(item: ChecklistItem) -> ChecklistItem:
    """The item and its audit locked (the audit's status stands until the commit). Not the supplier, nor the
    catalogue requirement every audit's checklist shares: locking those too made auditors of different audits
    wait for each other on the same requirement."""
    return (
        ChecklistItem.objects.select_for_update(of=("self", "audit"))
        .select_related("audit", "audit__supplier", "requirement")
        .get(pk=item.pk)
    )


@transaction.atomic
def record_verdict(item: ChecklistItem, *, actor, verdict: str, notes: str = "") -> ChecklistItem:
    """Conforming, non-conforming or not applicable, with notes. An item keeps being non-conforming while it
    has findings."""
    item = _locked_item(item)
    audit = item.audit
    if audit.status != S.IN_PROGRESS:
        raise _status_refusal(audit, _("Recording a verdict"))
    if verdict not in V.values:
        raise RuleViolation(_("verdict: choose conforming, non-conforming or not applicable."))
    notes = (notes or "").strip()[:MAX_TEXT]
    if item.verdict == V.NONCONFORMING and verdict != V.NONCONFORMING and item.findings.exists():
        raise RuleViolation(_("verdict: the item has findings; remove them before changing the verdict."))
    before = {"verdict": item.verdict, "notes": item.notes}
    if before == {"verdict": verdict, "notes": notes}:
        return item
    item.verdict, item.notes = verdict, notes
    item.checked_by = _actor(actor) if verdict != V.PENDING else None
    item.checked_at = timezone.now() if verdict != V.PENDING else None
    item.save(update_fields=["verdict", "notes", "checked_by", "checked_at"])
    trail.record(
        actor=actor,
        action="audit.verdict",
        target=audit,
        supplier=audit.supplier,
        changes={item.requirement.code: [before["verdict"], verdict]},
        reason=notes,
    )
    return item


# ---------------------------------------------------------------- findings


@transaction.atomic
def add_finding(
    audit: Audit,
    *,
    actor,
    severity: str,
    area: str = "",
    description: str,
    requirement: Requirement | None = None,
    checklist_item: ChecklistItem | None = None,
) -> Finding:
    """Record a finding. Given a checklist item, its requirement and area are the finding's unless named, and a
    non-conformity marks a pending item non-conforming."""
    audit = _lock(audit)
    if audit.status != S.IN_PROGRESS:
        raise _status_refusal(audit, _("Adding a finding"))
    problems = []
    if severity not in Severity.values:
        problems.append(_("severity: choose priority, major, minor or observation."))
    if checklist_item is not None:
        checklist_item = _locked_item(checklist_item)
        if checklist_item.audit_id != audit.pk:
            problems.append(_("checklist_item: the item belongs to another audit."))
        else:
            requirement = requirement or checklist_item.requirement
            area = area or checklist_item.risk_category
    if area not in RiskCategory.values:
        problems.append(_("area: choose the risk category the finding concerns."))
    description = (description or "").strip()
    if not description:
        problems.append(_("description: describe what was found."))
    if problems:
        raise RuleViolation(problems)
    finding = Finding.objects.create(
        audit=audit,
        checklist_item=checklist_item,
        requirement=requirement,
        severity=severity,
        area=area,
        description=description[:MAX_TEXT],
        created_by=_actor(actor),
    )
    if checklist_item is not None and severity in NONCONFORMITY_SEVERITIES and checklist_item.verdict == V.PENDING:
        checklist_item.verdict = V.NONCONFORMING
        checklist_item.checked_by = _actor(actor)
        checklist_item.checked_at = timezone.now()
        checklist_item.save(update_fields=["verdict", "checked_by", "checked_at"])
    trail.record(
        actor=actor,
        action="audit.finding_added",
        target=audit,
        supplier=audit.supplier,
        changes={
            "finding": [None, finding.pk],
            "severity": [None, severity],
            "area": [None, area],
            "requirement": [None, requirement.code if requirement else None],
        },
        reason=description[:2000],
    )
    return finding


@transaction.atomic
def remove_finding(finding: Finding, *, actor) -> None:
    """Findings can be withdrawn until the report is issued (then they are final)."""
    audit = _lock(finding.audit)
    if audit.status not in BEFORE_REPORT:
        raise _status_refusal(audit, _("Removing a finding"))
    finding = Finding.objects.get(pk=finding.pk)
    names = [(f.file.storage, f.file.name) for f in finding.files.all()]
    trail.record(
        actor=actor,
        action="audit.finding_removed",
        target=audit,
        supplier=audit.supplier,
        changes={"finding": [finding.pk, None], "severity": [finding.severity, None]},
        reason=finding.description[:2000],
    )
    finding.delete()
    _delete_files_on_commit(names)


# ---------------------------------------------------------------- evidence and the report file


def _delete_files_on_commit(names) -> None:
    names = [(storage, name) for storage, name in names if name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def _file_name(upload) -> str:
    name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:255] or "file"


def _checked(upload, field: str) -> None:
    if upload is None:
        raise RuleViolation(_("%(field)s: choose a file.") % {"field": field})
    try:
        validate_upload(upload, field=field)
    except ValidationError as exc:
        raise RuleViolation(exc.messages)


@transaction.atomic
def add_audit_file(
    audit: Audit,
    *,
    actor,
    upload,
    checklist_item: ChecklistItem | None = None,
    finding: Finding | None = None,
) -> AuditFile:
    """Evidence for the audit, one of its checklist items or one of its findings, until the report is issued."""
    audit = _lock(audit)
    if audit.status not in BEFORE_REPORT:
        raise _status_refusal(audit, _("Adding evidence"))
    if checklist_item is not None and checklist_item.audit_id != audit.pk:
        raise RuleViolation(_("checklist_item: the item belongs to another audit."))
    if finding is not None and finding.audit_id != audit.pk:
        raise RuleViolation(_("finding: the finding belongs to another audit."))
    _checked(upload, "file")
    name = _file_name(upload)
    evidence = AuditFile(
        audit=audit,
        checklist_item=checklist_item,
        finding=finding,
        original_name=name,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=_actor(actor),
    )
    upload.seek(0)
    evidence.file.save(name, upload, save=False)
    stored = (evidence.file.storage, evidence.file.name)
    try:
        evidence.save()
        trail.record(
            actor=actor,
            action="audit.file_added",
            target=audit,
            supplier=audit.supplier,
            changes={"file": [None, name]},
        )
    except BaseException:
        stored[0].delete(stored[1])
        raise
    return evidence


@transaction.atomic
def remove_audit_file(evidence: AuditFile, *, actor) -> None:
    audit = _lock(evidence.audit)
    if audit.status not in BEFORE_REPORT or evidence.corrective_action_id:
        raise _status_refusal(audit, _("Removing evidence"))
    names = [(evidence.file.storage, evidence.file.name)]
    trail.record(
        actor=actor,
        action="audit.file_removed",
        target=audit,
        supplier=audit.supplier,
        changes={"file": [evidence.original_name, None]},
    )
    evidence.delete()
    _delete_files_on_commit(names)


@transaction.atomic
def upload_report_file(audit: Audit, *, actor, upload) -> Audit:
    """The audit firm's report (required before a third-party audit's report is issued); replaces an earlier one."""
    audit = _lock(audit)
    if audit.status not in BEFORE_REPORT:
        raise _status_refusal(audit, _("Uploading the report"))
    _checked(upload, "report_file")
    old = (audit.report_file.storage, audit.report_file.name) if audit.report_file else None
    old_name = audit.report_name
    name = _file_name(upload)
    upload.seek(0)
    audit.report_file.save(name, upload, save=False)
    audit.report_name = name
    audit.save(update_fields=["report_file", "report_name"])
    trail.record(
        actor=actor,
        action="audit.report_uploaded",
        target=audit,
        supplier=audit.supplier,
        changes={"report_file": [old_name or None, name]},
    )
    if old:
        _delete_files_on_commit([old])
    return audit


# ---------------------------------------------------------------- the report


def _report_problems(audit: Audit, report_date, summary: str, today: date) -> list[str]:
    problems = []
    if report_date is None:
        problems.append(_("report_date: give the date of the report."))
    elif audit.started_on and report_date < audit.started_on:
        problems.append(
            _("report_date: the report date is before the audit started (%(date)s).") % {"date": audit.started_on.isoformat()}
        )
    elif report_date > today:
        problems.append(_("report_date: the report date is in the future."))
    if not summary:
        problems.append(_("summary: write a short summary of the audit."))
    items = list(audit.checklist.select_related("requirement"))
    if audit.scheme == Audit.Scheme.INTERNAL:
        pending = [i.requirement.code for i in items if i.verdict == V.PENDING]
        if pending:
            shown = ", ".join(pending[:10]) + (" …" if len(pending) > 10 else "")
            problems.append(
                _("checklist: %(count)s items are not checked yet: %(codes)s.") % {"count": len(pending), "codes": shown}
            )
    with_finding = set(audit.findings.nonconformities().exclude(checklist_item=None).values_list("checklist_item_id", flat=True))
    for item in items:
        if item.verdict == V.NONCONFORMING and item.pk not in with_finding:
            problems.append(
                _("checklist: %(code)s is non-conforming but has no finding (priority, major or minor).")
                % {"code": item.requirement.code}
            )
    if audit.kind == Audit.Kind.THIRD_PARTY:
        if not audit.report_file:
            problems.append(_("report_file: upload the audit firm's report before issuing."))
        if not audit.audit_firm:
            problems.append(_("audit_firm: name the audit firm of a third-party audit."))
    return problems


def _report_mail(audit: Audit, actions: list[CorrectiveAction]) -> Letter | None:
    recipients = supplier_recipients(audit.supplier)
    if not recipients:
        return None

    def compose():
        values = {
            "supplier": audit.supplier.legal_name,
            "kind": audit.get_kind_display(),
            "date": date_format(audit.report_date, "SHORT_DATE_FORMAT"),
            "level": RiskLevel(audit.result_level).label,
            "count": len(actions),
            "due": date_format(min(a.plan_due for a in actions), "SHORT_DATE_FORMAT") if actions else "",
        }
        subject = _("Audit report: %(kind)s of %(supplier)s") % values
        body = _("%(supplier)s: the report of your %(kind)s was issued on %(date)s. Result: %(level)s risk.") % values
        if actions:
            body += (
                " "
                + _(
                    "%(count)s non-conformities need a corrective-action plan; the first plan is due on %(due)s. "
                    "Submit the plans in the supplier portal under Audits."
                )
                % values
            )
        return subject, body

    return Letter(recipients, compose, path=reverse("audits_portal:list"), supplier=audit.supplier)


@transaction.atomic
def issue_report(audit: Audit, *, actor, report_date: date, summary: str) -> Audit:
    """Issue the report: the findings become final, the result level and conformity score are computed, each
    non-conformity gets a corrective action with its clocks, the linked on-site requirement is done, the
    supplier is e-mailed and its risk is assessed again once this commits."""
    audit = _lock(audit)
    if audit.status != S.IN_PROGRESS:
        raise _status_refusal(audit, _("Issuing the report"))
    summary = (summary or "").strip()
    today = timezone.localdate()
    problems = _report_problems(audit, report_date, summary, today)
    if problems:
        raise RuleViolation(problems)
    the_policy = policy()
    findings = list(audit.findings.all())
    counts = Counter(f.severity for f in findings)
    verdicts = Counter(audit.checklist.values_list("verdict", flat=True))
    level = rules.result_level(counts, the_policy)
    audit.status = S.REPORTED
    audit.report_date = report_date
    audit.summary = summary[: MAX_TEXT * 4]
    audit.result_level = level
    audit.score = rules.conformity_score(verdicts[V.CONFORMING], verdicts[V.NONCONFORMING])
    audit.improvement_plan_due = rules.improvement_plan_due(report_date, level, the_policy)
    audit.save(update_fields=["status", "report_date", "summary", "result_level", "score", "improvement_plan_due"])
    actions = CorrectiveAction.objects.bulk_create(
        [
            CorrectiveAction(finding=f, audit=audit, **vars(rules.action_dates(report_date, f.severity, level, the_policy)))
            for f in findings
            if f.severity in rules.NONCONFORMITIES
        ]
    )
    trail.record(
        actor=actor,
        action="audit.reported",
        target=audit,
        supplier=audit.supplier,
        changes={
            "status": [S.IN_PROGRESS, S.REPORTED],
            "result_level": [None, level],
            "score": [None, audit.score],
            "findings": [None, {k: counts.get(k, 0) for k in Severity.values}],
            "corrective_actions": [None, len(actions)],
            "improvement_plan_due": [None, audit.improvement_plan_due],
        },
        reason=summary[:2000],
    )
    item = audit.worklist_item
    if item is not None and item.status == WorklistItem.Status.OPEN and audit.kind in (Audit.Kind.ONSITE, Audit.Kind.THIRD_PARTY):
        risk.close_worklist_item(
            item,
            note=_("On-site audit reported on %(date)s: %(level)s risk.")
            % {"date": report_date.isoformat(), "level": RiskLevel(level).label},
            actor=actor,
        )
    supplier = type(audit.supplier).objects.prefetch_related("contacts", "portal_users").get(pk=audit.supplier_id)
    audit.supplier = supplier
    send_on_commit([_report_mail(audit, actions)])
    _reassess_on_commit(supplier, actor)
    return audit


@transaction.atomic
def close_audit_if_done(audit: Audit, *, actor) -> bool:
    """Close a reported audit once every corrective action is closed (or it had none). True when closed."""
    audit = _lock(audit)
    if audit.status != S.REPORTED or audit.corrective_actions.open().exists():
        return False
    audit.status = S.CLOSED
    audit.closed_at = timezone.now()
    audit.save(update_fields=["status", "closed_at"])
    trail.record(
        actor=actor,
        action="audit.closed",
        target=audit,
        supplier=audit.supplier,
        changes={"status": [S.REPORTED, S.CLOSED]},
    )
    return True


def finding_counts(audit: Audit) -> dict[str, int]:
    counts = Counter(audit.findings.values_list("severity", flat=True))
    return {s: counts.get(s, 0) for s in Severity.values}
