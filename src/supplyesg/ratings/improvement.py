"""AIKO, grade C: "require corrective actions, provide relevant support to help them improve". Confirming a C
(or overriding to corrective action) opens a tracked improvement action with an owner on our side, a due date and
optionally a training; the supplier sees it in the portal; it is closed with what came of it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.ratings.models import ImprovementAction, Rating


def improvement_problems(owner, due_date, description: str, training_topic: str) -> list[str]:
    from supplyesg.core.access import Cap, can

    problems = []
    if owner is None or not (getattr(owner, "is_internal", False) and can(owner, Cap.VIEW)):
        problems.append(_("owner: choose who on our side follows the corrective action up."))
    if due_date is None:
        problems.append(_("due_date: give the date the corrective action is due."))
    elif due_date < timezone.localdate():
        problems.append(_("due_date: the due date is in the past."))
    if len(description) > 2000:
        problems.append(_("description: write at most 2000 characters."))
    if len(training_topic) > 200:
        problems.append(_("training_topic: at most 200 characters."))
    return problems


def open_improvement_action(rating: Rating, *, actor, owner, due_date, description: str, training_topic: str):
    from supplyesg.engagement.services.required import record_training

    training = None
    if training_topic:
        training = record_training(rating.supplier, actor=actor, topic=training_topic, due_date=due_date)
    description = description or _("Corrective action with support after grade %(grade)s in %(quarter)s.") % {
        "grade": rating.grade,
        "quarter": rating.period,
    }
    improvement = ImprovementAction.objects.create(
        rating=rating, supplier=rating.supplier, owner=owner, due_date=due_date, description=description, training=training
    )
    audit.record(
        actor=actor,
        action="improvement_action.opened",
        target=improvement,
        supplier=rating.supplier,
        changes={
            "owner": [None, owner.get_username()],
            "due_date": [None, due_date.isoformat()],
            "training": [None, training_topic or None],
        },
        reason=description,
    )
    return improvement


@transaction.atomic
def close_improvement_action(improvement: ImprovementAction, *, actor, note: str) -> ImprovementAction:
    """The corrective action of a grade C is done: what came of it is recorded."""
    improvement = ImprovementAction.objects.select_for_update().select_related("supplier", "rating").get(pk=improvement.pk)
    note = (note or "").strip()
    if improvement.status != ImprovementAction.Status.OPEN:
        raise RuleViolation(_("This improvement action is already closed."))
    if not note:
        raise RuleViolation(_("note: say what came of the corrective action."))
    improvement.status = ImprovementAction.Status.DONE
    improvement.closed_at = timezone.now()
    improvement.closed_by = actor if getattr(actor, "pk", None) else None
    improvement.close_note = note[:2000]
    improvement.save(update_fields=["status", "closed_at", "closed_by", "close_note"])
    audit.record(
        actor=actor,
        action="improvement_action.closed",
        target=improvement,
        supplier=improvement.supplier,
        changes={"status": [ImprovementAction.Status.OPEN, ImprovementAction.Status.DONE]},
        reason=improvement.close_note,
    )
    return improvement
