"""The work inbox: what waits for this user today. Each app registers its kinds of work from `AppConfig.ready`.

A provider answers with a count and the newest items for one user, using its app's QuerySet vocabulary
(`.overdue(on)`, `.pending()`, ...). Core only gathers, sorts and filters; it imports nothing above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from supplyesg.core.access import Cap, can


class Section:
    REVIEW = "review"
    DECISION = "decision"
    OVERDUE = "overdue"

    LABELS = {REVIEW: _("Reviews waiting"), DECISION: _("Decisions due"), OVERDUE: _("Overdue")}


@dataclass
class InboxItem:
    title: str
    url: str
    when: datetime | date | None = None  # newest first
    detail: str = ""


@dataclass
class InboxKind:
    key: str  # e.g. "qualification_items"; the filter value
    label: str
    section: str  # Section.REVIEW | DECISION | OVERDUE
    # (user, today, limit) -> (count, newest items up to limit); two queries at most
    collect: Callable
    capability: str = Cap.VIEW
    list_url: str = ""  # the full list this kind comes from


@dataclass
class InboxGroup:
    kind: InboxKind
    count: int
    items: list[InboxItem] = field(default_factory=list)


_kinds: dict[str, InboxKind] = {}


def register(kind: InboxKind) -> None:
    _kinds[kind.key] = kind


def kinds_for(user) -> list[InboxKind]:
    if not (user and user.is_authenticated and user.is_internal):
        return []
    return [k for k in _kinds.values() if can(user, k.capability)]


def _sort_key(item: InboxItem):
    when = item.when
    if when is None:
        return ""
    return when.isoformat() if isinstance(when, datetime) else f"{when.isoformat()}T23:59:59"


def collect(user, today: date, *, limit: int = 20, only: str = "") -> list[InboxGroup]:
    """Every kind of work this user's role does, with counts; empty kinds included (their count is 0)."""
    groups = []
    for kind in kinds_for(user):
        if only and kind.key != only:
            continue
        count, items = kind.collect(user, today, limit)
        groups.append(InboxGroup(kind, count, list(items)))
    return groups


def newest_first(groups: list[InboxGroup]) -> list[tuple[InboxKind, InboxItem]]:
    rows = [(g.kind, item) for g in groups for item in g.items]
    rows.sort(key=lambda row: _sort_key(row[1]), reverse=True)
    return rows


def total(user, today: date) -> int:
    return sum(g.count for g in collect(user, today, limit=0))


def list_link(url_name: str, suffix: str = "") -> str:
    """A kind's full-list URL, resolved when shown (providers register before the URLconf loads)."""
    from django.urls import reverse
    from django.utils.functional import lazy

    return lazy(lambda: reverse(url_name) + suffix, str)()
