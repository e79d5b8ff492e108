"""Everything the minerals dashboard shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext as _

from supplyesg.minerals.aggregation.base import ACCEPTED, RiskContext, metal_label, percent, requests_for
from supplyesg.minerals.aggregation.flags import SupplierFlags, _merge, _request_flags
from supplyesg.minerals.aggregation.smelters import SmelterSummary, UnresolvedName, company_smelters, unresolved_names
from supplyesg.minerals.models import (
    Submission,
    SubmissionRequest,
)

# ---------------------------------------------------------------- dashboard

STATUS_TONES = {
    SubmissionRequest.Status.NOT_REQUESTED: "muted",
    SubmissionRequest.Status.REQUESTED: "brand",
    SubmissionRequest.Status.RECEIVED_ERRORS: "bad",
    SubmissionRequest.Status.RECEIVED_VALID: "active",
    SubmissionRequest.Status.ACCEPTED: "good",
    SubmissionRequest.Status.RETURNED: "warn",
}
TONE_COLOURS = {
    "good": "#067647",
    "active": "#4c9f87",
    "brand": "#1f6f5c",
    "warn": "#b54708",
    "bad": "#b42318",
    "muted": "#9aa8a3",
}


@dataclass
class Segment:
    label: str
    value: int
    colour: str
    x: float = 0
    width: float = 0
    text_x: float = 0


@dataclass
class Bar:
    label: str
    total: int
    segments: list[Segment]
    y: float = 0
    value_x: float = 0
    text_y: float = 0


@dataclass
class BarChart:
    """Horizontal (stacked) bars, geometry worked out here, drawn as inline SVG by _bar_chart.html."""

    title: str
    bars: list[Bar]
    legend: list[Segment]
    width: int = 640
    label_width: int = 190
    bar_area: int = 380
    row_height: int = 28
    bar_height: int = 18

    def __post_init__(self):
        top = max((b.total for b in self.bars), default=0) or 1
        for index, bar in enumerate(self.bars):
            bar.y = 8 + index * self.row_height
            x = float(self.label_width)
            for segment in bar.segments:
                segment.x = round(x, 1)
                segment.width = round(self.bar_area * segment.value / top, 1)
                x += segment.width
            bar.value_x = round(x + 6, 1)
            bar.text_y = bar.y + self.bar_height - 4
        x = 0.0
        for item in self.legend:
            item.x = round(x, 1)
            item.text_x = round(x + 16, 1)
            x += 30 + sum(13 if ord(c) >= 0x2E80 else 7.5 for c in item.label)  # CJK glyphs are wider

    @property
    def label_x(self) -> int:
        return self.label_width - 8

    @property
    def height(self) -> int:
        return 8 + len(self.bars) * self.row_height + (30 if self.legend else 4)

    @property
    def legend_y(self) -> int:
        return 8 + len(self.bars) * self.row_height + 10

    @property
    def legend_text_y(self) -> int:
        return self.legend_y + 11

    @property
    def empty(self) -> bool:
        return not any(b.total for b in self.bars)


@dataclass
class DashboardFigures:
    year: int | None
    template: str | None
    by_status: list[tuple[str, str, int]]
    total: int
    requested: int
    received: int
    valid: int
    accepted: int
    smelters: list[SmelterSummary]
    unresolved: list[UnresolvedName]
    red_flags: list[SupplierFlags]
    rmap_loaded: bool
    status_chart: BarChart
    metal_chart: BarChart

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.received, self.requested)

    @property
    def valid_rate(self) -> Decimal | None:
        return percent(self.valid, self.received)

    @property
    def conformant_or_active(self) -> int:
        return sum(1 for s in self.smelters if s.conformant_or_active)

    @property
    def conformant_share(self) -> Decimal | None:
        return percent(self.conformant_or_active, len(self.smelters)) if self.rmap_loaded else None

    @property
    def concern(self) -> list[SmelterSummary]:
        return [s for s in self.smelters if s.of_concern]


def _request_counts(requests: QuerySet[SubmissionRequest]) -> dict[str, int]:
    """Counts by status plus requested/received/valid/accepted, in one query."""
    submissions = Submission.objects.filter(request=OuterRef("pk"))
    annotated = requests.annotate(
        any_received=Exists(submissions),
        latest_valid=Subquery(submissions.order_by("-version").values("valid")[:1]),
        any_accepted=Exists(submissions.filter(status=ACCEPTED)),
    )
    Status = SubmissionRequest.Status
    return annotated.aggregate(
        total=Count("pk"),
        requested=Count("pk", filter=~Q(status=Status.NOT_REQUESTED) | Q(any_received=True)),
        received=Count("pk", filter=Q(any_received=True)),
        valid=Count("pk", filter=Q(any_received=True, latest_valid=True)),
        accepted=Count("pk", filter=Q(any_accepted=True)),
        **{f"status_{value}": Count("pk", filter=Q(status=value)) for value in Status.values},
    )


def _metal_chart(smelters: list[SmelterSummary], rmap_loaded: bool) -> BarChart:
    series = (
        ("conformant", _("Conformant"), TONE_COLOURS["good"]),
        ("active", _("Active"), TONE_COLOURS["active"]),
        ("other", _("Not conformant or active"), TONE_COLOURS["bad"]),
        ("unknown", _("No RMAP status list loaded"), TONE_COLOURS["muted"]),
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in smelters:
        if not rmap_loaded:
            bucket = "unknown"
        elif s.rmap_status in ("conformant", "active"):
            bucket = s.rmap_status
        else:
            bucket = "other"
        counts[s.metal][bucket] += 1
    used = [item for item in series if any(c.get(item[0]) for c in counts.values())]
    bars = [
        Bar(
            label=metal_label(metal),
            total=sum(counts[metal].values()),
            segments=[Segment(label, counts[metal][key], colour) for key, label, colour in used if counts[metal][key]],
        )
        for metal in sorted(counts)
    ]
    return BarChart(
        _("Smelters by metal and RMAP status"),
        bars,
        [Segment(label, 0, colour) for _k, label, colour in used],
    )


def build_figures(
    *,
    year: int | None,
    template: str | None,
    counts: dict,
    smelters: list[SmelterSummary],
    unresolved: list[UnresolvedName],
    red_flags: list[SupplierFlags],
    rmap_loaded: bool,
) -> DashboardFigures:
    """The figures with their charts, from counts and smelters computed now or read from a stored snapshot."""
    by_status = [(value, str(label), counts.get(f"status_{value}", 0)) for value, label in SubmissionRequest.Status.choices]
    status_chart = BarChart(
        _("Responses by status"),
        [Bar(label, n, [Segment(label, n, TONE_COLOURS[STATUS_TONES[value]])]) for value, label, n in by_status],
        [],
    )
    return DashboardFigures(
        year=year,
        template=template,
        by_status=by_status,
        total=counts.get("total", 0),
        requested=counts.get("requested", 0),
        received=counts.get("received", 0),
        valid=counts.get("valid", 0),
        accepted=counts.get("accepted", 0),
        smelters=smelters,
        unresolved=unresolved,
        red_flags=red_flags,
        rmap_loaded=rmap_loaded,
        status_chart=status_chart,
        metal_chart=_metal_chart(smelters, rmap_loaded),
    )


def dashboard_figures(year: int | None, template: str | None, *, red_flags: bool = True) -> DashboardFigures:
    """Everything the minerals dashboard shows, computed now in a fixed number of queries (the worker runs this;
    pages read the stored snapshot, `aggregation.stored`)."""
    risk = RiskContext.load()
    requests = requests_for(year, template)
    counts = _request_counts(requests)
    smelters = company_smelters(year, template, risk=risk)
    flagged: dict[int, SupplierFlags] = {}
    if red_flags:
        for row, flags in _request_flags(requests, risk):
            if flags:
                entry = flagged.setdefault(row["supplier_id"], SupplierFlags(row["supplier_id"], row["supplier__legal_name"]))
                entry.flags = _merge(entry.flags + flags)
    return build_figures(
        year=year,
        template=template,
        counts=counts,
        smelters=smelters,
        unresolved=unresolved_names(year, template),
        red_flags=sorted(flagged.values(), key=lambda s: s.supplier_name.casefold()),
        rmap_loaded=risk.rmap_loaded,
    )
