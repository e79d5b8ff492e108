"""Reporting periods, their definitions, and snapshots: the period's figures computed from the product's data and
frozen, so a published report reads the same (byte for byte) after the data changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.reporting.computations import REGISTRY, Result, Scope
from supplyesg.reporting.models import LineItem, ReportingPeriod, Snapshot, SnapshotFigure
from supplyesg.reporting.services.catalogue import current_catalogue

# What an explicit definition starts as in the first period (product defaults; the user changes them per period).
DEFAULT_DEFINITIONS = {
    "screening_sources": ["admission", "questionnaire", "audit"],
    "impact_sources": ["finding", "risk_high"],
    "impact_min_severity": "major",
    "termination_reasons": [],
}
FILTER_KEYS = ("tiers", "countries", "categories")


@transaction.atomic
def create_period(*, actor, year: int, entity: str = "") -> ReportingPeriod:
    """A new reporting year; its definitions start from the latest earlier period's, or the product defaults."""
    if ReportingPeriod.objects.filter(year=year).exists():
        raise ValidationError({"year": _("A reporting period for %(year)s exists already.") % {"year": year}})
    previous = ReportingPeriod.objects.filter(year__lt=year).order_by("-year").first()
    period = ReportingPeriod(year=year, start=date(year, 1, 1), end=date(year, 12, 31), entity=entity)
    if previous is not None:
        for name in (
            "new_supplier_basis",
            "screening_sources",
            "impact_sources",
            "impact_min_severity",
            "termination_reasons",
            "standard_payment_days",
        ):
            setattr(period, name, getattr(previous, name))
        period.entity = entity or previous.entity
    else:
        for name, value in DEFAULT_DEFINITIONS.items():
            setattr(period, name, list(value) if isinstance(value, list) else value)
    period.full_clean()
    period.save()
    audit.record(actor=actor, action="reporting.period_created", target=period, changes=period.definitions())
    return period


@transaction.atomic
def change_definitions(*, actor, period: ReportingPeriod, **values) -> ReportingPeriod:
    before = period.definitions()
    for name, value in values.items():
        if name not in before and name not in ("entity", "start", "end"):
            raise ValidationError({name: _("Not a definition of the period.")})
        setattr(period, name, value)
    period.full_clean()
    period.save()
    after = period.definitions()
    audit.record(
        actor=actor,
        action="reporting.definitions_changed",
        target=period,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return period


def scope_for(period: ReportingPeriod, filters: dict | None = None, definitions: dict | None = None) -> Scope:
    filters = clean_filters(filters)
    return Scope(
        year=period.year,
        start=period.start,
        end=period.end,
        definitions=definitions if definitions is not None else period.definitions(),
        tiers=tuple(filters.get("tiers", ())),
        countries=tuple(filters.get("countries", ())),
        categories=tuple(filters.get("categories", ())),
    )


def clean_filters(filters: dict | None) -> dict:
    """Only the known filter keys, sorted, without empties: equal filters give equal snapshots."""
    out = {}
    for key in FILTER_KEYS:
        values = (filters or {}).get(key) or []
        values = sorted({int(v) if key == "tiers" else str(v) for v in values})
        if values:
            out[key] = values
    return out


def compute(item: LineItem, scope: Scope) -> Result:
    return REGISTRY[item.computation](scope.with_item(item.params, item.scope))


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def figures_hash(figures: list[dict]) -> str:
    """SHA-256 of the figures' canonical JSON (sorted keys, no spaces): equal figures, equal hash."""
    return hashlib.sha256(_canonical(figures).encode("utf-8")).hexdigest()


def _figure_json(item: LineItem, result: Result) -> dict:
    rows = [row.as_json() for row in result.rows]
    return {
        "code": item.code,
        "framework": item.framework,
        "title": item.title,
        "title_zh": item.title_zh,
        "unit": item.unit,
        "public": item.public,
        "order": item.order,
        "value": result.value_json(),
        "columns": list(result.columns),
        "rows": rows,
        "row_count": len(rows),
        "flags": list(result.flags),
        "note": result.note,
    }


FIGURE_FIELDS = ("code", "framework", "title", "title_zh", "unit", "public", "order", "value", "columns", "rows",
                 "row_count", "flags", "note")  # fmt: skip


def stored_figures(snapshot: Snapshot, *, rows: bool = True) -> list[dict]:
    """A snapshot's figures in the same canonical shape they were hashed in. `rows=False` leaves out the rows behind
    them (`figure_rows` reads one figure's): at 100,000 suppliers a snapshot holds about 1.8 million rows, hundreds
    of megabytes that a page listing the figures does not show (bench/every_page.py)."""
    fields = FIGURE_FIELDS if rows else tuple(f for f in FIGURE_FIELDS if f != "rows")
    return [dict(zip(fields, values, strict=True)) for values in snapshot.figures.order_by("order", "code").values_list(*fields)]


def figure_rows(snapshot: Snapshot, code: str) -> list[dict]:
    """The frozen rows behind one figure of the snapshot."""
    return snapshot.figures.filter(code=code).values_list("rows", flat=True).first() or []


class FrozenRows(Sequence):
    """A figure's frozen rows as a sequence a Paginator pages through: its length is the stored `row_count`, and a
    slice reads only those elements of the JSON array, each by index in one query (`rows -> 120` on PostgreSQL,
    `$[120]` on SQLite). Reading the whole array to show 50 rows decoded up to 353,512 of them at 100,000
    suppliers (bench/every_page.py)."""

    def __init__(self, figure: SnapshotFigure):
        self.figure_id, self.length = figure.pk, figure.row_count

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1] if index >= 0 else self[self.length + index : self.length + index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(self.length)
        wanted = range(start, stop, step)
        if not wanted:
            return []
        values = SnapshotFigure.objects.filter(pk=self.figure_id).values_list(*(f"rows__{n}" for n in wanted)).first()
        return [row for row in values or () if isinstance(row, dict)]


def verify_snapshot(snapshot: Snapshot, *, on_progress=None) -> bool:
    """True when the stored figures still hash to what was frozen (nothing altered them since). The canonical JSON
    of the list is hashed one figure at a time (the same text as `figures_hash` of them all), so no more than one
    figure's rows are in memory at once. `on_progress(done)` is called after each figure."""
    digest = hashlib.sha256(b"[")
    figures = snapshot.figures.order_by("order", "code").values_list(*FIGURE_FIELDS)
    for n, values in enumerate(figures.iterator(chunk_size=1)):
        digest.update((b"," if n else b"") + _canonical(dict(zip(FIGURE_FIELDS, values, strict=True))).encode("utf-8"))
        if on_progress is not None:
            on_progress(n + 1)
    digest.update(b"]")
    return digest.hexdigest() == snapshot.figures_hash


def check_snapshot(*, actor, snapshot: Snapshot, on_progress=None) -> bool:
    """Hash the stored figures again and keep the outcome and its time on the snapshot, audited. The reading runs
    outside a transaction (about 20 s at 100,000 suppliers, in the worker); only the outcome is written."""
    matches = verify_snapshot(snapshot, on_progress=on_progress)
    _record_check(actor=actor, snapshot=snapshot, matches=matches)
    return matches


@transaction.atomic
def _record_check(*, actor, snapshot: Snapshot, matches: bool) -> None:
    snapshot.hash_checked_at, snapshot.hash_matches = timezone.now(), matches
    Snapshot.objects.filter(pk=snapshot.pk).update(hash_checked_at=snapshot.hash_checked_at, hash_matches=matches)
    audit.record(
        actor=actor,
        action="reporting.snapshot_checked",
        target=snapshot,
        changes={"hash": snapshot.figures_hash, "matches": matches},
    )


def require_catalogue():
    catalogue = current_catalogue()
    if catalogue is None:
        raise ValidationError(_("No disclosure catalogue is loaded: run supplyesg load_disclosure_catalogue."))
    return catalogue


def take_snapshot(*, actor, period: ReportingPeriod, filters: dict | None = None, note: str = "", on_progress=None) -> Snapshot:
    """Compute every line item of the current catalogue over the period and freeze the results.

    The computations only read, so they run before the writing transaction: `on_progress(done, total)` is called
    after each line item and a background job's progress is visible to pollers while the snapshot is computed.
    Once frozen, the stored figures are read back and hashed (one more step per line item): the snapshot page shows
    that check's outcome and time without hashing on every view.
    """
    catalogue = require_catalogue()
    filters = clean_filters(filters)
    definitions = period.definitions()
    scope = scope_for(period, filters, definitions)
    items = list(catalogue.items.order_by("order", "code"))
    total = 2 * len(items)
    figures = []
    for item in items:
        figures.append(_figure_json(item, compute(item, scope)))
        if on_progress is not None:
            on_progress(len(figures), total)
    figures.sort(key=lambda f: (f["order"], f["code"]))
    snapshot = _freeze(
        actor=actor, period=period, catalogue=catalogue, definitions=definitions, filters=filters, figures=figures, note=note
    )
    del figures  # up to 1.8 million rows at 100,000 suppliers; the check reads them back one figure at a time
    matches = verify_snapshot(snapshot, on_progress=None if on_progress is None else lambda n: on_progress(len(items) + n, total))
    snapshot.hash_checked_at, snapshot.hash_matches = timezone.now(), matches
    Snapshot.objects.filter(pk=snapshot.pk).update(hash_checked_at=snapshot.hash_checked_at, hash_matches=matches)
    return snapshot


@transaction.atomic
def _freeze(*, actor, period, catalogue, definitions, filters, figures, note) -> Snapshot:
    number = (Snapshot.objects.select_for_update().filter(period=period).aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = Snapshot.objects.create(
        period=period,
        number=number,
        catalogue=catalogue,
        definitions=definitions,
        filters=filters,
        figures_hash=figures_hash(figures),
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    SnapshotFigure.objects.bulk_create(SnapshotFigure(snapshot=snapshot, **figure) for figure in figures)
    audit.record(
        actor=actor,
        action="reporting.snapshot_taken",
        target=snapshot,
        changes={"figures": len(figures), "hash": snapshot.figures_hash, "filters": filters},
    )
    return snapshot


def publish_snapshot(*, actor, snapshot: Snapshot, on_progress=None) -> Snapshot:
    """Publish a draft after hashing its stored figures once more, under the snapshot's lock. The check's outcome is
    kept on the snapshot either way (a refused publication leaves the failed check visible on its page)."""
    try:
        return _publish(actor=actor, snapshot=snapshot, on_progress=on_progress)
    except _HashMismatch:
        _record_check(actor=actor, snapshot=snapshot, matches=False)
        raise ValidationError(_("The snapshot's figures no longer match their hash; take a new snapshot.")) from None


class _HashMismatch(Exception):
    pass


@transaction.atomic
def _publish(*, actor, snapshot: Snapshot, on_progress) -> Snapshot:
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.status == Snapshot.Status.PUBLISHED:
        raise ValidationError(_("This snapshot is published already."))
    if not verify_snapshot(snapshot, on_progress=on_progress):
        raise _HashMismatch
    snapshot.status = Snapshot.Status.PUBLISHED
    snapshot.published_at = snapshot.hash_checked_at = timezone.now()
    snapshot.hash_matches = True
    snapshot.published_by = actor
    snapshot.save(update_fields=["status", "published_at", "published_by", "hash_checked_at", "hash_matches"])
    audit.record(actor=actor, action="reporting.snapshot_published", target=snapshot, changes={"hash": snapshot.figures_hash})
    return snapshot


def previous_snapshot(snapshot: Snapshot) -> Snapshot | None:
    """The snapshot a year-over-year column compares with: the previous period's latest published snapshot, else its
    latest snapshot (None when there is no previous period or it has no snapshot)."""
    previous = ReportingPeriod.objects.filter(year__lt=snapshot.period.year).order_by("-year").first()
    if previous is None:
        return None
    same_year = Snapshot.objects.filter(period=previous).select_related("period")
    return same_year.filter(status=Snapshot.Status.PUBLISHED).order_by("-number").first() or same_year.order_by("-number").first()
