"""Corrective actions: the supplier's plan, its review, completion evidence and closure. One audited function per
state change; e-mails go out once the transaction has committed.

    AWAITING_PLAN ─submit_plan→ SUBMITTED ─approve_plan→ APPROVED ─submit_completion→ COMPLETED ─close_action→ CLOSED
    REJECTED ←reject_plan─┘  (resubmit: submit_plan)     APPROVED ←reject_completion─┘
    any open status ─close_action(closure="follow_up")→ CLOSED (verified in a later reported audit)

A supplier's portal user writes its own plans and completions; internal users need Cap.AUDIT, also to enter a
plan on the supplier's behalf. The read helpers at the end (clock state, list filters) are shared by pages,
the portal and the API so no view repeats a filter condition.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.audits.models import Audit, AuditFile, CorrectiveAction
from supplyesg.core import audit as trail
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.core.files import validate_upload
from supplyesg.core.mail import Letter, internal_recipients, send, supplier_recipients
from supplyesg.core.models import Role
from supplyesg.engagement.services.required import training_evidence

S = CorrectiveAction.Status
PLAN_OPEN = (S.AWAITING_PLAN, S.REJECTED)  # the supplier may (re)submit a plan
MAX_EVIDENCE_FILES = 10  # per submission: a form limit, not a policy number
PLAN_FIELDS = ("root_cause", "corrective_action", "preventive_action", "owner", "completion_date")
REPORTED = (Audit.Status.REPORTED, Audit.Status.CLOSED)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _locked(action: CorrectiveAction) -> CorrectiveAction:
    return (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("audit", "audit__supplier", "audit__lead_auditor", "finding")
        .get(pk=action.pk)
    )


def _require_reviewer(actor) -> None:
    """Approving, rejecting and closing are internal decisions needing Cap.AUDIT."""
    if not (actor is not None and getattr(actor, "is_internal", False)):
        raise PermissionDenied
    if not can(actor, Cap.AUDIT):
        raise PermissionDenied


def _require_supplier_side(action: CorrectiveAction, actor) -> None:
    """The supplier's own portal user, or an internal user with Cap.AUDIT acting on its behalf."""
    if actor is not None and getattr(actor, "is_supplier_user", False):
        if actor.supplier_id != action.audit.supplier_id:
            raise PermissionDenied
        return
    _require_reviewer(actor)


def _require_reported(action: CorrectiveAction) -> None:
    if action.audit.status not in REPORTED:
        raise RuleViolation(_("The audit report is not issued; its corrective actions cannot change yet."))


def _status_is(action: CorrectiveAction, allowed, message: str) -> None:
    if action.status not in allowed:
        raise RuleViolation(message % {"status": action.get_status_display()})


# ---------------------------------------------------------------- e-mails


def _reviewer_recipients(audit: Audit) -> list[str]:
    """The audit's lead auditor; without one (or without an address), every auditor."""
    lead = audit.lead_auditor
    if lead is not None and lead.is_active and lead.email:
        return [lead.email]
    return internal_recipients(Role.AUDITOR)


def _portal_path(action: CorrectiveAction) -> str:
    return reverse("audits_portal:action", args=[action.pk])


def _internal_path(action: CorrectiveAction) -> str:
    return reverse("audits:detail", args=[action.audit_id])


def _values(action: CorrectiveAction) -> dict:
    return {
        "number": action.pk,
        "supplier": action.audit.supplier.legal_name,
        "finding": action.finding.description[:200],
        "plan_due": date_format(action.plan_due, "SHORT_DATE_FORMAT"),
        "remediation_due": date_format(action.remediation_due, "SHORT_DATE_FORMAT"),
    }


def _to_supplier(action: CorrectiveAction, compose) -> None:
    """`compose() -> (subject, body)` is called in each recipient's language."""
    supplier = action.audit.supplier
    send(Letter(supplier_recipients(supplier), compose, path=_portal_path(action), supplier=supplier))


def _to_reviewers(action: CorrectiveAction, compose) -> None:
    send(Letter(_reviewer_recipients(action.audit), compose, path=_internal_path(action), supplier=action.audit.supplier))


# ---------------------------------------------------------------- the plan


@transaction.atomic
def submit_plan(
    action: CorrectiveAction,
    *,
    actor,
    root_cause: str,
    corrective_action: str,
    preventive_action: str,
    owner: str,
    completion_date: date | None,
) -> CorrectiveAction:
    """The supplier's plan (first or after a rejection); the reviewer is told."""
    action = _locked(action)
    _require_supplier_side(action, actor)
    _require_reported(action)
    _status_is(action, PLAN_OPEN, _("A plan cannot be submitted now: the corrective action is “%(status)s”."))
    texts = {
        "root_cause": (root_cause or "").strip(),
        "corrective_action": (corrective_action or "").strip(),
        "preventive_action": (preventive_action or "").strip(),
        "owner": " ".join((owner or "").split()),
    }
    required = {
        "root_cause": _("root_cause: describe the root cause."),
        "corrective_action": _("corrective_action: describe the corrective action."),
        "preventive_action": _("preventive_action: describe how it will be prevented from happening again."),
        "owner": _("owner: name the person responsible."),
    }
    problems = [message for name, message in required.items() if not texts[name]]
    if len(texts["owner"]) > CorrectiveAction._meta.get_field("owner").max_length:
        problems.append(_("owner: at most 200 characters."))
    today = timezone.localdate()
    if completion_date is None:
        problems.append(_("completion_date: give the planned completion date."))
    elif completion_date < today:
        problems.append(_("completion_date: the date is in the past."))
    if problems:
        raise RuleViolation(problems)
    before = trail.snapshot(action, (*PLAN_FIELDS, "status", "revision"))
    for name, value in texts.items():
        setattr(action, name, value)
    action.completion_date = completion_date
    action.status = S.SUBMITTED
    action.revision += 1
    action.submitted_at = timezone.now()
    action.submitted_by = _actor(actor)
    action.save(update_fields=[*PLAN_FIELDS, "status", "revision", "submitted_at", "submitted_by"])
    trail.record(
        actor=actor,
        action="corrective_action.plan_submitted",
        target=action,
        supplier=action.audit.supplier,
        changes=trail.diff(before, trail.snapshot(action, (*PLAN_FIELDS, "status", "revision"))),
    )
    values = _values(action)
    _to_reviewers(
        action,
        lambda: (
            _("Corrective-action plan to review: %(supplier)s, CAP #%(number)s") % values,
            _("%(supplier)s submitted a plan for CAP #%(number)s (%(finding)s). Please approve or reject it in SupplyESG.")
            % values,
        ),
    )
    return action


@transaction.atomic
def approve_plan(action: CorrectiveAction, *, actor, comment: str = "", completion_date: date | None = None) -> CorrectiveAction:
    """Approve the plan and agree its completion date (ESG manual, low risk: "within the time frame of
    communication between both parties"): the supplier's proposed date, or the one the auditor agreed with it.
    The 30 / 90 / 180-day remediation periods were only the suggested default; the agreed date replaces them."""
    action = _locked(action)
    _require_reviewer(actor)
    _status_is(action, (S.SUBMITTED,), _("Only a submitted plan can be approved; this one is “%(status)s”."))
    agreed = completion_date or action.completion_date or action.remediation_due
    if completion_date is not None and completion_date < timezone.localdate():
        raise RuleViolation(_("completion_date: the agreed completion date is in the past."))
    fields = ("status", "review_comment", "completion_date", "remediation_due")
    before = trail.snapshot(action, fields)
    action.status = S.APPROVED
    action.review_comment = (comment or "").strip()
    action.completion_date = agreed
    action.remediation_due = agreed
    action.reviewed_at = timezone.now()
    action.reviewed_by = _actor(actor)
    action.save(update_fields=[*fields, "reviewed_at", "reviewed_by"])
    trail.record(
        actor=actor,
        action="corrective_action.plan_approved",
        target=action,
        supplier=action.audit.supplier,
        changes=trail.diff(before, trail.snapshot(action, fields)),
        reason=action.review_comment,
    )
    values = _values(action)
    _to_supplier(
        action,
        lambda: (
            _("Corrective-action plan approved: CAP #%(number)s") % values,
            _(
                "%(supplier)s: your plan for CAP #%(number)s (%(finding)s) was approved. Carry it out and send the "
                "completion evidence in the supplier portal by %(remediation_due)s."
            )
            % values,
        ),
    )
    return action


def _send_back(action: CorrectiveAction, *, actor, status: str, reason: str, event: str) -> None:
    """A reviewer returns the plan or the evidence to the supplier with the reason, recorded old -> new."""
    before = trail.snapshot(action, ("status", "review_comment"))
    action.status = status
    action.review_comment = reason
    action.reviewed_at = timezone.now()
    action.reviewed_by = _actor(actor)
    action.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by"])
    trail.record(
        actor=actor,
        action=event,
        target=action,
        supplier=action.audit.supplier,
        changes=trail.diff(before, trail.snapshot(action, ("status", "review_comment"))),
        reason=reason,
    )


@transaction.atomic
def reject_plan(action: CorrectiveAction, *, actor, reason: str) -> CorrectiveAction:
    action = _locked(action)
    _require_reviewer(actor)
    _status_is(action, (S.SUBMITTED,), _("Only a submitted plan can be rejected; this one is “%(status)s”."))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("reason: say what the supplier must change in the plan."))
    _send_back(action, actor=actor, status=S.REJECTED, reason=reason, event="corrective_action.plan_rejected")
    values = {**_values(action), "reason": reason}
    _to_supplier(
        action,
        lambda: (
            _("Corrective-action plan rejected: CAP #%(number)s") % values,
            _(
                "%(supplier)s: your plan for CAP #%(number)s (%(finding)s) was rejected:\n%(reason)s\n"
                "Please revise it and submit it again in the supplier portal."
            )
            % values,
        ),
    )
    return action


# ---------------------------------------------------------------- completion and closure


def _check_files(files) -> tuple[list, list]:
    files = [f for f in files or () if f]
    problems = []
    if len(files) > MAX_EVIDENCE_FILES:
        problems.append(_("files: send at most %(count)d files at once.") % {"count": MAX_EVIDENCE_FILES})
    for upload in files:
        try:
            validate_upload(upload, field="files")
        except ValidationError as exc:
            problems.extend(exc.messages)
    return files, problems


def _store_file(action: CorrectiveAction, upload, actor) -> AuditFile:
    record = AuditFile(
        audit=action.audit,
        corrective_action=action,
        original_name=(getattr(upload, "name", "") or "evidence")[-255:],
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=_actor(actor),
    )
    record.file.save(record.original_name, upload, save=False)
    record.save()
    return record


@transaction.atomic
def submit_completion(action: CorrectiveAction, *, actor, note: str, files=()) -> CorrectiveAction:
    """The supplier says the plan was carried out, with evidence (files already sent count after a rejection)."""
    action = _locked(action)
    _require_supplier_side(action, actor)
    _require_reported(action)
    _status_is(action, (S.APPROVED,), _("Completion can be reported only for an approved plan; this one is “%(status)s”."))
    note = (note or "").strip()
    files, problems = _check_files(files)
    if not note:
        problems.insert(0, _("note: describe what was done."))
    if not files and not action.files.exists():
        problems.append(_("files: attach at least one evidence file."))
    if problems:
        raise RuleViolation(problems)
    stored = [_store_file(action, upload, actor) for upload in files]
    before = trail.snapshot(action, ("status", "completion_note"))
    action.status = S.COMPLETED
    action.completion_note = note
    action.completed_at = timezone.now()
    action.save(update_fields=["status", "completion_note", "completed_at"])
    changes = trail.diff(before, trail.snapshot(action, ("status", "completion_note")))
    if stored:
        changes["files"] = [None, [f.original_name for f in stored]]
    trail.record(
        actor=actor,
        action="corrective_action.completed",
        target=action,
        supplier=action.audit.supplier,
        changes=changes,
    )
    values = _values(action)
    _to_reviewers(
        action,
        lambda: (
            _("Corrective action done, evidence to review: %(supplier)s, CAP #%(number)s") % values,
            _("%(supplier)s reports CAP #%(number)s (%(finding)s) done. Please review the evidence and close it.") % values,
        ),
    )
    return action


@transaction.atomic
def reject_completion(action: CorrectiveAction, *, actor, reason: str) -> CorrectiveAction:
    """The evidence does not show the plan was carried out: back to the supplier."""
    action = _locked(action)
    _require_reviewer(actor)
    _status_is(action, (S.COMPLETED,), _("Only a completed action's evidence can be rejected; this one is “%(status)s”."))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("reason: say what evidence is missing."))
    _send_back(action, actor=actor, status=S.APPROVED, reason=reason, event="corrective_action.completion_rejected")
    values = {**_values(action), "reason": reason}
    _to_supplier(
        action,
        lambda: (
            _("Completion evidence not accepted: CAP #%(number)s") % values,
            _(
                "%(supplier)s: the evidence for CAP #%(number)s (%(finding)s) was not accepted:\n%(reason)s\n"
                "Please send it again in the supplier portal by %(remediation_due)s."
            )
            % values,
        ),
    )
    return action


def _is_follow_up(candidate: Audit, action: CorrectiveAction) -> bool:
    original = action.audit
    if candidate.pk == original.pk or candidate.supplier_id != original.supplier_id:
        return False
    if candidate.status not in REPORTED:
        return False
    if candidate.follow_up_of_id == original.pk:
        return True
    return bool(candidate.report_date and original.report_date and candidate.report_date > original.report_date)


def follow_up_candidates(action: CorrectiveAction):
    """Reported audits of the same supplier that can verify this action (for the close form)."""
    original = action.audit
    later = Q(follow_up_of_id=original.pk)
    if original.report_date:
        later |= Q(report_date__gt=original.report_date)
    return (
        Audit.objects.reported()
        .filter(supplier_id=original.supplier_id)
        .exclude(pk=original.pk)
        .filter(later)
        .order_by("-report_date", "-pk")
    )


@transaction.atomic
def close_action(
    action: CorrectiveAction, *, actor, closure: str, follow_up_audit: Audit | None = None, note: str = ""
) -> CorrectiveAction:
    """Closed on reviewed evidence, or verified in a follow-up audit; the audit closes with its last action."""
    action = _locked(action)
    _require_reviewer(actor)
    if action.status == S.CLOSED:
        raise RuleViolation(_("This corrective action is already closed."))
    open_trainings, trainings_done = training_evidence(action)
    if open_trainings:
        topics = {"topics": ", ".join(open_trainings)}
        raise RuleViolation(_("closure: the training this action requires is not completed yet: %(topics)s.") % topics)
    if closure == CorrectiveAction.Closure.EVIDENCE:
        _status_is(action, (S.COMPLETED,), _("closure: evidence can close only a completed action; this one is “%(status)s”."))
        if not action.files.exists() and not trainings_done:  # a completed required training is evidence too
            raise RuleViolation(_("closure: no evidence file was sent; close it by a follow-up audit instead."))
        follow_up_audit = None
    elif closure == CorrectiveAction.Closure.FOLLOW_UP:
        if follow_up_audit is None:
            raise RuleViolation(_("follow_up_audit: choose the follow-up audit that verified the action."))
        if not _is_follow_up(follow_up_audit, action):
            raise RuleViolation(_("follow_up_audit: choose a reported audit of the same supplier made after this one."))
    else:
        raise RuleViolation(_("closure: choose evidence or a follow-up audit."))
    before = trail.snapshot(action, ("status", "closure", "follow_up_audit"))
    action.status = S.CLOSED
    action.closure = closure
    action.follow_up_audit = follow_up_audit
    action.closed_at = timezone.now()
    action.closed_by = _actor(actor)
    action.save(update_fields=["status", "closure", "follow_up_audit", "closed_at", "closed_by"])
    trail.record(
        actor=actor,
        action="corrective_action.closed",
        target=action,
        supplier=action.audit.supplier,
        changes=trail.diff(before, trail.snapshot(action, ("status", "closure", "follow_up_audit"))),
        reason=(note or "").strip(),
    )
    values = _values(action)
    _to_supplier(
        action,
        lambda: (
            _("Corrective action closed: CAP #%(number)s") % values,
            _("%(supplier)s: CAP #%(number)s (%(finding)s) is closed. Thank you.") % values,
        ),
    )
    if not CorrectiveAction.objects.filter(audit_id=action.audit_id).exclude(status=S.CLOSED).exists():
        from supplyesg.audits.services.conduct import close_audit_if_done

        close_audit_if_done(action.audit, actor=actor)
    return action


# ---------------------------------------------------------------- reading: clocks and filters


@dataclass(frozen=True)
class ClockState:
    """Which date a corrective action is running against, and how it stands on a day."""

    clock: str  # "plan" | "remediation" | "" (completed or closed: no clock)
    due: date | None
    days_left: int | None  # negative when late
    reminder_days: int = 7

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def due_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= self.reminder_days


def clock_state(action: CorrectiveAction, on: date, reminder_days: int = 7) -> ClockState:
    if action.status in (S.COMPLETED, S.CLOSED):
        return ClockState("", None, None, reminder_days)
    if action.status in CorrectiveAction.PLAN_ACCEPTED_STATUSES:
        return ClockState("remediation", action.remediation_due, (action.remediation_due - on).days, reminder_days)
    return ClockState("plan", action.plan_due, (action.plan_due - on).days, reminder_days)


def escalated(queryset):
    return queryset.filter(Q(plan_escalated_on__isnull=False) | Q(remediation_escalated_on__isnull=False))


def filter_actions(queryset, *, on: date, status="", overdue=False, escalated_only=False, supplier="", severity=""):
    """The list filters of the pages and the API, in one place."""
    if status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.overdue(on)
    if escalated_only:
        queryset = escalated(queryset)
    if supplier:
        term = str(supplier).strip()
        queryset = queryset.filter(Q(audit__supplier__code__iexact=term) | Q(audit__supplier__legal_name__icontains=term))
    if severity:
        queryset = queryset.filter(finding__severity=severity)
    return queryset


def with_related(queryset):
    return queryset.select_related("finding", "audit", "audit__supplier", "audit__lead_auditor")
