"""Order stops decided by policy or people: terminations (rules and people recommend, procurement decides) and
suspensions (a rule or a person suspends trade at once; procurement lifts it or confirms a termination).

While either is in force the supplier's lifecycle status is Suspended and can-order says no (services/orders.py);
when the last one ends the supplier returns to the status it had.
"""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, internal_recipients, send
from supplyesg.core.models import Role
from supplyesg.suppliers.models import Supplier, Suspension, TerminationCase
from supplyesg.suppliers.services.orders import binding_stops
from supplyesg.suppliers.services.status import write_status

ACTION_LABELS = {
    "termination.recommended": gettext_lazy("Termination recommended"),
    "termination.confirmed": gettext_lazy("Termination confirmed"),
    "termination.overridden": gettext_lazy("Termination recommendation overridden"),
    "termination.lifted": gettext_lazy("Termination lifted"),
    "suspension.started": gettext_lazy("Trade suspended"),
    "suspension.lifted": gettext_lazy("Suspension lifted"),
    "suspension.terminated": gettext_lazy("Suspension ended by a termination"),
}

# Source -> what that app does when procurement ends one of its suspensions here (e.g. the minerals case moves
# on). Registered from the app's ready(); called inside the same transaction.
SuspensionListener = Callable[[Suspension, str], None]
_LISTENERS: dict[str, SuspensionListener] = {}


def register_suspension_listener(source: str, listener: SuspensionListener) -> None:
    _LISTENERS[source] = listener


# ---------------------------------------------------------------- the supplier's status follows its stops


def _hold_supplier(supplier: Supplier, *, actor, reason: str) -> str:
    """An approved supplier becomes Suspended while a stop is in force; returns the status it had."""
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    old = supplier.status
    if old in Supplier.APPROVED_STATUSES:
        write_status(supplier, Supplier.Status.SUSPENDED, actor=actor, action="supplier.suspended", reason=reason)
    return old


def _release_supplier(supplier: Supplier, *, actor, reason: str, back_to: str = "") -> None:
    """When no stop is left, a Suspended supplier returns to the approved status it had (Active by default)."""
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.status != Supplier.Status.SUSPENDED or binding_stops(supplier):
        return
    to = back_to if back_to in Supplier.APPROVED_STATUSES else Supplier.Status.ACTIVE
    write_status(supplier, to, actor=actor, action="supplier.restored", reason=reason)


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
    send(
        Letter(
            internal_recipients(Role.PROCUREMENT),
            lambda: (
                _("Termination recommended: %(supplier)s") % {"supplier": supplier.legal_name},
                _("%(supplier)s: %(reason)s\nPlease confirm or override the recommendation in SupplyESG.")
                % {"supplier": supplier.legal_name, "reason": case.reason},
            ),
            path=reverse("terminations:detail", args=[case.pk]),
            supplier=supplier,
        )
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
    if confirm:
        _hold_supplier(case.supplier, actor=actor, reason=case.reason)
        for suspension in Suspension.objects.in_force().filter(
            supplier=case.supplier, source=case.source, source_ref=case.source_ref
        ):
            if case.source_ref:
                _end_suspension(suspension, actor=actor, reason=case.decision_reason, outcome=Suspension.Outcome.TERMINATED)
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
    _release_supplier(case.supplier, actor=actor, reason=case.lift_reason)
    return case


# ---------------------------------------------------------------- suspensions


@transaction.atomic
def suspend_trade(
    supplier: Supplier,
    *,
    actor,
    source: str,
    reason: str,
    ref: str = "",
    ends_on: date | None = None,
    condition: str = "",
    ends_via_source: bool = False,
) -> Suspension:
    """Orders stop now. Returns the suspension already in force for the same source and ref (rules repeat)."""
    if source not in TerminationCase.Source.values:
        raise RuleViolation(_("source: choose one of the listed sources."))
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why trade is suspended."))
    if ref:
        existing = Suspension.objects.in_force().filter(supplier=supplier, source=source, source_ref=ref).first()
        if existing:
            return existing
    old = _hold_supplier(supplier, actor=actor, reason=reason)
    suspension = Suspension.objects.create(
        supplier=supplier,
        source=source,
        source_ref=ref,
        reason=reason.strip(),
        ends_on=ends_on,
        condition=condition,
        ends_via_source=ends_via_source,
        status_before=old,
        started_by=actor if actor is not None and getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="suspension.started",
        target=suspension,
        supplier=supplier,
        reason=suspension.reason,
        changes={"source": [None, source], "ref": [None, ref], "ends_on": [None, ends_on]},
    )
    if source != TerminationCase.Source.MANUAL:
        send(
            Letter(
                internal_recipients(Role.PROCUREMENT),
                lambda: (
                    _("Trade suspended: %(supplier)s") % {"supplier": supplier.legal_name},
                    _(
                        "%(supplier)s: %(reason)s\nPurchase orders are blocked. "
                        "Confirm a termination or lift the suspension in SupplyESG."
                    )
                    % {"supplier": supplier.legal_name, "reason": suspension.reason},
                ),
                path=reverse("terminations:suspension", args=[suspension.pk]),
                supplier=supplier,
            )
        )
    return suspension


def _end_suspension(suspension: Suspension, *, actor, reason: str, outcome: str) -> Suspension:
    suspension.ended_at = timezone.now()
    suspension.ended_by = actor if actor is not None and getattr(actor, "pk", None) else None
    suspension.end_reason = reason.strip()
    suspension.outcome = outcome
    suspension.save(update_fields=["ended_at", "ended_by", "end_reason", "outcome"])
    audit.record(
        actor=actor,
        action="suspension.lifted" if outcome == Suspension.Outcome.LIFTED else "suspension.terminated",
        target=suspension,
        supplier=suspension.supplier,
        reason=suspension.end_reason,
        changes={"outcome": [None, outcome]},
    )
    return suspension


def lift_refusal(suspension: Suspension, *, on: date, via_source: bool = False) -> str:
    """Why the suspension cannot be lifted now ("" when it can)."""
    if suspension.ended_at:
        return _("This suspension has already ended.")
    if suspension.ends_on and on < suspension.ends_on:
        return _("This suspension ends on %(date)s at the earliest (%(reason)s).") % {
            "date": suspension.ends_on.isoformat(),
            "reason": suspension.reason,
        }
    if suspension.ends_via_source and not via_source:
        return _("This suspension ends only with %(condition)s, recorded on its %(source)s.") % {
            "condition": suspension.condition or _("the step its source prescribes"),
            "source": suspension.get_source_display().lower(),
        }
    return ""


@transaction.atomic
def lift_suspension(suspension: Suspension, *, actor, reason: str, via_source: bool = False) -> Suspension:
    """Trade resumes, for a stated reason; never before the suspension's earliest end. `via_source`: called by the
    source's own step (which then does its own bookkeeping), not by procurement on the order-stop pages."""
    suspension = Suspension.objects.select_for_update().select_related("supplier").get(pk=suspension.pk)
    refusal = lift_refusal(suspension, on=timezone.localdate(), via_source=via_source)
    if refusal:
        raise RuleViolation(refusal, code="suspension_in_force")
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why trade resumes."))
    _end_suspension(suspension, actor=actor, reason=reason, outcome=Suspension.Outcome.LIFTED)
    _release_supplier(suspension.supplier, actor=actor, reason=reason, back_to=suspension.status_before)
    listener = _LISTENERS.get(suspension.source)
    if listener and not via_source:
        listener(suspension, Suspension.Outcome.LIFTED)
    return suspension


@transaction.atomic
def terminate_suspended(suspension: Suspension, *, actor, reason: str) -> TerminationCase:
    """Procurement confirms the termination a suspension was waiting for: the termination stops orders instead."""
    suspension = Suspension.objects.select_for_update().select_related("supplier").get(pk=suspension.pk)
    if suspension.ended_at:
        raise RuleViolation(_("This suspension has already ended."), code="suspension_ended")
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why cooperation ends."))
    case = recommend_termination(
        suspension.supplier, actor=actor, source=suspension.source, reason=suspension.reason, ref=suspension.source_ref
    )
    if case.status == TerminationCase.Status.RECOMMENDED:
        case = decide_termination(case, actor=actor, confirm=True, reason=reason)
    suspension.refresh_from_db()
    if not suspension.ended_at:
        _end_suspension(suspension, actor=actor, reason=reason, outcome=Suspension.Outcome.TERMINATED)
    listener = _LISTENERS.get(suspension.source)
    if listener:
        listener(suspension, Suspension.Outcome.TERMINATED)
    return case
