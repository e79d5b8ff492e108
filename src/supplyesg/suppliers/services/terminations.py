"""Termination of cooperation: rules and people recommend it, procurement decides, a confirmed one stops orders."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import internal_recipients, send_on_commit
from supplyesg.core.models import Role
from supplyesg.suppliers.models import Supplier, TerminationCase

ACTION_LABELS = {
    "termination.recommended": gettext_lazy("Termination recommended"),
    "termination.confirmed": gettext_lazy("Termination confirmed"),
    "termination.overridden": gettext_lazy("Termination recommendation overridden"),
    "termination.lifted": gettext_lazy("Termination lifted"),
}


@transaction.atomic
def recommend_termination(supplier: Supplier, *, actor, source: str, reason: str, ref: str = "") -> TerminationCase:
    """Raise a recommendation, or return the open or confirmed one already raised for the same source and ref
    (the daily job and recomputations call this repeatedly)."""
    if source not in TerminationCase.Source.values:
        raise RuleViolation(_("source: choose one of the listed sources."))
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why cooperation should end."))
    existing = (
        TerminationCase.objects.select_for_update()
        .filter(supplier=supplier, source=source, source_ref=ref)
        .filter(status__in=[TerminationCase.Status.RECOMMENDED, TerminationCase.Status.CONFIRMED])
        .first()
    )
    if existing and ref:
        return existing
    case = TerminationCase.objects.create(
        supplier=supplier,
        source=source,
        source_ref=ref,
        reason=reason.strip(),
        recommended_by=actor if actor is not None and getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="termination.recommended",
        target=case,
        supplier=supplier,
        changes={"status": [None, case.status], "source": [None, source], "ref": [None, ref]},
        reason=case.reason,
    )
    recipients = internal_recipients(Role.PROCUREMENT)
    if recipients:
        send_on_commit(
            [
                EmailMessage(
                    _("Termination recommended: %(supplier)s") % {"supplier": supplier.legal_name},
                    _("%(supplier)s: %(reason)s\nPlease confirm or override the recommendation in SupplyESG.")
                    % {"supplier": supplier.legal_name, "reason": case.reason},
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
            ]
        )
    return case


@transaction.atomic
def decide_termination(case: TerminationCase, *, actor, confirm: bool, reason: str) -> TerminationCase:
    """Procurement confirms (orders stop) or overrides (cooperation continues); either way with a reason."""
    case = TerminationCase.objects.select_for_update().select_related("supplier").get(pk=case.pk)
    if case.status != TerminationCase.Status.RECOMMENDED:
        raise RuleViolation(_("This recommendation was already decided (%(status)s).") % {"status": case.get_status_display()})
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why you confirm or override the recommendation."))
    old = case.status
    case.status = TerminationCase.Status.CONFIRMED if confirm else TerminationCase.Status.OVERRIDDEN
    case.decided_at = timezone.now()
    case.decided_by = actor
    case.decision_reason = reason.strip()
    case.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit.record(
        actor=actor,
        action="termination.confirmed" if confirm else "termination.overridden",
        target=case,
        supplier=case.supplier,
        changes={"status": [old, case.status]},
        reason=case.decision_reason,
    )
    return case


@transaction.atomic
def terminate_cooperation(supplier: Supplier, *, actor, source: str, reason: str, ref: str = "") -> TerminationCase:
    """A person with the decision right ends cooperation at once (a confirmed grade D, a grave minerals risk)."""
    case = recommend_termination(supplier, actor=actor, source=source, reason=reason, ref=ref)
    if case.status == TerminationCase.Status.RECOMMENDED:
        case = decide_termination(case, actor=actor, confirm=True, reason=reason)
    return case


@transaction.atomic
def lift_termination(case: TerminationCase, *, actor, reason: str) -> TerminationCase:
    """Resume cooperation after a confirmed termination, for a stated reason."""
    case = TerminationCase.objects.select_for_update().select_related("supplier").get(pk=case.pk)
    if case.status != TerminationCase.Status.CONFIRMED:
        raise RuleViolation(_("Only a confirmed termination can be lifted."))
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why cooperation resumes."))
    case.status = TerminationCase.Status.LIFTED
    case.lifted_at = timezone.now()
    case.lifted_by = actor
    case.lift_reason = reason.strip()
    case.save(update_fields=["status", "lifted_at", "lifted_by", "lift_reason"])
    audit.record(
        actor=actor,
        action="termination.lifted",
        target=case,
        supplier=case.supplier,
        changes={"status": [TerminationCase.Status.CONFIRMED, case.status]},
        reason=case.lift_reason,
    )
    return case
