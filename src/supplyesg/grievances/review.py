"""The yearly effectiveness review (LkSG §8(5), UNGP 31): aggregates only, small cells suppressed, no identities and no
report content. Counts by channel, topic, tier and country; times to acknowledge, to first feedback and to close
(median and P90, in days); outcomes; measures triggered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from supplyesg.core.models import PolicySettings
from supplyesg.grievances import stats
from supplyesg.grievances.models import Audience, Report, Topic


@dataclass
class Table:
    title: str
    rows: list[tuple[str, str]]  # (label, shown count)


@dataclass
class Review:
    year: int
    threshold: int
    total: str
    tables: list[Table]
    durations: list[tuple[str, stats.Durations]]


def _labelled(cells: dict[str, stats.Cell], labels: dict, threshold: int) -> list[tuple[str, str]]:
    return [(str(labels.get(key, key or _("not recorded"))), cell.shown(threshold)) for key, cell in cells.items()]


def effectiveness_review(year: int) -> Review:
    threshold = PolicySettings.current().grievance_review_min_cell
    rows = list(
        Report.objects.filter(received_on__gte=date(year, 1, 1), received_on__lte=date(year, 12, 31)).values(
            "channel__audience",
            "topic",
            "supplier__tier",
            "supplier__country",
            "country",
            "status",
            "closure_reason",
            "measure",
            "received_on",
            "acknowledged_on",
            "first_feedback_on",
            "closed_on",
        )
    )
    total = stats.cells(["all"] * len(rows), threshold).get("all", stats.Cell(0, False)).shown(threshold)
    tiers = {1: _("Tier 1"), 2: _("Tier 2"), 3: _("Tier 3")}
    tables = [
        Table(
            _("By channel"),
            _labelled(stats.cells([r["channel__audience"] for r in rows], threshold), dict(Audience.choices), threshold),
        ),
        Table(_("By topic"), _labelled(stats.cells([r["topic"] for r in rows], threshold), dict(Topic.choices), threshold)),
        Table(
            _("By supplier tier"), _labelled(stats.cells([r["supplier__tier"] or "" for r in rows], threshold), tiers, threshold)
        ),
        Table(
            _("By country"),
            _labelled(stats.cells([r["country"] or r["supplier__country"] or "" for r in rows], threshold), {}, threshold),
        ),
        Table(
            _("By status"), _labelled(stats.cells([r["status"] for r in rows], threshold), dict(Report.Status.choices), threshold)
        ),
        Table(
            _("Outcomes of closed cases"),
            _labelled(
                stats.cells([r["closure_reason"] for r in rows if r["closure_reason"]], threshold),
                dict(Report.ClosureReason.choices),
                threshold,
            ),
        ),
        Table(
            _("Measures triggered"),
            _labelled(
                stats.cells([r["measure"] for r in rows if r["measure"]], threshold), dict(Report.Measure.choices), threshold
            ),
        ),
    ]

    def days(field):
        return [(r[field] - r["received_on"]).days for r in rows if r[field]]

    durations = [
        (_("Days to acknowledge"), stats.durations(days("acknowledged_on"), threshold)),
        (_("Days to first feedback"), stats.durations(days("first_feedback_on"), threshold)),
        (_("Days to close"), stats.durations(days("closed_on"), threshold)),
    ]
    return Review(year, threshold, total, tables, durations)
