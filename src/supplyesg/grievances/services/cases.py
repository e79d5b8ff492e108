"""The handlers' side: workflow, replies, links, identity disclosure. Each function one transaction with its audit row.

Audit rows name the report (GR-000012) and what changed, never its content; they carry no supplier, so a grievance
never shows up in a supplier's history or notifications."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.audits.rules import add_months
from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import PolicySettings
from supplyesg.grievances import privacy
from supplyesg.grievances.models import DisclosureRequest, Message, Report, Visibility
from supplyesg.grievances.services.intake import acknowledgement_text
from supplyesg.grievances.services.sealing import data_key, read_identity
from supplyesg.grievances.services.threads import add_file, add_message

S = Report.Status
ORDER = [S.NEW, S.ACKNOWLEDGED, S.IN_REVIEW, S.INVESTIGATION, S.REMEDIATION, S.CLOSED]


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def acknowledge_report(*, actor, report: Report, text: str = "") -> Report:
    report = _locked(report)
    if report.acknowledged_on:
        raise RuleViolation(_("This report was already acknowledged."))
    today = timezone.localdate()
    add_message(
        report,
        data_key(report),
        author_kind=Message.Author.HANDLER,
        author=actor,
        text=(text or "").strip() or acknowledgement_text(report.language),
    )
    report.acknowledged_on = today
    report.feedback_due = add_months(today, PolicySettings.current().grievance_feedback_months)
    if report.status == S.NEW:
        report.status = S.ACKNOWLEDGED
    report.save(update_fields=["acknowledged_on", "feedback_due", "status"])
    audit.record(actor=actor, action="grievance.acknowledged", target=report)
    return report


@transaction.atomic
def move_report(*, actor, report: Report, status: str, sub_status: str = "") -> Report:
    """Forward through the workflow, or back one step (a case reopened for review); closing is close_report."""
    report = _locked(report)
    if report.is_closed:
        raise RuleViolation(_("A closed case cannot move."))
    if status not in (S.IN_REVIEW, S.INVESTIGATION, S.REMEDIATION, S.ACKNOWLEDGED):
        raise ValidationError({"status": _("Choose a status of the workflow.")})
    if sub_status not in Report.SubStatus.values:
        raise ValidationError({"sub_status": _("Choose a sub-status.")})
    if status != S.ACKNOWLEDGED and not report.acknowledged_on:
        raise RuleViolation(_("Acknowledge the report first: the reporter must know it arrived."))
    before = {"status": report.status, "sub_status": report.sub_status}
    report.status, report.sub_status = status, sub_status
    report.save(update_fields=["status", "sub_status"])
    audit.record(
        actor=actor,
        action="grievance.moved",
        target=report,
        changes=audit.diff(before, {"status": status, "sub_status": sub_status}),
    )
    return report


def retention_years(report: Report, policy: PolicySettings) -> int:
    if report.closure_reason in Report.SUBSTANTIATED:
        return report.channel.retention_years or policy.grievance_retention_years
    return policy.grievance_retention_years_unfounded


@transaction.atomic
def close_report(*, actor, report: Report, reason: str, measure: str = "", text: str = "") -> Report:
    """Closing tells the reporter (a public message is required: the outcome is feedback, EU 2019/1937 art. 9(1)(f))."""
    report = _locked(report)
    if report.is_closed:
        raise RuleViolation(_("This case is already closed."))
    if reason not in Report.ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the case is closed.")})
    if measure not in Report.Measure.values:
        raise ValidationError({"measure": _("Choose a measure.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Tell the reporter the outcome.")})
    today = timezone.localdate()
    add_message(report, data_key(report), author_kind=Message.Author.HANDLER, author=actor, text=text.strip())
    report.first_feedback_on = report.first_feedback_on or today
    report.acknowledged_on = report.acknowledged_on or today
    report.status, report.sub_status = S.CLOSED, ""
    report.closure_reason, report.measure, report.closed_on = reason, measure, today
    report.delete_after = add_months(today, 12 * retention_years(report, PolicySettings.current()))
    report.save()
    audit.record(actor=actor, action="grievance.closed", target=report, changes={"closure_reason": reason, "measure": measure})
    return report


@transaction.atomic
def reply_to_report(*, actor, report: Report, text: str, visibility: str, files=()) -> Message:
    report = _locked(report)
    files = list(files)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who sees the message.")})
    if not (text or "").strip() and not files:
        raise ValidationError({"text": _("Write a message or add a file.")})
    if report.is_closed and visibility == Visibility.PUBLIC:
        raise RuleViolation(_("This case is closed: the reporter no longer reads it."))
    key = data_key(report)
    message = add_message(
        report, key, author_kind=Message.Author.HANDLER, author=actor, text=(text or "").strip(), visibility=visibility
    )
    for upload in files:
        try:
            add_file(report, key, upload, message=message, visibility=visibility)
        except privacy.FileRefused:
            raise ValidationError(
                {"files": _("%(name)s: this kind of file is not accepted, or it is damaged.") % {"name": upload.name}}
            )
    if visibility == Visibility.PUBLIC:
        today = timezone.localdate()
        changed = ["first_feedback_on"]
        report.first_feedback_on = report.first_feedback_on or today
        if not report.acknowledged_on:
            report.acknowledged_on = today
            report.status = S.ACKNOWLEDGED if report.status == S.NEW else report.status
            changed += ["acknowledged_on", "status"]
        report.save(update_fields=changed)
    audit.record(actor=actor, action="grievance.message_added", target=report, changes={"visibility": visibility})
    return message


LINK_FIELDS = ("supplier", "site", "requirement", "finding", "corrective_action", "smelter")


@transaction.atomic
def link_report(*, actor, report: Report, topic: str, country: str, severe: bool, **links) -> Report:
    """Handlers' classification and links to due diligence. The reporter never sees them."""
    report = _locked(report)
    before = {name: getattr(report, name) for name in ("topic", "country", "severe", *LINK_FIELDS)}
    report.topic, report.country, report.severe = topic, country or "", bool(severe)
    for name in LINK_FIELDS:
        setattr(report, name, links.get(name))
    if report.site_id and report.supplier_id and report.site.supplier_id != report.supplier_id:
        raise ValidationError({"site": _("The site belongs to another supplier.")})
    if report.site_id and not report.supplier_id:
        report.supplier_id = report.site.supplier_id
    report.save()
    after = {name: getattr(report, name) for name in before}
    audit.record(actor=actor, action="grievance.linked", target=report, changes=audit.diff(before, after))
    return report


@transaction.atomic
def request_disclosure(*, actor, report: Report, motivation: str) -> DisclosureRequest:
    if not report.has_identity:
        raise RuleViolation(_("The reporter gave no name or contact."))
    if not (motivation or "").strip() or len(motivation.strip()) < 20:
        raise ValidationError({"motivation": _("Explain, in a sentence or more, why the case needs the reporter's identity.")})
    if report.disclosure_requests.filter(requested_by=actor, status=DisclosureRequest.Status.PENDING).exists():
        raise RuleViolation(_("Your request is already waiting for a custodian."))
    request = DisclosureRequest.objects.create(report=report, requested_by=actor, motivation=motivation.strip())
    audit.record(actor=actor, action="grievance.identity_requested", target=report)
    return request


@transaction.atomic
def decide_disclosure(*, actor, request: DisclosureRequest, approve: bool, note: str = "") -> DisclosureRequest:
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied
    if request.status != DisclosureRequest.Status.PENDING:
        raise RuleViolation(_("This request was already decided."))
    request.status = DisclosureRequest.Status.APPROVED if approve else DisclosureRequest.Status.DENIED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), (note or "").strip()
    request.save()
    audit.record(
        actor=actor,
        action="grievance.identity_approved" if approve else "grievance.identity_denied",
        target=request.report,
        reason=request.decision_note,
    )
    return request


@transaction.atomic
def reveal_identity(*, actor, report: Report) -> dict:
    """The identity for a handler with an approved request; every reading is an audit row."""
    from supplyesg.grievances.access import identity_approved_for

    if not report.has_identity or not identity_approved_for(actor, report):
        raise PermissionDenied
    audit.record(actor=actor, action="grievance.identity_viewed", target=report)
    return read_identity(report)
