"""The ratings app's panel on the home dashboard: grades of the latest quarter and their trend."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.core import dashboard
from supplyesg.ratings import queries
from supplyesg.ratings.models import Grade, Rating
from supplyesg.ratings.quarters import Quarter

TREND_QUARTERS = 6
_CSS = {"A": "good", "B": "", "C": "warn", "D": "bad"}


def ratings_panel(request, today):
    # One pass over the ratings gives the trend and the latest rated quarter's grades (the default quarter when any
    # is rated): reading the quarters and that quarter's grades again cost two more passes, 110 ms at 100,000
    # suppliers on PostgreSQL.
    per_quarter = Rating.objects.order_by().values_list("year", "quarter", "grade").annotate(n=Count("*"))
    table: dict[tuple[int, int], dict[str, int]] = {}
    for year, quarter, grade, n in per_quarter:
        table.setdefault((year, quarter), dict.fromkeys(Grade.values, 0))[grade] = n
    periods = sorted(table)[-TREND_QUARTERS:]
    if table:
        period = Quarter(*max(table))
        counts = table[max(table)]
    else:
        period = queries.default_quarter(computed=[])
        counts = dict.fromkeys(Grade.values, 0)
    overview = reverse("ratings:overview")
    grade_rows = [
        {"label": label, "value": counts[value], "url": f"{overview}?quarter={period}&grade={value}", "css": _CSS[value]}
        for value, label in Grade.choices
    ]
    series = [
        {"label": label, "values": [table[p][value] for p in periods], "css": _CSS[value]} for value, label in Grade.choices
    ]
    return {
        "period": period,
        "pending": Rating.objects.pending_decision().count(),
        "grade_chart": dashboard.bar_chart(
            "grades",
            _("Grades in %(period)s") % {"period": period},
            _("Number of suppliers with each grade in the latest rated quarter; each bar opens the filtered ratings."),
            grade_rows,
        ),
        "trend_chart": dashboard.trend_chart(
            "grade-trend",
            _("Grades over the last quarters"),
            _("Number of suppliers graded A, B, C and D in each of the last rated quarters."),
            [f"{y}Q{q}" for y, q in periods],
            series,
        ),
    }


def register():
    dashboard.register(dashboard.DashboardPanel("ratings", "ratings/_dashboard_panel.html", ratings_panel, order=20))
