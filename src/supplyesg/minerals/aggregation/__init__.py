"""Company-wide figures over the supplier declarations that count: the smelter list, the dashboard and
per-supplier minerals flags.

Everything here is set-based: each function runs a fixed number of queries whatever the number of
submissions, smelter rows or suppliers (no query per row). A declaration counts when it is the latest
accepted submission of its request ("the latest accepted declaration counts").
"""

from __future__ import annotations

from supplyesg.minerals.aggregation.base import (
    ACCEPTED,
    LAYOUTS,
    OK_STATUSES,
    POSITIVE_ANSWERS,
    RiskContext,
    _code,
    counted_submissions,
    metal_label,
    percent,
    question_key,
    requests_for,
)
from supplyesg.minerals.aggregation.dashboard import (
    STATUS_TONES,
    TONE_COLOURS,
    Bar,
    BarChart,
    DashboardFigures,
    Segment,
    build_figures,
    dashboard_figures,
)
from supplyesg.minerals.aggregation.export import smelters_workbook
from supplyesg.minerals.aggregation.flags import FLAG_LABELS, Flag, SupplierFlags, supplier_minerals_flags
from supplyesg.minerals.aggregation.smelters import (
    CONCERN_LABELS,
    SmelterSummary,
    UnresolvedName,
    company_smelters,
    unresolved_names,
)
from supplyesg.minerals.aggregation.stored import (
    RED_FLAGS_PER_PAGE,
    figures_changed,
    figures_deferred,
    fresh_snapshot,
    red_flag_countries,
    red_flag_page,
    refresh_dashboard,
    stored_derived,
    stored_figures,
    stored_snapshot,
)

__all__ = [
    "ACCEPTED",
    "Bar",
    "BarChart",
    "CONCERN_LABELS",
    "DashboardFigures",
    "FLAG_LABELS",
    "Flag",
    "LAYOUTS",
    "OK_STATUSES",
    "POSITIVE_ANSWERS",
    "RED_FLAGS_PER_PAGE",
    "RiskContext",
    "STATUS_TONES",
    "Segment",
    "SmelterSummary",
    "SupplierFlags",
    "TONE_COLOURS",
    "UnresolvedName",
    "_code",
    "build_figures",
    "company_smelters",
    "counted_submissions",
    "dashboard_figures",
    "figures_changed",
    "figures_deferred",
    "metal_label",
    "percent",
    "question_key",
    "red_flag_page",
    "refresh_dashboard",
    "requests_for",
    "smelters_workbook",
    "red_flag_countries",
    "stored_figures",
    "stored_snapshot",
    "stored_derived",
    "fresh_snapshot",
    "supplier_minerals_flags",
    "unresolved_names",
]
