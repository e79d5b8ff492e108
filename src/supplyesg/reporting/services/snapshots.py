"""Reporting periods, their definitions, and snapshots: the period's figures computed from the product's data and
frozen, so a published report reads the same (byte for byte) after the data changes."""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.rowwriter import RawJSON, insert_rows
from supplyesg.reporting.computations import REGISTRY, Result, Scope
from supplyesg.reporting.models import LineItem, ReportingPeriod, Snapshot, SnapshotFigure, SnapshotRow
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


FIGURE_FIELDS = ("code", "framework", "title", "title_zh", "unit", "public", "order", "value", "columns", "row_count",
                 "flags", "note")  # fmt: skip; with "rows" (SnapshotRow), the shape hashed
ROWS_CHUNK = 2000  # rows read or written per statement


class FigureHasher:
    """SHA-256 of the canonical JSON of a list of figures, fed one figure and then its rows one at a time, equal to
    `figures_hash(figures)` of the whole list: the figure's canonical text is split where its rows go (at a marker
    no value can hold), so no more than one row is serialised at once."""

    def __init__(self):
        self.digest = hashlib.sha256(b"[")
        self.figures = 0
        self._after_rows = b""

    def figure(self, figure: dict) -> None:
        """Start a figure (`rows` left out; they follow through `row`)."""
        marker = uuid.uuid4().hex
        before, after = _canonical({**figure, "rows": marker}).split(json.dumps(marker))
        self.digest.update((b"," if self.figures else b"") + before.encode("utf-8") + b"[")
        self._after_rows, self._rows = b"]" + after.encode("utf-8"), 0
        self.figures += 1

    def row(self, text: str) -> None:
        """One row of the current figure, as its canonical JSON text."""
        self.digest.update((b"," if self._rows else b"") + text.encode("utf-8"))
        self._rows += 1

    def end_figure(self) -> None:
        self.digest.update(self._after_rows)

    def hexdigest(self) -> str:
        done = self.digest.copy()
        done.update(b"]")
        return done.hexdigest()


def _rows_of(figure_id: int) -> Iterator[dict]:
    """A stored figure's rows in order, read ROWS_CHUNK at a time."""
    rows = SnapshotRow.objects.filter(figure_id=figure_id).order_by("position").values_list("data", flat=True)
    return rows.iterator(chunk_size=ROWS_CHUNK)


def stored_figures(snapshot: Snapshot, *, rows: bool = True) -> list[dict]:
    """A snapshot's figures in the same canonical shape they were hashed in. `rows=False` leaves out the rows behind
    them (`figure_rows` reads one figure's): at 100,000 suppliers a snapshot holds about 1.8 million rows, hundreds
    of megabytes that a page listing the figures does not show (bench/every_page.py)."""
    figures = []
    for pk, *values in snapshot.figures.order_by("order", "code").values_list("pk", *FIGURE_FIELDS):
        figure = dict(zip(FIGURE_FIELDS, values, strict=True))
        if rows:
            figure["rows"] = list(_rows_of(pk))
        figures.append(figure)
    return figures


def figure_rows(snapshot: Snapshot, code: str) -> list[dict]:
    """The frozen rows behind one figure of the snapshot."""
    return list(iter_figure_rows(snapshot, code))


def iter_figure_rows(snapshot: Snapshot, code: str) -> Iterator[dict]:
    """The frozen rows behind one figure, in order, read ROWS_CHUNK at a time (an output streaming them)."""
    figure_id = snapshot.figures.filter(code=code).values_list("pk", flat=True).first()
    return iter(()) if figure_id is None else _rows_of(figure_id)


class FrozenRows(Sequence):
    """A figure's frozen rows as a sequence a Paginator pages through: its length is the stored `row_count`, and a
    slice reads only the rows at those places, in one query on the (figure, position) index."""

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
        rows = SnapshotRow.objects.filter(figure_id=self.figure_id, position__gte=wanted[0], position__lte=wanted[-1])
        if step != 1:
            rows = rows.filter(position__in=list(wanted))
        return [row for row in rows.order_by("position").values_list("data", flat=True) if isinstance(row, dict)]


def verify_snapshot(snapshot: Snapshot, *, on_progress=None) -> bool:
    """True when the stored figures still hash to what was frozen (nothing altered them since). Hashed figure by
    figure and row by row over the same canonical text as `figures_hash` of them all, so no more than one chunk of
    rows is in memory at once. `on_progress(done)` is called after each figure."""
    hasher = FigureHasher()
    for n, (pk, *values) in enumerate(snapshot.figures.order_by("order", "code").values_list("pk", *FIGURE_FIELDS)):
        hasher.figure(dict(zip(FIGURE_FIELDS, values, strict=True)))
        for row in _rows_of(pk):
            hasher.row(_canonical(row))
        hasher.end_figure()
        if on_progress is not None:
            on_progress(n + 1)
    return hasher.hexdigest() == snapshot.figures_hash


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
    Each figure's rows are hashed and set aside in a temporary file as they come (their canonical JSON, a line
    each), so the process holds one figure's rows at a time, not the snapshot's 1.8 million at 100,000 suppliers;
    the freezing transaction then writes them from the file. Once frozen, the stored figures are read back and
    hashed (one more step per line item): the snapshot page shows that check's outcome and time without hashing on
    every view.
    """
    catalogue = require_catalogue()
    filters = clean_filters(filters)
    definitions = period.definitions()
    scope = scope_for(period, filters, definitions)
    items = sorted(catalogue.items.all(), key=lambda item: (item.order, item.code))
    total = 2 * len(items)
    hasher, figures = FigureHasher(), []
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="\n") as spill:
        for item in items:
            figure = _figure_json(item, compute(item, scope))
            rows = figure.pop("rows")
            hasher.figure(figure)
            for row in rows:
                text = _canonical(row)  # JSON escapes every line break inside a value: one line per row
                hasher.row(text)
                spill.write(text + "\n")
            hasher.end_figure()
            figures.append(figure)
            del rows
            if on_progress is not None:
                on_progress(len(figures), total)
        spill.seek(0)
        snapshot = _freeze(
            actor=actor, period=period, catalogue=catalogue, definitions=definitions, filters=filters, figures=figures,
            rows=spill, digest=hasher.hexdigest(), note=note,
        )  # fmt: skip
    matches = verify_snapshot(snapshot, on_progress=None if on_progress is None else lambda n: on_progress(len(items) + n, total))
    snapshot.hash_checked_at, snapshot.hash_matches = timezone.now(), matches
    Snapshot.objects.filter(pk=snapshot.pk).update(hash_checked_at=snapshot.hash_checked_at, hash_matches=matches)
    return snapshot


def write_figures(snapshot: Snapshot, figures: list[dict], rows=None) -> None:
    """Store a snapshot's figures (without `rows`) and the rows behind them, inside the caller's transaction.
    `rows`: the rows' canonical JSON texts, a line each, figure after figure in order (`row_count` lines for
    each); None takes each figure's own `rows` list instead."""
    stored = SnapshotFigure.objects.bulk_create(
        SnapshotFigure(snapshot=snapshot, **{k: v for k, v in figure.items() if k != "rows"}) for figure in figures
    )

    def frozen() -> Iterator[tuple]:
        for figure, row in zip(figures, stored, strict=True):
            if rows is None:
                for position, data in enumerate(figure.get("rows") or []):
                    yield row.pk, position, RawJSON(_canonical(data))
            else:
                for position in range(figure["row_count"]):
                    yield row.pk, position, RawJSON(next(rows).rstrip("\n"))

    insert_rows(SnapshotRow, ("figure", "position", "data"), frozen())


@transaction.atomic
def _freeze(*, actor, period, catalogue, definitions, filters, figures, rows, digest, note) -> Snapshot:
    number = (Snapshot.objects.select_for_update().filter(period=period).aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = Snapshot.objects.create(
        period=period,
        number=number,
        catalogue=catalogue,
        definitions=definitions,
        filters=filters,
        figures_hash=digest,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    write_figures(snapshot, figures, rows)
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
