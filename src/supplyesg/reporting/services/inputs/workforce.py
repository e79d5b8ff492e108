"""Own-workforce figures per year: entry, import, template."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.reporting.models import AnnualFigures
from supplyesg.reporting.services.inputs.sheets import (
    WORKFORCE_SHEET,
    Column,
    ImportResult,
    build_template,
    parse_hours,
    parse_score,
    parse_text,
    parse_whole,
    parse_year,
    read_rows,
    upload_name,
)

WORKFORCE_COLUMNS = (
    Column("year", gettext_lazy("Year"), "年度", parse_year, True, gettext_lazy("The reporting year, e.g. 2026."), ("年份",)),
    Column(
        "headcount",
        gettext_lazy("Employees"),
        "员工人数",
        parse_whole,
        False,
        gettext_lazy("Headcount at year end."),
        ("employees",),
    ),
    Column(
        "training_hours",
        gettext_lazy("Training hours"),
        "培训时长",
        parse_hours,
        False,
        gettext_lazy("Total hours, e.g. 128790.46."),
        ("培训总时长",),
    ),
    Column("training_person_times", gettext_lazy("Training person-times"), "培训人次", parse_whole, False, "", ("person times",)),
    Column(
        "satisfaction_score",
        gettext_lazy("Satisfaction"),
        "员工满意度",
        parse_score,
        False,
        gettext_lazy("Points of 100."),
        ("satisfaction score", "满意度"),
    ),
    Column("grievances_received", gettext_lazy("Grievances received"), "收到的申诉", parse_whole, False, "", ("员工申诉",)),
    Column("grievances_resolved", gettext_lazy("Grievances resolved"), "已解决的申诉", parse_whole, False, "", ()),
    Column(
        "source",
        gettext_lazy("Source"),
        "来源",
        parse_text(200),
        False,
        gettext_lazy("e.g. HR annual report 2026."),
        ("数据来源",),
    ),
)
WORKFORCE_FIELDS = tuple(c.key for c in WORKFORCE_COLUMNS if c.key not in ("year", "source"))


# ---------------------------------------------------------------- own-workforce figures


@transaction.atomic
def save_annual_figures(*, actor, year: int, **values) -> AnnualFigures:
    """Enter or replace a year's own-workforce figures (None: not entered)."""
    unknown = set(values) - {*WORKFORCE_FIELDS, "source"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Not an own-workforce figure.")})
    figures = AnnualFigures.objects.select_for_update().filter(year=year).first() or AnnualFigures(year=year)
    before = audit.snapshot(figures, [*WORKFORCE_FIELDS, "source"]) if figures.pk else {}
    for name, value in values.items():
        setattr(figures, name, None if value == "" and name != "source" else value)
    figures.source = figures.source or ""
    if figures.grievances_received is not None and figures.grievances_resolved is not None:
        if figures.grievances_resolved > figures.grievances_received:
            raise ValidationError({"grievances_resolved": _("More grievances resolved than received.")})
    figures.updated_by = actor if getattr(actor, "pk", None) else None
    figures.updated_at = timezone.now()
    figures.full_clean(exclude=["updated_by"])
    figures.save()
    after = audit.snapshot(figures, [*WORKFORCE_FIELDS, "source"])
    audit.record(actor=actor, action="reporting.annual_figures_changed", target=figures, changes=audit.diff(before, after))
    return figures


def import_workforce(file, *, actor) -> ImportResult:
    """One row per year; a row replaces that year's figures. Any bad cell: nothing changes."""
    result = ImportResult(filename=upload_name(file, "workforce.csv"))
    rows = read_rows(file, WORKFORCE_COLUMNS, result)
    if result.errors:
        return result
    seen: dict[int, int] = {}
    for row in rows:
        v = row.values
        year = v.get("year")
        if year in seen:
            row.error("year", _("%(year)d is also in row %(row)d of this file") % {"year": year, "row": seen[year]})
        elif year:
            seen[year] = row.number
        received, resolved = v.get("grievances_received"), v.get("grievances_resolved")
        if received is not None and resolved is not None and resolved > received:
            row.error("grievances_resolved", _("more grievances resolved than received"))
    result.failed = sum(1 for row in rows if row.errors)
    result.errors.extend(error for row in rows for error in row.errors)
    if result.errors:
        return result
    with transaction.atomic():
        existing = {f.year: f for f in AnnualFigures.objects.filter(year__in=list(seen))}
        for row in rows:
            values = {name: row.values.get(name) for name in (*WORKFORCE_FIELDS, "source")}
            values["source"] = values["source"] or ""
            before = existing.get(row.values["year"])
            if before is not None and all(getattr(before, k) == v for k, v in values.items()):
                result.unchanged += 1
                continue
            save_annual_figures(actor=actor, year=row.values["year"], **values)
            if before is None:
                result.created += 1
            else:
                result.updated += 1
        result.applied = True
    return result


def workforce_template() -> io.BytesIO:
    example = [timezone.localdate().year - 1, 9252, Decimal("128790.46"), 21480, Decimal("90"), 12, 11, _("HR annual report")]
    lines = [
        _("One year per row on the Workforce sheet. A row replaces the figures stored for its year."),
        _("Leave a cell empty for a figure you do not have: reports show it as not entered, never as 0."),
    ]
    return build_template(WORKFORCE_SHEET, WORKFORCE_COLUMNS, example, lines)
