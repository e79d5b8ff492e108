"""The reporting dashboard: live KPI panels with charts and a year-over-year table, and data-quality flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from supplyesg.reporting.dashboard.base import Line, Panel, Table
from supplyesg.reporting.dashboard.filters import DashboardFilterForm, Filters, country_name
from supplyesg.reporting.dashboard.panels import PANELS
from supplyesg.reporting.dashboard.quality import Flag, quality_flags

__all__ = ["Dashboard", "DashboardFilterForm", "Filters", "Flag", "Line", "Panel", "Table", "build", "country_name"]


@dataclass
class Dashboard:
    filters: Filters
    panels: list[Panel]
    flags: list[Flag]

    def panel(self, key: str) -> Panel:
        return next(p for p in self.panels if p.key == key)


def build(filters: Filters, today: date) -> Dashboard:
    return Dashboard(filters, [make(filters, today) for make in PANELS], quality_flags(filters, today))
