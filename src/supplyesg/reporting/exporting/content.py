"""What every output of a snapshot shows, prepared once from its stored figures: the figures (suppressed for a
public output), values as text, titles in the reader's language, the definitions and filters, the period's
management reviews."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core.models import PolicySettings
from supplyesg.reporting.models import Framework, Snapshot, Unit
from supplyesg.reporting.services.reviews import reviews_for_export
from supplyesg.reporting.services.snapshots import figure_rows, iter_figure_rows, stored_figures

# The columns of a frozen row that name a supplier (suppliers.supplier rows name one in every text cell).
SUPPLIER_COLUMNS = ("Supplier", "Supplier code", "Supplier name")
SUPPLIER_KIND = "suppliers.supplier"
WITHHELD = gettext_lazy("[withheld]")
PROGRESS_ROWS = 5000  # a prepared output's progress moves every this many rows listed

# How each definition is labelled in the outputs (the period form shows the same words).
DEFINITION_LABELS = {
    "new_supplier_basis": gettext_lazy("A new supplier is one"),
    "screening_sources": gettext_lazy("A supplier is screened when it has"),
    "impact_sources": gettext_lazy("A significant negative impact is"),
    "impact_min_severity": gettext_lazy("Minimum finding severity"),
    "termination_reasons": gettext_lazy("A termination counts as 'because of the assessment' when its reason is"),
    "standard_payment_days": gettext_lazy("Standard payment terms (days)"),
    "late_payment_proceedings": gettext_lazy("Outstanding legal proceedings for late payment"),
}
FILTER_LABELS = {
    "tiers": gettext_lazy("Tiers"),
    "countries": gettext_lazy("Countries"),
    "categories": gettext_lazy("Categories"),
}


@dataclass
class Report:
    snapshot: Snapshot
    language: str
    public: bool
    figures: list[dict]
    reviews: list[dict] = field(default_factory=list)
    on_progress: Callable[[int, int], None] | None = None  # (rows read, rows the output lists)
    rows_read: int = 0

    @property
    def chinese(self) -> bool:
        return self.language.lower().startswith("zh")

    def rows_of(self, figure: dict) -> Iterable[dict]:
        """The frozen rows behind a figure, read in order a chunk at a time when an output lists them (never in a
        public output); `on_progress(rows read, rows listed)` hears of them every PROGRESS_ROWS rows."""
        if self.public or not figure.get("row_count"):
            return []
        return self._counted(iter_figure_rows(self.snapshot, figure["code"]))

    def listed_rows(self) -> int:
        return 0 if self.public else sum(figure.get("row_count") or 0 for figure in self.figures)

    def _counted(self, rows: Iterator[dict]) -> Iterator[dict]:
        for row in rows:
            self.rows_read += 1
            if self.on_progress is not None and self.rows_read % PROGRESS_ROWS == 0:
                self.on_progress(self.rows_read, self.listed_rows())
            yield row

    def title_of(self, figure: dict) -> str:
        return figure["title_zh"] if self.chinese and figure.get("title_zh") else figure["title"]

    def frameworks(self) -> list[tuple[str, str, list[dict]]]:
        """(framework code, label, figures) in catalogue order, frameworks in the order they first appear."""
        groups: dict[str, list[dict]] = {}
        for figure in self.figures:
            groups.setdefault(figure["framework"], []).append(figure)
        return [(code, framework_label(code), items) for code, items in groups.items()]

    def definitions(self) -> list[tuple[str, str]]:
        rows = [(str(DEFINITION_LABELS.get(k, k)), as_text(v)) for k, v in sorted(self.snapshot.definitions.items())]
        filters = self.snapshot.filters or {}
        for key, label in FILTER_LABELS.items():
            rows.append((str(label), as_text(filters.get(key)) if filters.get(key) else _("all")))
        return rows


def framework_label(code: str) -> str:
    try:
        return str(Framework(code).label)
    except ValueError:
        return code


def unit_label(code: str) -> str:
    try:
        return str(Unit(code).label)
    except ValueError:
        return code


def as_text(value) -> str:
    """A frozen value as the reader sees it: a breakdown as "label: n; label: n", a list comma-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {as_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(as_text(v) for v in value)
    return str(value)


def as_number(value):
    """A frozen scalar as a spreadsheet number (decimals were frozen as strings), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def report(snapshot: Snapshot, *, language: str, public: bool = False, on_progress=None) -> Report:
    """The figures without the rows behind them (`Report.rows_of` reads one figure's when an output lists them)."""
    figures = stored_figures(snapshot, rows=False)
    if public:
        names = set()
        for figure in figures:  # one figure's rows in memory at a time
            if figure["row_count"]:
                names |= supplier_names([{**figure, "rows": figure_rows(snapshot, figure["code"])}])
        figures = suppress(figures, min_cell=PolicySettings.current().report_public_min_cell, names=names)
    return Report(
        snapshot=snapshot,
        language=language,
        public=public,
        figures=figures,
        reviews=reviews_for_export(snapshot.period),
        on_progress=on_progress,
    )


def supplier_names(figures: list[dict]) -> set[str]:
    """Every supplier name and code the frozen rows carry (so a public output withholds them wherever they appear)."""
    names = set()
    for figure in figures:
        columns = list(figure.get("columns") or [])
        wanted = [n for n, c in enumerate(columns) if c in SUPPLIER_COLUMNS]
        for row in figure.get("rows") or []:
            cells = row.get("cells") or []
            picks = range(len(cells)) if row.get("kind") == SUPPLIER_KIND and not wanted else wanted
            for n in picks:
                if n < len(cells) and isinstance(cells[n], str) and len(cells[n].strip()) >= 3:
                    names.add(cells[n].strip())
    return names


def _redact(text: str, names: set[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        if name in text:
            text = text.replace(name, str(WITHHELD))
    return text


def _small_cells(value, min_cell: int):
    """A breakdown with every count below `min_cell` shown as "<min_cell" (a count a reader could trace to a few)."""
    if isinstance(value, dict):
        return {k: _small_cells(v, min_cell) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < min_cell:
        return f"<{min_cell}"
    return value


def suppress(figures: list[dict], *, min_cell: int, names: set[str] | None = None) -> list[dict]:
    """The figures a public output may show: only public line items, no rows behind them, no supplier named in a
    value, breakdown label, flag or note, and breakdown counts below `min_cell` as "<min_cell". `names`: the
    suppliers the rows name, when the figures come without their rows."""
    names = supplier_names(figures) if names is None else names
    out = []
    for figure in figures:
        if not figure.get("public", True):
            continue
        figure = copy.deepcopy(figure)
        value = figure["value"]
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if not any(name in str(k) for name in names)}
            value = _small_cells(value, min_cell)
        elif isinstance(value, str):
            value = _redact(value, names)
        figure["value"] = value
        figure["rows"], figure["row_count"], figure["columns"] = [], 0, []
        figure["flags"] = [_redact(str(flag), names) for flag in figure.get("flags") or []]
        figure["note"] = _redact(figure.get("note") or "", names)
        out.append(figure)
    return out
