"""The yearly figures and the pass rule as plain Python, on hand-computed rows (no database)."""

from decimal import Decimal

from supplyesg.engagement.figures import AttendanceRow, CascadeRow, passed, percent, year_figures


def row(supplier, attended=True, completed=True, ok=None, hours="2"):
    return AttendanceRow(supplier, attended, completed, ok, Decimal(hours))


def test_each_figure_counts_what_its_definition_says():
    f = year_figures(
        2026,
        invited_supplier_ids=[1, 2, 2, 3],
        attendances=[
            row(1, ok=True),
            row(1, ok=False),
            row(2, completed=False, hours="1.5"),
            row(3, hours="3"),
            row(1, attended=False, completed=False, hours="0"),
        ],
        ratings=[5, 4, 2, 3],
        positive_from=4,
        cascades=[CascadeRow(1, 40, 120, 6, Decimal("80")), CascadeRow(1, 10, 0, 0, Decimal("5"))],
    )
    assert (f.suppliers_invited, f.suppliers_trained, f.person_times, f.hours) == (3, 2, 4, Decimal("8.5"))
    assert (f.completion_rate, f.pass_rate, f.satisfaction, f.answers) == (Decimal("75.0"), Decimal("50.0"), Decimal("50.0"), 4)
    assert (f.cascade_people, f.cascade_subtier_suppliers, f.cascade_reporting_suppliers, f.cascade_hours) == (
        170,
        6,
        1,
        Decimal("85"),
    )


def test_a_year_without_data_shows_no_rate_rather_than_zero_percent():
    f = year_figures(2025, invited_supplier_ids=[], attendances=[], ratings=[], positive_from=4, cascades=[])
    assert (f.completion_rate, f.pass_rate, f.satisfaction) == (None, None, None)
    assert (f.person_times, f.hours, f.cascade_people) == (0, Decimal("0"), 0)


def test_the_positive_mark_decides_satisfaction():
    ratings = [5, 4, 3, 3, 1]
    assert year_figures(
        2026, invited_supplier_ids=[], attendances=[], ratings=ratings, positive_from=3, cascades=[]
    ).satisfaction == Decimal("80.0")
    assert year_figures(
        2026, invited_supplier_ids=[], attendances=[], ratings=ratings, positive_from=5, cascades=[]
    ).satisfaction == Decimal("20.0")


def test_rates_round_half_up_to_one_decimal():
    assert (percent(1, 3), percent(2, 3), percent(1, 8)) == (Decimal("33.3"), Decimal("66.7"), Decimal("12.5"))


def test_a_score_passes_at_the_pass_mark_and_a_course_without_test_has_no_verdict():
    assert passed(Decimal("80"), 80) is True
    assert passed(Decimal("79.99"), 80) is False
    assert passed(Decimal("95"), None) is None
    assert passed(None, 80) is None
