"""The dashboard's panels, laid out from its figures (`figures.py`, computed live or read from the stored result):
each for the filtered suppliers, this year against the previous one. No queries here but the URLs' reversing, so
the stored page costs the same whatever the number of suppliers, and in the reader's language.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskLevel
from supplyesg.audits.models import Severity
from supplyesg.core.models import PolicySettings
from supplyesg.grievances import stats
from supplyesg.ratings.models import Grade
from supplyesg.reporting import charts
from supplyesg.reporting.computations.base import percent
from supplyesg.reporting.dashboard.base import Line, Panel, Table
from supplyesg.reporting.dashboard.figures import CLOSURE_STATES
from supplyesg.reporting.dashboard.filters import Filters


def _years(filters: Filters) -> tuple[int, int]:
    return filters.year, filters.year - 1


# ---------------------------------------------------------------- risk


def risk_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    now, before = figures["risk"]["now"], figures["risk"]["before"]
    list_url = reverse("suppliers:list")
    levels = list(reversed(RiskLevel.choices))
    lines = [Line(str(label), now[value], before[value], url=f"{list_url}?risk={value}") for value, label in levels]
    return Panel(
        "risk",
        _("Risk distribution"),
        _("Suppliers by the ESG risk level identified for the year (an override wins over the computed level)."),
        charts.hbar(
            "chart-risk",
            _("Risk distribution %(year)s") % {"year": year},
            _("Suppliers per risk level."),
            [(line.label, line.value) for line in lines],
        ),
        lines,
        notes=[_("Each link opens the supplier list filtered by the current risk level.")],
    )


# ---------------------------------------------------------------- ratings


def grades_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    data = figures["grades"]
    quarter, now = data["now"]["quarter"], data["now"]["counts"]
    quarter_before, before = data["before"]["quarter"], data["before"]["counts"]
    lines = [Line(str(label), now[value], before[value]) for value, label in Grade.choices]
    shown = f"{year}Q{quarter}" if quarter else _("no rated quarter")
    shown_before = f"{previous}Q{quarter_before}" if quarter_before else _("no rated quarter")
    return Panel(
        "grades",
        _("Grades of the latest quarterly rating"),
        _("Suppliers per grade in the latest rated quarter of the year (%(now)s) and of the previous year (%(before)s).")
        % {"now": shown, "before": shown_before},
        charts.vbar(
            "chart-grades",
            _("Grades in %(quarter)s") % {"quarter": shown},
            _("Suppliers per grade, A to D."),
            [(line.label, line.value) for line in lines],
        ),
        lines,
    )


# ---------------------------------------------------------------- corrective actions


def closure_labels() -> dict[str, str]:
    return {
        "open": _("Open, not overdue"),
        "on_time": _("Closed on time"),
        "late": _("Closed late"),
        "overdue": _("Overdue"),
    }


def corrective_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    now, before = figures["corrective"]["now"], figures["corrective"]["before"]
    labels = closure_labels()
    severities = [(value, str(label)) for value, label in Severity.choices if any(now.get(value, {}).values())]
    list_url = reverse("corrective:list")

    def total(counts, state):
        return sum(c[state] for c in counts.values())

    lines = [Line(labels[state], total(now, state), total(before, state)) for state in CLOSURE_STATES]
    closed_now, closed_before = total(now, "on_time") + total(now, "late"), total(before, "on_time") + total(before, "late")
    lines.append(
        Line(
            _("Closed on time, share of closed"),
            percent(total(now, "on_time"), closed_now),
            percent(total(before, "on_time"), closed_before),
            suffix="%",
        )
    )
    lines[3] = Line(lines[3].label, lines[3].value, lines[3].previous, url=f"{list_url}?overdue=on")
    series = [labels[state] for state in CLOSURE_STATES]
    return Panel(
        "corrective",
        _("Corrective-action closure"),
        _(
            "Corrective actions of the year's audit programme by severity: open, closed by the remediation date, closed "
            "after it, and overdue today."
        ),
        charts.stacked(
            "chart-corrective",
            _("Corrective actions %(year)s by severity") % {"year": year},
            _("Stacked bars: one per severity, split by closure state."),
            series,
            [(label, [now[value][state] for state in CLOSURE_STATES]) for value, label in severities],
        ),
        lines,
        detail=Table(
            _("By severity, %(year)s") % {"year": year},
            (_("Severity"), *series),
            [(label, *[now[value][state] for state in CLOSURE_STATES]) for value, label in severities],
        ),
    )


# ---------------------------------------------------------------- minerals


def minerals_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    data = figures["minerals"]
    now, before = data["smelters"]["now"], data["smelters"]["before"]
    decl_now, decl_before = data["declarations"]["now"], data["declarations"]["before"]
    notes = [
        _(
            "Smelter figures are those the minerals dashboard stored for the reporting year, over every supplier: "
            "the tier, country and category filters do not apply to them."
        )
    ]

    def get(counts, key):
        return counts.get(key) if counts and counts.get("rmap_loaded") else None

    keys = (
        ("conformant", _("Smelters conformant")),
        ("active", _("Smelters active")),
        ("not_engaged", _("Smelters not engaged")),
    )
    lines = [Line(str(label), get(now, key), get(before, key)) for key, label in keys]
    lines.append(Line(_("Declarations asked"), decl_now["asked"], decl_before["asked"]))
    lines.append(
        Line(
            _("Declarations response rate"),
            percent(decl_now["responded"], decl_now["asked"]),
            percent(decl_before["responded"], decl_before["asked"]),
            suffix="%",
        )
    )
    if now is None:
        notes.append(_("No minerals dashboard figures are stored for %(year)s yet.") % {"year": year})
        chart = None
    elif not now["rmap_loaded"]:
        notes.append(_("No RMAP status list is loaded: smelter conformance is unknown."))
        chart = None
    else:
        chart = charts.share_bar(
            "chart-smelters",
            _("Smelters %(year)s") % {"year": year},
            _("Share of the smelters declared that are conformant, active or not engaged."),
            [(line.label, line.value) for line in lines[:3]],
        )
    return Panel(
        "minerals",
        _("Minerals conformance"),
        _(
            "Smelters in the year's CMRT/EMRT declarations by RMAP status, and the share of suppliers asked who "
            "sent their declaration."
        ),
        chart,
        lines,
        notes=notes,
    )


# ---------------------------------------------------------------- questionnaires


def questionnaire_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    data = figures["questionnaires"]
    now, before = data["now"], data["before"]
    rows = [(name, percent(answered, asked)) for name, asked, answered in data["campaigns"]]
    lines = [
        Line(_("Suppliers asked"), now["asked"], before["asked"]),
        Line(_("Answered"), now["answered"], before["answered"]),
        Line(
            _("Response rate"), percent(now["answered"], now["asked"]), percent(before["answered"], before["asked"]), suffix="%"
        ),
    ]
    return Panel(
        "questionnaires",
        _("Questionnaire response rate"),
        _("Suppliers asked in the questionnaire campaigns due in the year, and the share who submitted."),
        charts.hbar(
            "chart-questionnaires",
            _("Response rate per campaign, %(year)s") % {"year": year},
            _("Share of suppliers who submitted, per campaign due in the year."),
            rows,
            suffix=" %",
        )
        if rows
        else None,
        lines,
        detail=Table(
            _("Campaigns due in %(year)s") % {"year": year},
            (_("Campaign"), _("Response rate")),
            [(name, charts.number(rate) + " %" if rate is not None else "–") for name, rate in rows],
        ),
    )


# ---------------------------------------------------------------- grievances


def grievance_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    threshold = policy.grievance_review_min_cell
    now, before = figures["grievances"]["now"], figures["grievances"]["before"]
    labels = (
        ("received", _("Reports received")),
        ("acknowledged", _("Acknowledged within %(days)s days") % {"days": policy.grievance_acknowledge_days}),
        ("feedback", _("Feedback within %(months)s months") % {"months": policy.grievance_feedback_months}),
        ("overdue", _("Overdue today")),
    )
    lines = []
    for key, label in labels:
        cell, cell_before = stats.Cell(now[key], 0 < now[key] < threshold), stats.Cell(before[key], 0 < before[key] < threshold)
        lines.append(
            Line(
                str(label),
                None if cell.suppressed else cell.count,
                None if cell_before.suppressed else cell_before.count,
                shown=cell.shown(threshold) if cell.suppressed else "",
                previous_shown=cell_before.shown(threshold) if cell_before.suppressed else "",
            )
        )
    chart_rows = [(line.label, line.value) for line in lines if line.value is not None]
    return Panel(
        "grievances",
        _("Grievance clocks"),
        _("Grievance reports received in the year, over every channel: counted, never read."),
        charts.hbar("chart-grievances", _("Grievances %(year)s") % {"year": year}, _("Reports per clock."), chart_rows)
        if chart_rows
        else None,
        lines,
        notes=[
            _("Counts from 1 to %(n)s are shown as “<%(threshold)s”, as in the effectiveness review.")
            % {"n": threshold - 1, "threshold": threshold},
            _("The tier, country and category filters do not apply: narrower cells could point at a person."),
        ],
    )


# ---------------------------------------------------------------- training


def training_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    now, before = figures["training"]["now"], figures["training"]["before"]
    lines = [
        Line(_("Suppliers trained"), now["suppliers_trained"], before["suppliers_trained"]),
        Line(_("Person-times"), now["person_times"], before["person_times"]),
        Line(_("Training hours"), Decimal(now["hours"]), Decimal(before["hours"])),
    ]
    return Panel(
        "training",
        _("Supplier training"),
        _(
            "Suppliers with a completed training, attendances and their hours in the year (the training figures page's "
            "definitions)."
        ),
        charts.hbar(
            "chart-training",
            _("Training %(year)s") % {"year": year},
            _("Suppliers trained, person-times, hours."),
            [(line.label, line.value) for line in lines],
        ),
        lines,
    )


# ---------------------------------------------------------------- coverage


def coverage_panel(filters: Filters, figures: dict, policy: PolicySettings) -> Panel:
    year, previous = _years(filters)
    now, before = figures["coverage"]["now"], figures["coverage"]["before"]
    shares = (
        ("signed", "approved", _("Signed agreement in force")),
        ("assessed", "approved", _("Risk identified in the year")),
        ("declared", "approved", _("Minerals declaration received")),
        ("traced", "holds_lots", _("Traceability: lot holders reporting events")),
    )
    lines = [Line(_("Approved suppliers"), now["approved"], before["approved"])]
    lines += [
        Line(str(label), percent(now[part], now[whole]), percent(before[part], before[whole]), suffix="%")
        for part, whole, label in shares
    ]
    return Panel(
        "coverage",
        _("Coverage"),
        _(
            "Shares of the approved suppliers selected; traceability: of the suppliers holding lots, those who recorded "
            "an event in the year. Signed agreements are those in force today."
        ),
        charts.hbar(
            "chart-coverage",
            _("Coverage %(year)s") % {"year": year},
            _("Percent of approved suppliers."),
            [(line.label, line.value) for line in lines[1:]],
            suffix=" %",
        ),
        lines,
    )


# (figures key, layout): the page's order.
PANELS = (
    ("risk", risk_panel),
    ("grades", grades_panel),
    ("corrective", corrective_panel),
    ("minerals", minerals_panel),
    ("questionnaires", questionnaire_panel),
    ("grievances", grievance_panel),
    ("training", training_panel),
    ("coverage", coverage_panel),
)
