"""ESRS S2-1 to S2-5 on a hand-built 2026: each figure is counted by hand in the comments from the agreements,
training, grievance channels and reports, corrective actions and required trainings the fixtures make."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.engagement.models import RequiredTraining
from supplyesg.grievances.models import Report
from supplyesg.reporting.models import LineItem
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import load_catalogue
from supplyesg.suppliers.models import SignedAgreement, Supplier
from tests.audits.factories_audits import make_audit, make_finding
from tests.engagement.factories_engagement import make_attendance, make_campaign, make_invitation, make_session
from tests.factories import make_agreement_type, make_grievance, make_supplier


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(db, compliance):
    s = {code: make_supplier(code=code, status=Supplier.Status.ACTIVE) for code in "ABCD"}
    s["M"] = make_supplier(code="M", status=Supplier.Status.ACTIVE, country="MY")
    s["P"] = make_supplier(code="P", status=Supplier.Status.PROSPECT)
    load_catalogue(actor=None)
    s["period"] = snapshots.create_period(actor=compliance, year=2026)
    return s


def figure(code, period, filters=None):
    item = LineItem.objects.get(catalogue__is_current=True, code=code)
    return snapshots.compute(item, snapshots.scope_for(period, filters))


def sign(supplier, agreement_type, day, revoked=None):
    SignedAgreement.objects.create(
        supplier=supplier,
        agreement_type=agreement_type,
        method="scan",
        version="1.0",
        text_hash="0" * 64,
        signed_at=at(day),
        revoked_at=at(revoked) if revoked else None,
    )


def test_s2_1_counts_approved_suppliers_with_a_signed_code_of_conduct(world):
    conduct = make_agreement_type(code="code-of-conduct")
    social = make_agreement_type(code="social-responsibility-framework")
    sign(world["A"], conduct, date(2026, 2, 1))  # counts
    sign(world["B"], conduct, date(2026, 3, 1), revoked=date(2026, 5, 1))  # revoked
    sign(world["C"], conduct, date(2027, 1, 5))  # after the period
    sign(world["D"], social, date(2025, 5, 1))  # counts: the social-responsibility agreement
    sign(world["P"], conduct, date(2026, 2, 1))  # a prospect is not on the approved list
    # Approved: A, B, C, D, M. Covered: A, D = 2 of 5.
    coverage = figure("ESRS S2-1", world["period"])
    assert coverage.value == Decimal("40.0")
    assert [(row.cells[0], row.cells[4]) for row in coverage.rows] == [
        ("A", True),
        ("B", False),
        ("C", False),
        ("D", True),
        ("M", False),
    ]
    assert coverage.flags == []
    # Malaysia: M alone, unsigned.
    assert figure("ESRS S2-1", world["period"], {"countries": ["MY"]}).value == Decimal("0.0")


def test_s2_1_says_when_an_agreement_type_is_missing(world):
    make_agreement_type(code="code-of-conduct")
    coverage = figure("ESRS S2-1", world["period"])
    assert coverage.value == Decimal("0.0")
    assert coverage.flags == [
        "No agreement type with the code social-responsibility-framework exists; nobody can have signed it."
    ]


def test_s2_2_counts_invitations_trained_suppliers_and_person_times(world):
    session = make_session(on=date(2026, 3, 10))
    campaign = make_campaign(session)
    for code, status, invited in (("A", "invited", date(2026, 3, 1)), ("B", "draft", None), ("C", "invited", date(2025, 12, 1))):
        invitation = make_invitation(campaign, world[code], status=status)
        invitation.invited_at = at(invited) if invited else None
        invitation.save()
    late = make_invitation(make_campaign(make_session(on=date(2026, 4, 20))), world["M"])
    late.invited_at = at(date(2026, 4, 1))
    late.save()
    make_attendance(session, world["A"])
    make_attendance(session, world["A"])
    make_attendance(session, world["B"], status="absent")
    make_attendance(make_session(on=date(2026, 5, 10)), world["D"])
    make_attendance(make_session(on=date(2025, 11, 10)), world["C"])
    period = world["period"]
    # Invited in 2026 (sent): A and M. B's invitation is a draft; C's was sent in 2025.
    assert [row.cells[0] for row in figure("ESRS S2-2 a", period).rows] == ["A", "M"]
    assert figure("ESRS S2-2 a", period, {"countries": ["MY"]}).value == 1
    # Attended in 2026: A (two people), D (one). B was absent; C attended in 2025.
    trained = figure("ESRS S2-2 b", period)
    assert [(row.cells[0], row.cells[4]) for row in trained.rows] == [("A", 2), ("D", 1)]
    assert figure("ESRS S2-2 c", period).value == 3


def test_s2_3_counts_reports_from_value_chain_channels_and_the_median_days_to_acknowledge(world):
    # (channel, received, acknowledged)
    specs = [
        ("supplier-workers", date(2026, 2, 1), date(2026, 2, 3)),  # 2 days
        ("communities", date(2026, 4, 1), date(2026, 4, 8)),  # 7 days
        ("supplier-workers", date(2026, 5, 1), date(2026, 5, 2)),  # 1 day
        ("own-staff", date(2026, 6, 1), date(2026, 6, 1)),  # own staff: not a value-chain channel
        ("supplier-workers", date(2026, 7, 1), None),  # not acknowledged yet
        ("supplier-workers", date(2025, 12, 30), date(2026, 1, 2)),  # received in 2025
    ]
    for channel, received, acknowledged in specs:
        with time_machine.travel(received):
            report, _receipt = make_grievance(channel_key=channel)
        Report.objects.filter(pk=report.pk).update(acknowledged_on=acknowledged)
    period = world["period"]
    # The default channels for supplier workers and for communities.
    assert figure("ESRS S2-3 a", period).value == 2
    assert figure("ESRS S2-3 b", period).value == 4
    # Median of 1, 2, 7 days.
    median = figure("ESRS S2-3 c", period)
    assert median.value == Decimal("2.0")
    assert median.flags == ["1 report received in the period is not acknowledged yet and is left out of the median."]


def cap(audit, *, area, severity="major", status, plan_due, remediation_due, reviewed=None, closed=None):
    return CorrectiveAction.objects.create(
        finding=make_finding(audit, severity=severity, area=area),
        audit=audit,
        status=status,
        plan_due=plan_due,
        remediation_due=remediation_due,
        reviewed_at=at(reviewed) if reviewed else None,
        closed_at=at(closed) if closed else None,
    )


def reported(supplier, day):
    return make_audit(supplier, status=Audit.Status.REPORTED, report_date=day, planned_start=None, planned_end=None)


def test_s2_4_follows_corrective_actions_on_labour_and_health_and_safety(world):
    a = reported(world["A"], date(2026, 3, 10))
    # Plan approved, remediation due 2026-06-08, still open at the year's end: overdue.
    cap(
        a,
        area="labour",
        status="approved",
        plan_due=date(2026, 3, 24),
        remediation_due=date(2026, 6, 8),
        reviewed=date(2026, 3, 20),
    )
    # No plan by 2026-03-17: overdue.
    cap(
        a,
        area="health_safety",
        severity="priority",
        status="awaiting_plan",
        plan_due=date(2026, 3, 17),
        remediation_due=date(2026, 4, 9),
    )
    # Environment: not a value-chain-worker area.
    cap(a, area="environment", status="awaiting_plan", plan_due=date(2026, 3, 24), remediation_due=date(2026, 6, 8))
    b = reported(world["B"], date(2026, 5, 10))
    # Closed 2026-12-20 (late, but closed by the year's end: not overdue then).
    cap(
        b,
        area="labour",
        severity="minor",
        status="closed",
        plan_due=date(2026, 5, 24),
        remediation_due=date(2026, 11, 7),
        reviewed=date(2026, 5, 20),
        closed=date(2026, 12, 20),
    )
    d = reported(world["D"], date(2025, 10, 1))
    # Opened in 2025, closed 2026-01-15.
    cap(
        d,
        area="labour",
        status="closed",
        plan_due=date(2025, 10, 15),
        remediation_due=date(2025, 12, 30),
        closed=date(2026, 1, 15),
    )
    c = reported(world["C"], date(2026, 12, 20))
    # Opened 2026-12-20, nothing due yet.
    cap(c, area="labour", severity="minor", status="awaiting_plan", plan_due=date(2027, 1, 3), remediation_due=date(2027, 6, 18))
    RequiredTraining.objects.create(
        supplier=world["A"], topic="Working hours", area="labour", due_date=date(2026, 6, 1), assigned_at=at(date(2026, 4, 1))
    )
    RequiredTraining.objects.create(
        supplier=world["D"],
        topic="Fire safety",
        area="health_safety",
        due_date=date(2026, 2, 1),
        assigned_at=at(date(2025, 12, 1)),
    )
    period = world["period"]
    # Opened in 2026: A's labour and health-and-safety actions, B's, C's.
    assert figure("ESRS S2-4 a", period).value == 4
    # Closed in 2026: B's and D's.
    assert [row.cells[1] for row in figure("ESRS S2-4 b", period).rows] == ["B", "D"]
    # Overdue on 2026-12-31: A's two.
    assert [row.cells[1] for row in figure("ESRS S2-4 c", period).rows] == ["A", "A"]
    # Required of suppliers in 2026: A's.
    assert [row.cells[0] for row in figure("ESRS S2-4 d", period).rows] == ["A"]
    # A country filter leaves A's actions out.
    assert figure("ESRS S2-4 a", period, {"countries": ["MY"]}).value == 0


def test_s2_5_states_that_no_target_is_set_and_gives_no_number(world):
    targets = figure("ESRS S2-5", world["period"])
    assert targets.value.startswith("No time-bound, outcome-oriented target for value-chain workers is set")
    assert LineItem.objects.get(catalogue__is_current=True, code="ESRS S2-5").unit == "text"


def test_the_whole_catalogue_loads_with_the_esrs_s2_items(world, compliance):
    loaded = load_catalogue(actor=None)
    items = LineItem.objects.filter(catalogue__is_current=True, framework="esrs", code__startswith="ESRS S2")
    assert loaded.created == LineItem.objects.filter(catalogue__is_current=True).count()
    assert {i.framework_version for i in items} == {"ESRS S2 Workers in the value chain (2023)"}
    assert all(i.title_zh for i in items)
    snap = snapshots.take_snapshot(actor=compliance, period=world["period"])
    assert snap.figures.filter(code__startswith="ESRS S2").count() == items.count() == 12
    assert snapshots.verify_snapshot(snap)
