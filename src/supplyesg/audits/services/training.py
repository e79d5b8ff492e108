"""Training assigned to a supplier whose audit result was not qualified (ESG manual), confirmed when attended."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskCategory
from supplyesg.audits.models import Audit, TrainingAssignment
from supplyesg.core import audit as trail
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, send, supplier_recipients

T = TrainingAssignment.Status


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _require_planner(actor) -> None:
    if not (actor is not None and getattr(actor, "is_internal", False) and can(actor, Cap.AUDIT)):
        raise PermissionDenied


def _locked(training: TrainingAssignment) -> TrainingAssignment:
    return TrainingAssignment.objects.select_for_update(of=("self",)).select_related("supplier", "audit").get(pk=training.pk)


def trainings_due(queryset, on: date, days: int):
    """Assigned trainings due within `days` or already late."""
    return queryset.filter(status=T.ASSIGNED, due_date__lte=on + timedelta(days=days))


def filter_trainings(queryset, *, status: str = "", supplier: str = ""):
    if status:
        queryset = queryset.filter(status=status)
    if supplier:
        term = str(supplier).strip()
        queryset = queryset.filter(Q(supplier__code__iexact=term) | Q(supplier__legal_name__icontains=term))
    return queryset


@transaction.atomic
def assign_training(
    supplier, *, actor, topic: str, area: str = "", due_date: date | None, audit: Audit | None = None
) -> TrainingAssignment:
    _require_planner(actor)
    return record_training(supplier, actor=actor, topic=topic, area=area, due_date=due_date, audit=audit)


def record_training(
    supplier, *, actor, topic: str, area: str = "", due_date: date | None, audit: Audit | None = None
) -> TrainingAssignment:
    """Assign a training without the planner check: for a caller that checked its own right (procurement
    confirming a grade C offers training as the support AIKO promises). Runs inside the caller's transaction."""
    topic = " ".join((topic or "").split())
    problems = []
    if not topic:
        problems.append(_("topic: name the training."))
    elif len(topic) > TrainingAssignment._meta.get_field("topic").max_length:
        problems.append(_("topic: at most 200 characters."))
    if area and area not in RiskCategory.values:
        problems.append(_("area: choose one of the listed areas."))
    if due_date is None:
        problems.append(_("due_date: give a due date."))
    elif due_date < timezone.localdate():
        problems.append(_("due_date: the due date is in the past."))
    if audit is not None and audit.supplier_id != supplier.pk:
        problems.append(_("audit: the audit is of another supplier."))
    if problems:
        raise RuleViolation(problems)
    training = TrainingAssignment.objects.create(
        supplier=supplier,
        audit=audit,
        topic=topic,
        area=area or "",
        due_date=due_date,
        assigned_by=_actor(actor),
    )
    trail.record(
        actor=actor,
        action="training.assigned",
        target=training,
        supplier=supplier,
        changes={"topic": [None, topic], "area": [None, area or ""], "due_date": [None, due_date], "audit": [None, audit]},
    )
    values = {"supplier": supplier.legal_name, "topic": topic, "due": date_format(due_date, "SHORT_DATE_FORMAT")}
    send(
        Letter(
            supplier_recipients(supplier),
            lambda: (
                _("Training assigned: %(topic)s") % values,
                _(
                    "%(supplier)s: please attend the training “%(topic)s” by %(due)s and confirm it in the "
                    "supplier portal under Audits and corrective actions."
                )
                % values,
            ),
            path=reverse("audits_portal:trainings"),
            supplier=supplier,
        )
    )
    return training


@transaction.atomic
def complete_training(training: TrainingAssignment, *, actor, attendee: str) -> TrainingAssignment:
    """Marked attended by the supplier's own user or by an internal user with Cap.AUDIT."""
    training = _locked(training)
    if actor is not None and getattr(actor, "is_supplier_user", False):
        if actor.supplier_id != training.supplier_id:
            raise PermissionDenied
    else:
        _require_planner(actor)
    if training.status != T.ASSIGNED:
        raise RuleViolation(
            _("This training is “%(status)s”; only an assigned one can be marked attended.")
            % {"status": training.get_status_display()}
        )
    attendee = " ".join((attendee or "").split())
    if not attendee:
        raise RuleViolation(_("attendee: name who attended."))
    if len(attendee) > TrainingAssignment._meta.get_field("attendee").max_length:
        raise RuleViolation(_("attendee: at most 200 characters."))
    training.status = T.COMPLETED
    training.attendee = attendee
    training.completed_at = timezone.now()
    training.save(update_fields=["status", "attendee", "completed_at"])
    trail.record(
        actor=actor,
        action="training.completed",
        target=training,
        supplier=training.supplier,
        changes={"status": [T.ASSIGNED, T.COMPLETED], "attendee": ["", attendee]},
    )
    return training


@transaction.atomic
def cancel_training(training: TrainingAssignment, *, actor, reason: str = "") -> TrainingAssignment:
    training = _locked(training)
    _require_planner(actor)
    if training.status != T.ASSIGNED:
        raise RuleViolation(
            _("This training is “%(status)s”; only an assigned one can be cancelled.") % {"status": training.get_status_display()}
        )
    training.status = T.CANCELLED
    training.save(update_fields=["status"])
    trail.record(
        actor=actor,
        action="training.cancelled",
        target=training,
        supplier=training.supplier,
        changes={"status": [T.ASSIGNED, T.CANCELLED]},
        reason=(reason or "").strip(),
    )
    return training
