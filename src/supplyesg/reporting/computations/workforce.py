"""Own-workforce figures the company enters per year (AnnualFigures): training hours, hours per capita,
person-times, satisfaction, employee grievances. A figure not entered is None with a flag, never 0."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from supplyesg.reporting.computations.base import Result, Row, Scope, computation
from supplyesg.reporting.models import AnnualFigures

FIELDS = (
    "headcount",
    "training_hours",
    "training_person_times",
    "satisfaction_score",
    "grievances_received",
    "grievances_resolved",
)
COLUMNS = ("Year", "Figure", "Value", "Source")


def figures_for(year: int) -> AnnualFigures | None:
    return AnnualFigures.objects.filter(year=year).first()


def _row(figures: AnnualFigures, field: str) -> Row:
    return Row("reporting.annualfigures", figures.pk, (figures.year, field, getattr(figures, field), figures.source))


def _missing(year: int, field: str) -> str:
    label = AnnualFigures._meta.get_field(field).verbose_name
    return _("%(figure)s for %(year)d has not been entered.") % {"figure": label, "year": year}


@computation("workforce_figure")
def workforce_figure(scope: Scope) -> Result:
    """The entered figure `params.field` for the period's year."""
    field = scope.params["field"]
    if field not in FIELDS:
        raise ValueError(f"workforce_figure: unknown field {field!r}")
    figures = figures_for(scope.year)
    value = getattr(figures, field) if figures is not None else None
    if value is None:
        return Result(None, COLUMNS, [], [_missing(scope.year, field)])
    return Result(value, COLUMNS, [_row(figures, field)])


@computation("workforce_training_hours_per_capita")
def training_hours_per_capita(scope: Scope) -> Result:
    """Training hours / headcount at year end, to 0.01 (AIKO: 128,790 h, 13.92 h per capita)."""
    figures = figures_for(scope.year)
    hours = figures.training_hours if figures else None
    headcount = figures.headcount if figures else None
    flags = [_missing(scope.year, f) for f, v in (("training_hours", hours), ("headcount", headcount)) if v is None]
    if headcount == 0:
        flags.append(_("The headcount for %(year)d is 0: hours per capita cannot be computed.") % {"year": scope.year})
    if flags:
        return Result(None, COLUMNS, [], flags)
    value = (Decimal(hours) / headcount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Result(value, COLUMNS, [_row(figures, "training_hours"), _row(figures, "headcount")])
