"""In-app notifications, made from the audit trail.

`core.audit.record()` hands every event to `queue()`. Apps register, from `AppConfig.ready`, which actions
notify whom: the supplier's portal users and/or internal owners (a lead auditor, a campaign's creator...).
A rolled-back change notifies nobody: events recorded one by one are delivered after the transaction commits
(together, however many); a batch that a service stores at once (`audit.record_many(notify=True)`) is delivered
inside its own transaction, so the notifications commit or roll back with their events.
"""

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from supplyesg.core.ids import IdList
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


_pending = threading.local()


def queue(event: AuditEvent) -> None:
    """Deliver after the commit. A transaction that records many events (a daily reminder run) is delivered
    in one batch by its first commit callback; the others find nothing left to do."""
    if event.action not in _rules:
        return
    pending = getattr(_pending, "events", None)
    if pending is None:
        pending = _pending.events = {}
    pending[event.pk] = event
    transaction.on_commit(_flush)


def _flush() -> None:
    events, _pending.events = getattr(_pending, "events", None) or {}, {}
    if events:
        deliver(list(events.values()))


def deliver(events: list[AuditEvent]) -> int:
    """After a commit: create the notifications these events call for (never for the person who acted); returns
    how many. Events of a rolled-back transaction no longer exist and are skipped (one query checks them)."""
    stored = AuditEvent.objects.filter(pk__in=IdList(e.pk for e in events)).values_list("pk", "action", "target_id")
    committed = set(stored)  # a rolled-back event is gone, or its id was reused by another one
    return deliver_in_transaction([e for e in events if (e.pk, e.action, e.target_id) in committed])


def deliver_in_transaction(events: list[AuditEvent]) -> int:
    """The notifications of events stored in the current transaction, written in it: they commit or roll back
    together, so nothing needs checking afterwards. Queries: one for the portal users of all the events'
    suppliers, the owners' look-ups, one insert."""
    events = [e for e in events if e.action in _rules]
    portal_suppliers = {e.supplier_id for e in events if e.supplier_id and _rules[e.action].portal_url}
    portal_users: dict[int, list[int]] = {}
    if portal_suppliers:
        active_portal = User.objects.filter(supplier_id__in=IdList(portal_suppliers), role=Role.SUPPLIER, is_active=True)
        for pk, supplier_id in active_portal.values_list("pk", "supplier_id"):
            portal_users.setdefault(supplier_id, []).append(pk)
    rows = []
    for event in events:
        rule = _rules[event.action]
        wanted: dict[int, str] = {}
        if rule.owners and rule.internal_url:
            ids = [pk for pk in rule.owners(event) if pk]
            if ids:
                url = rule.internal_url(event)
                internal = User.objects.filter(pk__in=ids, is_active=True).exclude(role=Role.SUPPLIER)
                wanted.update((pk, url) for pk in internal.values_list("pk", flat=True))
        if rule.portal_url and portal_users.get(event.supplier_id):
            url = rule.portal_url(event)
            wanted.update((pk, url) for pk in portal_users[event.supplier_id])
        wanted.pop(event.actor_id, None)
        rows += [Notification(recipient_id=pk, event=event, url=url, created_at=event.at) for pk, url in wanted.items()]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def mark_read(user, *, notification_ids: Iterable[int] = (), everything: bool = False) -> int:
    """Mark the user's own notifications read; someone else's ids are ignored. Returns how many changed."""
    mine = Notification.objects.for_user(user).unread()
    if not everything:
        mine = mine.filter(pk__in=list(notification_ids))
    return mine.update(read_at=timezone.now())
