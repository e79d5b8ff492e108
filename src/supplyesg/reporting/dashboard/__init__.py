"""The reporting dashboard: KPI panels with charts and a year-over-year table, and data-quality flags.

`figures.compute` runs the queries (the expensive part); `lay_out` turns figures into panels and flags for the reader
(no queries but the policy settings). The page lays out the stored figures (`reporting.services.dashboard`);
`build` computes and lays out live, what a refresh stores and what the tests compare stored figures with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from supplyesg.core.models import PolicySettings
from supplyesg.reporting.dashboard.base import Line, Panel, Table
from supplyesg.reporting.dashboard.figures import compute
from supplyesg.reporting.dashboard.filters import DashboardFilterForm, Filters, country_name
from supplyesg.reporting.dashboard.panels import PANELS
from supplyesg.reporting.dashboard.quality import Flag, quality_flags

__all__ = [
    "Dashboard",
    "DashboardFilterForm",
    "Filters",
    "Flag",
    "Line",
    "Panel",
    "Table",
    "build",
    "compute",
    "country_name",
    "lay_out",
]


@dataclass
class Dashboard:
    filters: Filters
    panels: list[Panel]
    flags: list[Flag]

    def panel(self, key: str) -> Panel:
        return next(p for p in self.panels if p.key == key)


def lay_out(filters: Filters, figures: dict, policy: PolicySettings | None = None) -> Dashboard:
    """Panels and flags from figures `compute` returned (live, or as stored)."""
    policy = policy or PolicySettings.current()
    panels = [make(filters, figures, policy) for _key, make in PANELS]
    return Dashboard(filters, panels, quality_flags(filters, figures["quality"]))


def build(filters: Filters, today: date) -> Dashboard:
    """The dashboard computed live (every query runs)."""
    return lay_out(filters, compute(filters, today))
