"""Management reviews (ESG manual: top management regularly reviews the results): the review with the snapshot
whose figures were shown and the decisions taken, and its actions with owner, due date and status."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.reporting.models import ManagementReview, ReportingPeriod, ReviewAction, Snapshot

REVIEW_FIELDS = ("held_on", "chair", "participants", "summary", "decisions", "snapshot")
ACTION_FIELDS = ("text", "owner", "due_on", "status", "outcome")


def _check_owner(owner) -> None:
    if owner is None or not owner.is_internal:
        raise ValidationError({"owner": _("The owner must be an active internal user.")})


@transaction.atomic
def record_review(
    *,
    actor,
    period: ReportingPeriod,
    held_on: date,
    chair: str,
    participants: str,
    decisions: str,
    summary: str = "",
    snapshot: Snapshot | None = None,
) -> ManagementReview:
    if snapshot is not None and snapshot.period_id != period.pk:
        raise ValidationError({"snapshot": _("The snapshot belongs to another reporting period.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A review cannot be recorded before it is held.")})
    review = ManagementReview(
        period=period,
        snapshot=snapshot,
        held_on=held_on,
        chair=chair.strip(),
        participants=participants.strip(),
        summary=summary.strip(),
        decisions=decisions.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    review.full_clean(exclude=["created_by"])
    review.save()
    audit.record(
        actor=actor,
        action="reporting.review_recorded",
        target=review,
        changes=audit.diff({}, audit.snapshot(review, REVIEW_FIELDS)),
    )
    return review


@transaction.atomic
def add_review_action(*, actor, review: ManagementReview, text: str, owner, due_on: date) -> ReviewAction:
    _check_owner(owner)
    action = ReviewAction(review=review, text=text.strip(), owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    audit.record(
        actor=actor,
        action="reporting.review_action_changed",
        target=action,
        changes=audit.diff({}, audit.snapshot(action, ACTION_FIELDS)),
        reason=_("Action added to the management review of %(date)s") % {"date": review.held_on.isoformat()},
    )
    return action


@transaction.atomic
def change_review_action(*, actor, action: ReviewAction, **values) -> ReviewAction:
    """Change an action's text, owner, due date, status or outcome. Closing it (done, dropped) needs an outcome."""
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Not a field of a review action.")})
    before = audit.snapshot(action, ACTION_FIELDS)
    for name, value in values.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    if "owner" in values:
        _check_owner(action.owner)
    if action.status != ReviewAction.Status.OPEN and not action.outcome:
        raise ValidationError({"outcome": _("Say what came of the action when closing it.")})
    if action.status == ReviewAction.Status.OPEN:
        action.closed_at = None
    elif before["status"] == ReviewAction.Status.OPEN:
        action.closed_at = timezone.now()
    action.full_clean()
    action.save()
    changes = audit.diff(before, audit.snapshot(action, ACTION_FIELDS))
    if changes:
        audit.record(actor=actor, action="reporting.review_action_changed", target=action, changes=changes)
    return action


def is_overdue(action: ReviewAction, today: date) -> bool:
    return action.status == ReviewAction.Status.OPEN and action.due_on < today


def open_actions_of(user):
    return ReviewAction.objects.filter(owner=user, status=ReviewAction.Status.OPEN)


def reviews_for_export(period: ReportingPeriod, today: date | None = None) -> list[dict]:
    """The period's management reviews as plain data (dates ISO) for the snapshot export, oldest first."""
    today = today or timezone.localdate()
    reviews = (
        ManagementReview.objects.filter(period=period)
        .select_related("snapshot")
        .prefetch_related("actions__owner")
        .order_by("held_on", "pk")
    )
    return [
        {
            "held_on": review.held_on.isoformat(),
            "chair": review.chair,
            "participants": review.participants,
            "summary": review.summary,
            "decisions": review.decisions,
            "snapshot": review.snapshot.number if review.snapshot else None,
            "actions": [
                {
                    "text": action.text,
                    "owner": action.owner.get_full_name() or action.owner.get_username(),
                    "due_on": action.due_on.isoformat(),
                    "status": action.status,
                    "status_label": str(action.get_status_display()),
                    "outcome": action.outcome,
                    "overdue": is_overdue(action, today),
                }
                for action in review.actions.all()
            ],
        }
        for review in reviews
    ]
