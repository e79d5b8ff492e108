"""The figures page and its export on hand-computed data: three suppliers, sessions in 2025 and 2026."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from supplyesg.core.models import PolicySettings
from supplyesg.engagement import queries
from tests.engagement.factories_engagement import (
    make_attendance,
    make_campaign,
    make_cascade,
    make_course,
    make_feedback,
    make_invitation,
    make_session,
)
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def year(supplier_a, supplier_b):
    """2026 by hand: invited A, B (declined), C; a draft invitation of D does not count.
    Attended: A 2 h passed, A 2 h failed, B 1.5 h not completed, C 3 h completed (no test) -> 4 person-times, 8.5 h,
    completed 3/4 = 75.0 %, passed 1/2 = 50.0 %, trained A and C = 2. Absent and registered rows do not count.
    Survey 5, 4, 2, 3 -> positive (4 or 5) 2/4 = 50.0 %. Cascade A: 40 + 120 people, 6 sub-tier suppliers, 80 h; A
    again 10 people, 5 h -> 170 people, 6 suppliers, 1 reporting, 85 h. 2025 rows count in 2025 only."""
    c = make_supplier(legal_name="=Gamma Copper Ltd.", tier=2)
    d = make_supplier(legal_name="Delta Wire Ltd.")
    tested = make_course(code="RBA-A", pass_mark=80)
    untested = make_course(code="ISO-B", hours=Decimal("3"))
    s1 = make_session(tested, on=dt.date(2026, 3, 10))
    s2 = make_session(untested, on=dt.date(2026, 9, 5))
    s0 = make_session(tested, on=dt.date(2025, 11, 5))
    c1, c2, c0 = make_campaign(s1), make_campaign(s2), make_campaign(s0)
    make_invitation(c1, supplier_a, "registered")
    make_invitation(c1, supplier_b, "declined")
    make_invitation(c2, c, "registered")
    make_invitation(c2, supplier_a, "registered")
    make_invitation(c2, d, "draft")
    make_invitation(c0, d, "registered")
    make_attendance(s1, supplier_a, completed=True, score=Decimal("90"), passed=True, person_name="=cmd|calc")
    make_attendance(s1, supplier_a, completed=True, score=Decimal("70"), passed=False)
    make_attendance(s1, supplier_b, completed=False, hours=Decimal("1.5"))
    make_attendance(s2, c, completed=True)
    make_attendance(s2, supplier_a, status="absent", hours=Decimal("0"))
    make_attendance(s2, supplier_a, status="registered")
    make_attendance(s0, d, completed=True)
    for session, rating in ((s1, 5), (s1, 4), (s1, 2), (s2, 3), (s0, 5)):
        make_feedback(session, supplier_a, rating)
    make_cascade(supplier_a, end=dt.date(2026, 6, 30), people=40, subtier_people=120, subtier_suppliers=6, hours="80")
    make_cascade(supplier_a, end=dt.date(2026, 12, 1), people=10, hours="5")
    make_cascade(c, end=dt.date(2025, 12, 31), people=99, hours="9")
    return c


def test_every_figure_of_the_year_matches_the_hand_count(year):
    f = queries.year_figures(2026)
    assert (f.suppliers_invited, f.suppliers_trained, f.person_times, f.hours) == (3, 2, 4, Decimal("8.5"))
    assert (f.completion_rate, f.pass_rate, f.satisfaction, f.answers) == (Decimal("75.0"), Decimal("50.0"), Decimal("50.0"), 4)
    assert (f.cascade_people, f.cascade_subtier_suppliers, f.cascade_reporting_suppliers, f.cascade_hours) == (
        170,
        6,
        1,
        Decimal("85"),
    )


def test_the_year_before_counts_only_its_own_rows(year):
    f = queries.year_figures(2025)
    assert (f.suppliers_invited, f.suppliers_trained, f.person_times, f.satisfaction, f.cascade_people) == (
        1,
        1,
        1,
        Decimal("100.0"),
        99,
    )


def test_satisfaction_follows_the_positive_mark_in_the_policy_settings(year):
    PolicySettings.objects.update_or_create(pk=1, defaults={"training_positive_from": 3})
    assert queries.year_figures(2026).satisfaction == Decimal("75.0")


def test_the_figures_page_shows_the_year_to_every_internal_role_and_404s_supplier_users(
    year, client_for, viewer, supplier_a_user
):
    page = client_for(viewer).get("/training/figures/?year=2026")
    text = page.content.decode()
    assert page.status_code == 200
    for shown in ("Person-times", "8.5", "75.0%", "50.0%", "170"):
        assert shown in text
    assert client_for(supplier_a_user).get("/training/figures/").status_code == 404


def test_the_export_holds_the_figures_and_the_attendance_with_formula_like_names_as_plain_text(year, client_for, viewer):
    response = client_for(viewer).get("/training/figures/export/?year=2026")
    assert response.status_code == 200 and "training-figures-2026.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    figures = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert (figures["Person-times"], figures["Training hours"], figures["Completion rate"]) == (4, 8.5, 75)
    names = [row[4] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert "=cmd|calc" in names and len(names) == 6  # attended, absent and registered rows of 2026
    cell = next(c for c in book.worksheets[1]["E"] if c.value == "=cmd|calc")
    assert cell.data_type == "s"
