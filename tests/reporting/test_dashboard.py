"""The reporting dashboard: each panel's figures on a small hand-built world (2026 against 2025, today 15 June 2026),
with a filter, the data-quality flags, bad filter values, access, and a query count that does not grow with suppliers.

The world (`board_world`):
- A: tier 1, China, category "pcb", active; B: tier 2, Malaysia, active; C: tier 1, China, qualified;
  D: tier 1, no country, prospect (not approved).
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supplyesg.assessments.models import Response
from supplyesg.audits.models import CorrectiveAction
from supplyesg.core.models import PolicySettings
from supplyesg.grievances.models import Report
from supplyesg.minerals.campaigns.models import SubmissionRequest
from supplyesg.reporting import dashboard
from supplyesg.suppliers.models import SignedAgreement, Supplier
from tests.assessments.factories_assessments import make_campaign as make_questionnaire_campaign
from tests.assessments.factories_assessments import make_response
from tests.audits.factories_audits import make_reported_audit
from tests.engagement.factories_engagement import make_attendance, make_session
from tests.factories import make_agreement_type, make_category, make_grievance, make_supplier
from tests.minerals.factories_minerals import make_campaign as make_minerals_campaign
from tests.minerals.factories_minerals import make_dashboard_snapshot, make_request
from tests.ratings.factories_ratings import make_rating, make_risk

TODAY = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
URL = "/reporting/dashboard/"


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def board_world(db, frozen):
    pcb = make_category(code="pcb", name="Printed circuit boards")
    a = make_supplier(code="A", legal_name="Alpha", country="CN", tier=1, status=Supplier.Status.ACTIVE, categories=[pcb])
    b = make_supplier(code="B", legal_name="Beta", country="MY", tier=2, status=Supplier.Status.ACTIVE)
    c = make_supplier(code="C", legal_name="Gamma", country="CN", tier=1, status=Supplier.Status.QUALIFIED)
    d = make_supplier(code="D", legal_name="Delta", country="", tier=1)
    return {"a": a, "b": b, "c": c, "d": d, "pcb": pcb}


def build(year=2026, **filters):
    return dashboard.build(dashboard.Filters(year=year, **filters), timezone.localdate())


# ---------------------------------------------------------------- panels


def test_risk_counts_the_years_levels_an_override_winning_and_narrows_by_tier(board_world):
    w = board_world
    make_risk(w["a"], "high", year=2026)
    make_risk(w["b"], "low", year=2026)
    make_risk(w["c"], "medium", year=2026, override="high")  # the override wins: high
    make_risk(w["a"], "low", year=2025)
    panel = build().panel("risk")
    # 2026: high A and C = 2, medium 0, low B = 1; 2025: low A = 1.
    assert [(line.label, line.value, line.previous) for line in panel.lines] == [
        ("High", 2, 0),
        ("Medium", 0, 0),
        ("Low", 1, 1),
    ]
    assert panel.line("High").change_text == "+2"
    tier_one = build(tier=2).panel("risk")  # only B
    assert [(line.value, line.previous) for line in tier_one.lines] == [(0, 0), (0, 0), (1, 0)]


def test_grades_are_those_of_the_latest_rated_quarter_of_each_year(board_world):
    w = board_world
    make_rating(w["a"], year=2026, quarter=1, grade="B")
    make_rating(w["a"], year=2026, quarter=2, grade="A")
    make_rating(w["b"], year=2026, quarter=2, grade="D")
    make_rating(w["a"], year=2025, quarter=4, grade="C")
    panel = build().panel("grades")
    # 2026Q2: A (supplier A) and D (supplier B); Q1's B does not count. 2025Q4: C.
    assert {line.label: (line.value, line.previous) for line in panel.lines} == {
        "A": (1, 0),
        "B": (0, 0),
        "C": (0, 1),
        "D": (1, 0),
    }
    assert "2026Q2" in panel.description and "2025Q4" in panel.description
    assert {line.label: line.value for line in build(country="MY").panel("grades").lines} == {"A": 0, "B": 0, "C": 0, "D": 1}


def test_corrective_actions_split_into_open_on_time_late_and_overdue_by_severity(board_world):
    w = board_world
    # Reported 10 March 2026: priority remediation due 9 April, major 8 June, minor 6 September; plans due 17/24 March.
    audit = make_reported_audit(w["a"], severities=("priority", "major", "minor"))
    actions = {a.finding.severity: a for a in audit.corrective_actions.select_related("finding")}
    closed = CorrectiveAction.Status.CLOSED
    CorrectiveAction.objects.filter(pk=actions["priority"].pk).update(
        status=closed, closed_at=dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC)
    )  # closed before 9 April: on time
    CorrectiveAction.objects.filter(pk=actions["minor"].pk).update(status=CorrectiveAction.Status.APPROVED)  # open
    # major: awaiting its plan since 24 March: overdue today.
    late = make_reported_audit(w["b"], severities=("major",))
    late.corrective_actions.update(status=closed, closed_at=dt.datetime(2026, 6, 10, 10, tzinfo=dt.UTC))  # after 8 June
    make_reported_audit(w["a"], year=2025, report_date=dt.date(2025, 3, 10), severities=("minor",))  # 2025: overdue
    panel = build().panel("corrective")
    assert {line.label: (line.value, line.previous) for line in panel.lines} == {
        "Open, not overdue": (1, 0),
        "Closed on time": (1, 0),
        "Closed late": (1, 0),
        "Overdue": (1, 1),
        "Closed on time, share of closed": (Decimal("50.0"), None),  # 1 of 2 closed
    }
    # Severity rows: priority on time; major one late (B) and one overdue (A); minor open.
    assert panel.detail.rows == [("Priority", 0, 1, 0, 0), ("Major", 0, 0, 1, 1), ("Minor", 1, 0, 0, 0)]
    only_a = build(country="CN").panel("corrective")
    assert only_a.line("Closed late").value == 0 and only_a.line("Overdue").value == 1


def test_minerals_reads_the_stored_smelter_figures_and_the_years_declarations(board_world):
    w = board_world
    # 2 conformant, 1 active, 2 not engaged
    make_dashboard_snapshot(2026, ["conformant", "conformant", "active", "non_conformant", ""])
    campaign = make_minerals_campaign(reporting_year=2026, due_date=dt.date(2026, 5, 31))
    make_request(campaign, w["a"], status=SubmissionRequest.Status.ACCEPTED)
    make_request(campaign, w["b"], status=SubmissionRequest.Status.REQUESTED)
    make_request(campaign, w["c"], status=SubmissionRequest.Status.RECEIVED_ERRORS)
    panel = build().panel("minerals")
    assert {line.label: (line.value, line.previous) for line in panel.lines} == {
        "Smelters conformant": (2, None),  # no figures stored for 2025
        "Smelters active": (1, None),
        "Smelters not engaged": (2, None),
        "Declarations asked": (3, 0),
        "Declarations response rate": (Decimal("66.7"), None),  # A and C responded, of 3
    }
    assert panel.chart is not None
    assert build(tier=2).panel("minerals").line("Declarations response rate").value == Decimal("0.0")  # B only


def test_questionnaire_response_rate_counts_the_campaigns_due_in_the_year(board_world):
    w = board_world
    now = make_questionnaire_campaign(name="SAQ 2026", due_date=dt.date(2026, 4, 30))
    make_response(w["a"], now, status=Response.Status.SUBMITTED)
    make_response(w["b"], now, status=Response.Status.ACCEPTED)
    make_response(w["c"], now, status=Response.Status.NOT_STARTED)
    before = make_questionnaire_campaign(name="SAQ 2025", due_date=dt.date(2025, 4, 30))
    make_response(w["a"], before, status=Response.Status.DRAFT)
    make_response(w["b"], before, status=Response.Status.SUBMITTED)
    panel = build().panel("questionnaires")
    # 2026: 2 answered of 3 = 66.7 %; 2025: 1 of 2 = 50 %: +16.7 points.
    assert panel.line("Response rate").value == Decimal("66.7")
    assert panel.line("Response rate").previous == Decimal("50.0")
    assert panel.line("Response rate").change_text == "+16.7 pp"
    assert panel.detail.rows == [("SAQ 2026", "66.7 %")]
    assert build(category="pcb").panel("questionnaires").line("Response rate").value == Decimal("100.0")  # A only


def test_grievance_clocks_are_counted_and_small_cells_suppressed(board_world):
    reports = [make_grievance()[0] for _ in range(3)]  # received today, 15 June 2026
    Report.objects.filter(pk__in=[reports[0].pk, reports[1].pk]).update(acknowledged_on=dt.date(2026, 6, 16))
    Report.objects.filter(pk=reports[2].pk).update(
        received_on=dt.date(2026, 6, 1), acknowledge_due=dt.date(2026, 6, 8), acknowledged_on=None
    )
    policy = PolicySettings.current()
    # Threshold 5 (default): 3 received, 2 acknowledged, 1 overdue are all shown as "<5".
    panel = build().panel("grievances")
    assert [line.value_text for line in panel.lines] == ["<5", "<5", "0", "<5"]
    assert panel.line("Reports received").value is None
    policy.grievance_review_min_cell = 2
    policy.save()
    panel = build().panel("grievances")
    # Threshold 2: received 3, acknowledged on time 2 (by their due date), first feedback 0; overdue 1 (the third,
    # unacknowledged past 8 June) is still below 2, so shown as "<2".
    assert [(line.value, line.previous) for line in panel.lines] == [(3, 0), (2, 0), (0, 0), (None, 0)]
    assert panel.line("Overdue today").value_text == "<2"


def test_training_reuses_the_training_definitions_over_the_filtered_suppliers(board_world):
    w = board_world
    session = make_session(on=dt.date(2026, 3, 10))
    make_attendance(session, w["a"], completed=True, hours=Decimal("2"))
    make_attendance(session, w["a"], completed=False, hours=Decimal("2"))
    make_attendance(session, w["b"], completed=True, hours=Decimal("3"))
    make_attendance(make_session(on=dt.date(2025, 5, 5)), w["b"], completed=True, hours=Decimal("1.5"))
    panel = build().panel("training")
    # 2026: trained A and B = 2, person-times 3, hours 2+2+3 = 7; 2025: B, 1, 1.5.
    assert [(line.value, line.previous) for line in panel.lines] == [(2, 1), (3, 1), (Decimal("7"), Decimal("1.5"))]
    tier_one = build(tier=1).panel("training")  # A only: 1 trained, 2 person-times, 4 hours; 2025 nothing
    assert [(line.value, line.previous) for line in tier_one.lines] == [(1, 0), (2, 0), (Decimal("4"), Decimal("0"))]


def test_coverage_shares_are_of_the_approved_suppliers(board_world):
    w = board_world
    kind = make_agreement_type()
    for supplier in (w["a"], w["b"]):
        SignedAgreement.objects.create(
            supplier=supplier, agreement_type=kind, method="portal", version="1", text_hash="x", signer_name="S", signer_title="T"
        )
    make_risk(w["a"], "low", year=2026)
    campaign = make_minerals_campaign(reporting_year=2026, due_date=dt.date(2026, 5, 31))
    make_request(campaign, w["c"], status=SubmissionRequest.Status.ACCEPTED)
    panel = build().panel("coverage")
    # Approved: A, B, C (D is a prospect). Signed 2 of 3, risk identified 1 of 3, declaration 1 of 3.
    assert panel.line("Approved suppliers").value == 3
    assert panel.line("Signed agreement in force").value == Decimal("66.7")
    assert panel.line("Risk identified in the year").value == Decimal("33.3")
    assert panel.line("Risk identified in the year").previous == Decimal("0.0")
    assert panel.line("Minerals declaration received").value == Decimal("33.3")
    assert panel.line("Traceability: lot holders reporting events").value is None  # nobody holds lots
    assert build(country="MY").panel("coverage").line("Signed agreement in force").value == Decimal("100.0")


def test_data_quality_flags_count_the_gaps_and_link_to_the_lists(board_world):
    w = board_world
    make_risk(w["a"], "low", year=2026)
    make_rating(w["a"], year=2026, quarter=2, grade="A")
    campaign = make_minerals_campaign(reporting_year=2025, due_date=dt.date(2026, 5, 31))
    make_request(campaign, w["b"])  # requested, due 31 May: overdue
    flags = {flag.key: flag for flag in build().flags}
    assert flags["no_country"].count == 1  # D
    assert flags["no_category"].count == 2  # approved B and C
    assert flags["risk_not_identified"].count == 2  # B and C
    assert flags["risk_not_identified"].url == "/suppliers/?risk=none"
    assert flags["not_rated"].count == 2 and "2026Q2" in flags["not_rated"].text
    assert flags["declarations_overdue"].count == 1
    assert {flag.key: flag.count for flag in build(tier=1).flags}["declarations_overdue"] == 0


# ---------------------------------------------------------------- the page


def test_the_page_shows_each_panel_with_its_chart_and_year_over_year_table(
    client, compliance, board_world, django_capture_on_commit_callbacks
):
    make_risk(board_world["a"], "high", year=2026)
    client.force_login(compliance)
    with django_capture_on_commit_callbacks(execute=True):  # the worker computes the selection's figures
        client.get(URL, {"year": "2026", "country": "China"})
    response = client.get(URL, {"year": "2026", "country": "China"})  # a country name is read as its code
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("risk", "grades", "corrective", "minerals", "questionnaires", "grievances", "training", "coverage"):
        assert f'id="panel-{key}"' in html
    assert 'role="img"' in html and "<title" in html
    assert "Country: China." in html
    assert '<th scope="col" class="right">2025</th>' in html


@pytest.mark.parametrize(
    "query, message",
    [
        ({"year": "1999"}, "Year: choose a year from 2000 to 2027."),
        ({"year": "soon"}, "Enter a whole number."),
        ({"country": "Atlantis"}, "Country: “Atlantis” is not a country code or name."),
        ({"tier": "7"}, "Tier: choose 1, 2 or 3."),
        ({"category": "nope"}, "Category: no category has this code."),
    ],
)
def test_a_bad_filter_value_is_named_never_a_server_error(client, viewer, board_world, query, message):
    client.force_login(viewer)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_suppliers_get_404_and_anonymous_visitors_the_login_page(client, supplier_a_user):
    assert client.get(URL).status_code == 302
    assert "/login" in client.get(URL)["Location"] or "login" in client.get(URL)["Location"]
    client.force_login(supplier_a_user)
    assert client.get(URL).status_code == 404


def _add_suppliers(n, start):
    """n more approved tier-1 suppliers, each with a risk, a rating, a questionnaire answer and a minerals request."""
    campaign = make_minerals_campaign(reporting_year=2026, due_date=dt.date(2026, 5, 31))
    saq = make_questionnaire_campaign(due_date=dt.date(2026, 4, 30))
    for i in range(n):
        supplier = make_supplier(code=f"N{start + i}", tier=1, status=Supplier.Status.ACTIVE)
        make_risk(supplier, "medium", year=2026)
        make_rating(supplier, year=2026, quarter=2, grade="B")
        make_response(supplier, saq, status=Response.Status.SUBMITTED)
        make_request(campaign, supplier)


def test_the_query_count_does_not_grow_with_the_suppliers(board_world):
    _add_suppliers(2, 0)
    filters = dashboard.Filters(year=2026, tier=1)
    dashboard.build(filters, timezone.localdate())  # the policy settings row is created on first read
    with CaptureQueriesContext(connection) as few:
        dashboard.build(filters, timezone.localdate())
    _add_suppliers(8, 100)
    with CaptureQueriesContext(connection) as more:
        board = dashboard.build(filters, timezone.localdate())
    assert board.panel("risk").line("Medium").value == 10
    assert [q["sql"] for q in more.captured_queries] == [q["sql"] for q in few.captured_queries]
