"""What a dashboard panel is: a chart, its numbers as a table of this year against the previous one (with the change),
an optional detail table, and notes. Plain data; the template lays it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import mark_safe

from supplyesg.reporting.charts import Chart, number


@dataclass(frozen=True)
class Line:
    """One figure in the year-over-year table. `shown` / `previous_shown` override the number (suppressed cells)."""

    label: str
    value: int | Decimal | None
    previous: int | Decimal | None
    suffix: str = ""  # "%" for percentages: the change is then in percentage points
    url: str = ""
    shown: str = ""
    previous_shown: str = ""

    @property
    def value_text(self) -> str:
        return self.shown or (number(self.value) + self.suffix if self.value is not None else "–")

    @property
    def previous_text(self) -> str:
        return self.previous_shown or (number(self.previous) + self.suffix if self.previous is not None else "–")

    @property
    def change(self) -> int | Decimal | None:
        if self.value is None or self.previous is None or self.shown or self.previous_shown:
            return None
        return self.value - self.previous

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "–"
        unit = " pp" if self.suffix == "%" else ""
        if change > 0:
            return f"+{number(change)}{unit}"
        if change < 0:
            return f"−{number(-change)}{unit}"
        return f"0{unit}"


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: list[tuple]  # first cell is the row header


@dataclass
class Panel:
    key: str
    title: str
    description: str
    chart: Chart | None
    lines: list[Line]
    detail: Table | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def svg(self) -> str:
        """The chart's markup for the page: reporting/charts.py escapes every text it draws."""
        return mark_safe(self.chart.svg) if self.chart is not None else ""

    def line(self, label: str) -> Line:
        """The line of that label (tests and the API read figures by label)."""
        return next(line for line in self.lines if line.label == label)
