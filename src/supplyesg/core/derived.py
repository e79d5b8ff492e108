"""Figures an app derives from other apps' data and stores (the reporting dashboard): told, once after a commit,
that something they are computed from changed, so they can mark themselves stale and queue their refresh.

Why here: the apps are layered (core < suppliers < domain apps < reporting), so a lower app's service cannot call
the reporting app. Every important write already records an audit event (`core.audit.record`), which names its
action ("risk.recomputed", "grievance.closed"); `record` hands each action to `changed`, and an app registers, from
`AppConfig.ready`, the action prefixes its stored figures depend on. A write that is not audited but changes such
data (the worker refreshing the minerals dashboard's stored figures) calls `changed` itself with a name of its own.

Cost to the writer: a prefix test per event and one commit callback; the callback runs each interested app's
`on_change` once per commit, outside the writer's transaction (no lock held on the stored figures while the writer
works), and a failing `on_change` is logged, never turned into an error for a write that has already committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Dependent:
    name: str  # e.g. "reporting.dashboard"
    prefixes: tuple[str, ...]  # actions that change its figures: "risk." matches "risk.recomputed"
    on_change: Callable[[], None]  # runs once after the commit; cheap (mark stale in one query, queue the refresh)
    ignored: tuple[str, ...] = ()  # action endings that change nothing it counts, e.g. ".reminded"


_dependents: dict[str, Dependent] = {}
_pending = threading.local()


def register(name: str, prefixes, on_change: Callable[[], None], *, ignored=()) -> None:
    _dependents[name] = Dependent(name, tuple(prefixes), on_change, tuple(ignored))


def dependents_of(action: str) -> list[str]:
    return [d.name for d in _dependents.values() if action.startswith(d.prefixes) and not action.endswith(d.ignored)]


def changed(action: str) -> None:
    """Data named by `action` changed in the current transaction: its dependents hear of it after the commit (at
    once outside a transaction; never when it rolls back, though a later commit in the same thread may then tell
    them once more, which only costs a refresh)."""
    names = dependents_of(action)
    if not names:
        return
    pending = getattr(_pending, "names", None)
    if pending is None:
        pending = _pending.names = set()
    pending.update(names)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    names, _pending.names = getattr(_pending, "names", None) or set(), set()
    for name in sorted(names):
        dependent = _dependents.get(name)
        if dependent is not None:
            dependent.on_change()
