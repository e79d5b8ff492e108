"""The one answer to "may we order from this supplier?".

Every source of an order stop contributes its reasons through one registry: the lifecycle status, the
blacklist, confirmed terminations and suspensions here, and later apps (sanctions screening) through
`register_order_stop_source`. `can_order_many` and the supplier page's status both read `order_stops_many`, so
the API, the page and the lifecycle guards can never disagree.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.suppliers.models import BlacklistEntry, Supplier, Suspension, TerminationCase


@dataclass(frozen=True)
class OrderStop:
    kind: str  # "blacklist", "termination", "suspension", "lifecycle", or a registered source's name
    label: str  # the status the supplier page shows for it, e.g. "Suspended"
    reason: str  # one sentence with the cause and dates
    since: date | None = None
    until: date | None = None  # the earliest end; None: until a decision (or permanent)
    origin: str = ""  # what raised it, e.g. a suspension's source ("manual", "minerals", "audit")


@dataclass
class OrderAnswer:
    supplier_id: int
    code: str
    can_order: bool
    reasons: list[str] = field(default_factory=list)


StopSource = Callable[[Sequence[Supplier]], dict[int, list[OrderStop]]]
_SOURCES: dict[str, StopSource] = {}
# Stops a lifecycle move to an approved status cannot end (the lifecycle's own status is not among them).
BINDING_KINDS = {"blacklist", "termination", "suspension"}


def register_order_stop_source(name: str, source: StopSource, *, binding: bool = True) -> StopSource:
    """Add a source of order stops (called from an app's ready()). `binding`: while it reports a stop, the
    supplier cannot be moved to an approved status."""
    _SOURCES[name] = source
    if binding:
        BINDING_KINDS.add(name)
    return source


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def blacklist_stops(suppliers: Sequence[Supplier]) -> dict[int, list[OrderStop]]:
    stops: dict[int, list[OrderStop]] = {}
    for entry in BlacklistEntry.objects.in_force().filter(supplier__in=suppliers).order_by("decided_at", "pk"):
        term = _("permanent") if entry.permanent else _("until %(date)s") % {"date": entry.until}
        stops.setdefault(entry.supplier_id, []).append(
            OrderStop(
                "blacklist",
                _("Blacklisted"),
                _("Blacklisted: %(reason)s (%(term)s).") % {"reason": entry.get_reason_display(), "term": term},
                _day(entry.decided_at),
                entry.until,
            )
        )
    return stops


def termination_stops(suppliers: Sequence[Supplier]) -> dict[int, list[OrderStop]]:
    stops: dict[int, list[OrderStop]] = {}
    for case in TerminationCase.objects.in_force().filter(supplier__in=suppliers).order_by("decided_at", "pk"):
        stops.setdefault(case.supplier_id, []).append(
            OrderStop(
                "termination",
                _("Terminated"),
                _("Termination of cooperation confirmed on %(date)s: %(reason)s")
                % {"date": _day(case.decided_at).isoformat(), "reason": case.reason},
                _day(case.decided_at),
            )
        )
    return stops


def suspension_sentence(suspension: Suspension) -> str:
    values = {
        "date": _day(suspension.started_at).isoformat(),
        "reason": suspension.reason,
        "until": suspension.ends_on.isoformat() if suspension.ends_on else "",
        "condition": suspension.condition,
    }
    if suspension.ends_on and suspension.condition:
        text = _("Trade suspended since %(date)s: %(reason)s It ends on %(until)s at the earliest, and only with %(condition)s.")
    elif suspension.ends_on:
        text = _("Trade suspended since %(date)s: %(reason)s It ends on %(until)s at the earliest.")
    else:
        text = _("Trade suspended since %(date)s: %(reason)s It lasts until procurement confirms a termination or lifts it.")
    return text % values


def suspension_stops(suppliers: Sequence[Supplier]) -> dict[int, list[OrderStop]]:
    stops: dict[int, list[OrderStop]] = {}
    for suspension in Suspension.objects.in_force().filter(supplier__in=suppliers).order_by("started_at", "pk"):
        stops.setdefault(suspension.supplier_id, []).append(
            OrderStop(
                "suspension",
                _("Suspended"),
                suspension_sentence(suspension),
                _day(suspension.started_at),
                suspension.ends_on,
                suspension.source,
            )
        )
    return stops


def sanctions_stops(suppliers: Sequence[Supplier]) -> dict[int, list[OrderStop]]:
    """A confirmed sanctions-list hit on the supplier or one of its sites (suppliers/sanctions), naming the list."""
    from supplyesg.suppliers.sanctions.services import blocking_hits

    stops: dict[int, list[OrderStop]] = {}
    for supplier_id, hit in blocking_hits(s.pk for s in suppliers).items():
        confirmed = _day(hit.decided_at)
        stops.setdefault(supplier_id, []).append(
            OrderStop(
                "sanctions",
                _("Sanctioned"),
                _("On the sanctions list %(list)s: %(name)s (%(reference)s), confirmed on %(date)s.")
                % {
                    "list": hit.sanctions_list.name,
                    "name": hit.entry_name,
                    "reference": hit.reference,
                    "date": confirmed.isoformat() if confirmed else "",
                },
                confirmed,
                None,
                hit.sanctions_list.name,
            )
        )
    return stops


register_order_stop_source("blacklist", blacklist_stops)
register_order_stop_source("termination", termination_stops)
register_order_stop_source("suspension", suspension_stops)
register_order_stop_source("sanctions", sanctions_stops)


def order_stops_many(suppliers) -> dict[int, list[OrderStop]]:
    """Every stop in force per supplier id, strongest first: the registered sources, then the lifecycle status
    when no other stop explains it. One query per source."""
    suppliers = list(suppliers)
    stops: dict[int, list[OrderStop]] = {s.pk: [] for s in suppliers}
    for source in _SOURCES.values():
        for supplier_id, found in source(suppliers).items():
            stops[supplier_id].extend(found)
    for supplier in suppliers:
        if supplier.status in Supplier.APPROVED_STATUSES or stops[supplier.pk]:
            continue
        stops[supplier.pk].append(
            OrderStop(
                "lifecycle",
                supplier.get_status_display(),
                _("Status is %(status)s; orders need a qualified, active or conditional supplier.")
                % {"status": supplier.get_status_display()},
                _day(supplier.status_changed_at),
            )
        )
    return stops


def order_stops(supplier: Supplier) -> list[OrderStop]:
    return order_stops_many([supplier])[supplier.pk]


def binding_stops(supplier: Supplier) -> list[OrderStop]:
    """The stops that keep a supplier out of the approved statuses whatever a lifecycle move says."""
    return [stop for stop in order_stops(supplier) if stop.kind in BINDING_KINDS]


def can_order_many(suppliers) -> list[OrderAnswer]:
    """Whether an ERP may place purchase orders with each supplier, and why not."""
    suppliers = list(suppliers)
    stops = order_stops_many(suppliers)
    return [OrderAnswer(s.pk, s.code, not stops[s.pk], [stop.reason for stop in stops[s.pk]]) for s in suppliers]


def can_order(supplier: Supplier) -> OrderAnswer:
    return can_order_many([supplier])[0]


@dataclass(frozen=True)
class Standing:
    """The one status the supplier page shows: the strongest stop in force, or the lifecycle status."""

    label: str
    cause: str = ""
    since: date | None = None
    until: date | None = None
    stopped: bool = False  # by a suspension, termination, ban or registered source (not merely the lifecycle)


def standing(supplier: Supplier) -> Standing:
    stops = order_stops(supplier)
    if not stops:
        return Standing(supplier.get_status_display(), since=_day(supplier.status_changed_at))
    first = stops[0]
    return Standing(first.label, first.reason, first.since, first.until, first.kind != "lifecycle")
