"""Writing the audit trail. Called by service functions inside their transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from supplyesg.core import derived, notifications
from supplyesg.core.models import AuditEvent


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def diff(old: dict, new: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    out = {}
    for key in sorted(set(old) | set(new)):
        before, after = _plain(old.get(key)), _plain(new.get(key))
        if before != after:
            out[key] = [before, after]
    return out


def snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def event(*, actor, action: str, target, supplier=None, changes=None, reason: str = "") -> AuditEvent:
    """An unsaved event, as `record` stores it; a service writing many hands a list of them to `record_many`."""
    actor = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        supplier_id=supplier.pk if supplier is not None else None,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        reason=reason,
    )


def record(*, actor, action: str, target, supplier=None, changes=None, reason: str = "") -> AuditEvent:
    stored = event(actor=actor, action=action, target=target, supplier=supplier, changes=changes, reason=reason)
    stored.save(force_insert=True)
    notifications.queue(stored)
    derived.changed(action)
    return stored


def record_many(events: list[AuditEvent], *, notify: bool = False) -> None:
    """Events built by a service that writes many at once (an audit programme, an import, a bulk acceptance):
    stored in few statements (`core.rowwriter`, not a model instance prepared per value), and what depends on
    their actions (core.derived) told once, as `record` does for one event. Notifications only with `notify`: an
    import's own summary says what happened, while a bulk decision on suppliers' files tells each supplier as a
    single decision would; the events then get their ids, and their notifications are written in the same
    transaction (no check after the commit that the events still exist, as one-by-one delivery needs)."""
    if not events:
        return
    from supplyesg.core.rowwriter import insert_rows

    rows = [  # in the order of EVENT_FIELDS
        (e.at, e.actor_id, e.actor_label, e.action, e.target_type, e.target_id, e.target_label, e.supplier_id)
        + (e.changes, e.reason)
        for e in events
    ]
    key = ("action", "target_type", "target_id", "supplier")
    returned = insert_rows(AuditEvent, EVENT_FIELDS, rows, returning=("id", *key) if notify else ())
    if notify:
        _give_ids(events, returned)
        notifications.deliver_in_transaction(events)
    for action in sorted({e.action for e in events}):
        derived.changed(action)


def _key(event: AuditEvent) -> tuple:
    return (event.action, event.target_type, event.target_id, event.supplier_id)


def _give_ids(events: list[AuditEvent], returned: list[tuple]) -> None:
    """Each event gets the id of its row (`returned`: (id, action, target type, target id, supplier id) per row).

    The rows were written in the events' order, so their ids ascend in it, the order Django's bulk_create relies
    on too. RETURNING promises no order, so the ids are sorted first, and each row's (action, target, supplier)
    must be its event's; if one is not, every id goes to an event with its key instead."""
    rows = sorted(returned)
    if len(rows) == len(events) and all(tuple(row[1:]) == _key(e) for row, e in zip(rows, events, strict=True)):
        pairs = [(e, row[0]) for row, e in zip(rows, events, strict=True)]
    else:
        waiting: dict[tuple, list[AuditEvent]] = {}
        for e in reversed(events):
            waiting.setdefault(_key(e), []).append(e)
        pairs = [(waiting[tuple(row[1:])].pop(), row[0]) for row in rows]
    for event, pk in pairs:
        event.pk, event._state.adding = pk, False


# The columns of an event row as the set-based services build it (plain tuples, core.rowwriter).
EVENT_FIELDS = [
    "at",
    "actor",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "supplier",
    "changes",
    "reason",
]


def record_rows(rows) -> None:
    """Event rows as plain tuples in the order of EVENT_FIELDS, for the set-based services that write one per
    supplier (the yearly risk assessment, the quarterly ratings); dependents told once per action."""
    from supplyesg.core.rowwriter import insert_rows

    if not rows:
        return
    insert_rows(AuditEvent, EVENT_FIELDS, rows)
    for action in sorted({row[3] for row in rows}):
        derived.changed(action)
