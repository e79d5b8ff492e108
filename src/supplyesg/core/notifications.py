"""In-app notifications, made from the audit trail.

`core.audit.record()` hands every event to `queue()`. Apps register, from `AppConfig.ready`, which actions
notify whom: the supplier's portal users and/or internal owners (a lead auditor, a campaign's creator...).
Delivery runs after the transaction commits, so a rolled-back change notifies nobody.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from supplyesg.core.models import AuditEvent, Notification, Role, User


@dataclass
class NotifyRule:
    action: str  # AuditEvent.action, e.g. "corrective_action.plan_approved"
    message: str  # what happened, translated lazily, e.g. _("Your corrective-action plan was approved")
    portal_url: Callable[[AuditEvent], str] | None = None  # set: the supplier's portal users are told, with this link
    owners: Callable[[AuditEvent], Iterable[int]] | None = None  # internal user ids to tell
    internal_url: Callable[[AuditEvent], str] | None = None


_rules: dict[str, NotifyRule] = {}


def register(rule: NotifyRule) -> None:
    _rules[rule.action] = rule


def message_for(action: str) -> str:
    rule = _rules.get(action)
    return str(rule.message) if rule else action


def queue(event: AuditEvent) -> None:
    if event.action in _rules:
        transaction.on_commit(lambda: deliver(event.pk))


def deliver(event_pk: int) -> int:
    """Create the notifications one event calls for (never for the person who acted); returns how many."""
    event = AuditEvent.objects.filter(pk=event_pk).first()
    rule = _rules.get(event.action) if event else None
    if rule is None:
        return 0
    wanted: dict[int, str] = {}
    if rule.owners and rule.internal_url:
        ids = [pk for pk in rule.owners(event) if pk]
        if ids:
            url = rule.internal_url(event)
            for pk in User.objects.filter(pk__in=ids, is_active=True).exclude(role=Role.SUPPLIER).values_list("pk", flat=True):
                wanted[pk] = url
    if rule.portal_url and event.supplier_id:
        url = rule.portal_url(event)
        portal = User.objects.filter(supplier_id=event.supplier_id, role=Role.SUPPLIER, is_active=True)
        for pk in portal.values_list("pk", flat=True):
            wanted[pk] = url
    wanted.pop(event.actor_id, None)
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, event=event, url=url, created_at=event.at) for pk, url in wanted.items()],
        ignore_conflicts=True,
    )
    return len(wanted)


@transaction.atomic
def mark_read(user, *, notification_ids: Iterable[int] = (), everything: bool = False) -> int:
    """Mark the user's own notifications read; someone else's ids are ignored. Returns how many changed."""
    mine = Notification.objects.for_user(user).unread()
    if not everything:
        mine = mine.filter(pk__in=list(notification_ids))
    return mine.update(read_at=timezone.now())
