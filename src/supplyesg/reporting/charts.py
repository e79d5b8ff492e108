"""Charts of the reporting dashboard as inline SVG text: horizontal and vertical bars, stacked bars and a 100 % bar.

Plain Python on purpose (no Django import): the geometry is tested without a database, and the page only places the
returned markup. Every text is escaped here. Each chart is `role="img"` with a title and a description the caller
gives (the page puts the same numbers in a table next to it); each bar and segment has its own `<title>`.

Series read in greyscale too: the fills step through clearly different lightness and every series after the first
carries a pattern (stripes, dots, cross-hatch), and the legend repeats the pattern. The drawing is sized by its
`viewBox` and scales to the width of its box (100 % wide, so it fits a 390 px phone); long labels are shortened with
an ellipsis, the whole label staying in the bar's `<title>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

# Dark to light, so neighbours differ in greyscale as well as in hue (Okabe-Ito-like, colour-blind safe).
FILLS = ("#1f4e79", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#555555")
# Pattern per series index ("" = solid); drawn white over the fill.
PATTERNS = ("", "stripes", "dots", "cross", "stripes-back", "grid", "")
LABEL_CHARS = 24
WIDTH = 480
ROW = 26
BAR = 16
LABEL_WIDTH = 170
VALUE_ROOM = 56


@dataclass(frozen=True)
class Chart:
    """What a chart drew: the SVG markup plus the numbers behind each bar, for tests and the table beside it."""

    svg: str
    lengths: tuple[float, ...]  # bar (or segment) lengths in drawing units, in drawing order
    width: int
    height: int


def _text(value) -> str:
    return escape(str(value), quote=True)


def short(label: str, limit: int = LABEL_CHARS) -> str:
    """The label cut to `limit` characters with an ellipsis (CJK characters count double: they are wider)."""
    label = str(label)
    size = 0
    for index, char in enumerate(label):
        size += 2 if ord(char) >= 0x2E80 else 1
        if size > limit:
            return label[: max(index - 1, 1)] + "…"
    return label


def number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _length(value, top, span) -> float:
    if not value or not top or value <= 0:
        return 0.0
    return round(span * float(value) / float(top), 1)


def _defs(key: str, count: int) -> str:
    """One <pattern> per patterned series, ids prefixed by the chart's key so several charts share a page."""
    out = []
    for index in range(count):
        kind = PATTERNS[index % len(PATTERNS)]
        fill = FILLS[index % len(FILLS)]
        if not kind:
            continue
        pid = f"{key}-p{index}"
        marks = {
            "stripes": '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
            "stripes-back": '<path d="M0,0 L8,8" stroke="#fff" stroke-width="2"/>',
            "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
            "cross": '<path d="M0,8 L8,0 M0,0 L8,8" stroke="#fff" stroke-width="1.2"/>',
            "grid": '<path d="M4,0 V8 M0,4 H8" stroke="#fff" stroke-width="1.2"/>',
        }[kind]
        out.append(
            f'<pattern id="{_text(pid)}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{fill}"/>{marks}</pattern>'
        )
    return f"<defs>{''.join(out)}</defs>" if out else ""


def _paint(key: str, index: int) -> str:
    return f"url(#{key}-p{index})" if PATTERNS[index % len(PATTERNS)] else FILLS[index % len(FILLS)]


def _open(key: str, title: str, description: str, width: int, height: int) -> str:
    return (
        f'<svg class="report-chart" role="img" aria-labelledby="{_text(key)}-t {_text(key)}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{_text(key)}-t">{_text(title)}</title><desc id="{_text(key)}-d">{_text(description)}</desc>'
    )


def hbar(key: str, title: str, description: str, rows: list[tuple[str, object]], *, suffix: str = "") -> Chart:
    """Horizontal bars, one per (label, value); lengths proportional to the largest value (none when all are 0)."""
    top = max((float(v) for _, v in rows if v), default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = max(len(rows), 1) * ROW + 4
    parts, lengths = [_open(key, title, description, WIDTH, height), _defs(key, 1)], []
    for index, (label, value) in enumerate(rows):
        y = 2 + index * ROW
        length = _length(value, top, span)
        lengths.append(length)
        shown = number(value) + (suffix if value is not None else "")
        parts.append(
            f"<g><title>{_text(label)}: {_text(shown)}</title>"
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 4}" text-anchor="end" class="chart-label">{_text(short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" fill="{_paint(key, 0)}"/>'
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR - 4}" class="chart-value">{_text(shown)}</text></g>'
        )
    parts.append("</svg>")
    return Chart("".join(parts), tuple(lengths), WIDTH, height)


def vbar(key: str, title: str, description: str, rows: list[tuple[str, object]], *, suffix: str = "") -> Chart:
    """Vertical columns, one per (label, value), over a baseline; labels under the columns (short ones: grades, years)."""
    plot_height, top_room, bottom_room = 120, 18, 22
    height = plot_height + top_room + bottom_room
    slot = WIDTH / max(len(rows), 1)
    column = min(56.0, slot * 0.6)
    top = max((float(v) for _, v in rows if v), default=0)
    baseline = top_room + plot_height
    parts, lengths = [_open(key, title, description, WIDTH, height), _defs(key, 1)], []
    for index, (label, value) in enumerate(rows):
        length = _length(value, top, plot_height)
        lengths.append(length)
        x = round(index * slot + (slot - column) / 2, 1)
        middle = round(index * slot + slot / 2, 1)
        shown = number(value) + (suffix if value is not None else "")
        top_y = round(baseline - length, 1)
        parts.append(
            f"<g><title>{_text(label)}: {_text(shown)}</title>"
            f'<rect x="{x}" y="{top_y}" width="{round(column, 1)}" height="{length}" fill="{_paint(key, 0)}"/>'
            f'<text x="{middle}" y="{top_y - 4}" text-anchor="middle" class="chart-value">{_text(shown)}</text>'
            f'<text x="{middle}" y="{height - 6}" text-anchor="middle" class="chart-label">{_text(short(label, 12))}</text></g>'
        )
    parts.append(f'<line x1="0" y1="{baseline}" x2="{WIDTH}" y2="{baseline}" stroke="#555" stroke-width="1"/></svg>')
    return Chart("".join(parts), tuple(lengths), WIDTH, height)


def _legend(key: str, series: list[str], y: int) -> tuple[str, int]:
    """Legend entries wrapped onto lines that fit the width; returns the markup and the height used."""
    parts, x, line = [], 0.0, 0
    for index, name in enumerate(series):
        label = short(name, 30)
        room = 22 + sum(12 if ord(c) >= 0x2E80 else 7 for c in label)
        if x and x + room > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * 20
        parts.append(
            f'<rect x="{round(x, 1)}" y="{top}" width="14" height="14" fill="{_paint(key, index)}" '
            'stroke="#333" stroke-width=".5"/>'
            f'<text x="{round(x + 18, 1)}" y="{top + 11}" class="chart-label">{_text(label)}</text>'
        )
        x += room + 10
    return "".join(parts), (line + 1) * 20 if series else 0


def stacked(
    key: str, title: str, description: str, series: list[str], bars: list[tuple[str, list[object]]], *, percent: bool = False
) -> Chart:
    """Horizontal stacked bars: each bar is (label, [value per series]). Lengths are proportional to the largest bar
    total, or with `percent=True` every non-empty bar fills the width (a 100 % bar: shares of its own total)."""
    totals = [sum(float(v or 0) for v in values) for _, values in bars]
    top = max(totals, default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    body = max(len(bars), 1) * ROW + 6
    legend, legend_height = _legend(key, series, body)
    height = body + legend_height + 4
    parts, lengths = [_open(key, title, description, WIDTH, height), _defs(key, len(series))], []
    for index, ((label, values), total) in enumerate(zip(bars, totals, strict=True)):
        y = 2 + index * ROW
        x = float(LABEL_WIDTH)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 4}" text-anchor="end" class="chart-label">'
            f"<title>{_text(label)}</title>{_text(short(label))}</text>"
        )
        for position, value in enumerate(values):
            length = _length(value, total if percent else top, span)
            lengths.append(length)
            if not length:
                continue
            share = f" ({number(round(Decimal(str(value)) * 100 / Decimal(str(total)), 1))} %)" if total else ""
            parts.append(
                f'<rect x="{round(x, 1)}" y="{y}" width="{length}" height="{BAR}" fill="{_paint(key, position)}" '
                f'stroke="#fff" stroke-width=".5"><title>{_text(label)} · {_text(series[position])}: '
                f"{_text(number(value))}{_text(share)}</title></rect>"
            )
            x += length
        shown = number(int(total) if total == int(total) else total)
        parts.append(f'<text x="{round(x + 4, 1)}" y="{y + BAR - 4}" class="chart-value">{_text(shown)}</text>')
    parts.append(legend)
    parts.append("</svg>")
    return Chart("".join(parts), tuple(lengths), WIDTH, height)


def share_bar(key: str, title: str, description: str, parts: list[tuple[str, object]]) -> Chart:
    """One 100 % bar of the parts of a whole (e.g. smelters conformant / active / not engaged)."""
    return stacked(key, title, description, [label for label, _ in parts], [("", [value for _, value in parts])], percent=True)
