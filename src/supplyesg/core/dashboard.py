"""The home dashboard: each app contributes panels from its `AppConfig.ready`; core lays them out.

A panel is a template and a function building its context. Figures link to the filtered list they count.
Charts are built with `bar_chart()` / `trend_chart()` and drawn by `core/_bar_chart.html` /
`core/_trend_chart.html` as SVG with role="img", a title, a description and a table fallback.
"""

from collections.abc import Callable
from dataclasses import dataclass

from supplyesg.core.access import Cap, can


@dataclass
class DashboardPanel:
    key: str
    template: str
    context: Callable  # (request, today) -> dict for the template
    capability: str = Cap.VIEW
    order: int = 100


_panels: dict[str, DashboardPanel] = {}


def register(panel: DashboardPanel) -> None:
    _panels[panel.key] = panel


def panels_for(user) -> list[DashboardPanel]:
    return sorted((p for p in _panels.values() if can(user, p.capability)), key=lambda p: (p.order, p.key))


def panel_for(user, key: str) -> DashboardPanel | None:
    """The panel `key` when the user may see it."""
    panel = _panels.get(key)
    return panel if panel is not None and can(user, panel.capability) else None


BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 22, 8, 170, 480


def bar_chart(key: str, title: str, description: str, rows: list[dict]) -> dict:
    """rows: [{"label", "value", "url"}]; adds the geometry the SVG template needs."""
    top = max([r["value"] for r in rows] + [1])
    span = CHART_WIDTH - LABEL_WIDTH - 50
    out = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        width = round(span * row["value"] / top, 1) if row["value"] else 0
        out.append({**row, "y": y, "text_y": y + BAR_HEIGHT * 0.7, "width": width, "value_x": LABEL_WIDTH + width + 6})
    return {
        "key": key,
        "title": title,
        "description": description,
        "rows": out,
        "total": sum(r["value"] for r in rows),
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 480, 160, 30


def trend_chart(key: str, title: str, description: str, periods: list[str], series: list[dict]) -> dict:
    """series: [{"label", "values": [number per period], "css": class}] drawn as polylines over the periods."""
    top = max([v for s in series for v in s["values"]] + [1])
    step = (TREND_WIDTH - 2 * TREND_PAD) / max(len(periods) - 1, 1)
    inner = TREND_HEIGHT - 2 * TREND_PAD
    xs = [round(TREND_PAD + i * step, 1) for i in range(len(periods))]
    drawn = []
    for s in series:
        points = [(x, round(TREND_PAD + inner - inner * v / top, 1)) for x, v in zip(xs, s["values"], strict=False)]
        drawn.append({**s, "points": " ".join(f"{x},{y}" for x, y in points), "dots": points})
    table = [{"period": p, "values": [s["values"][i] for s in series]} for i, p in enumerate(periods)]
    return {
        "key": key,
        "title": title,
        "description": description,
        "periods": [{"label": p, "x": x} for p, x in zip(periods, xs, strict=False)],
        "series": drawn,
        "table": table,
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "axis_y": TREND_HEIGHT - 8,
    }
