"""The audit programme: generated from policy (annual audits of tier-1 and key suppliers, on-site audits of
high-risk suppliers), idempotent and set-based; planning, changing and cancelling audits by hand."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supplyesg.assessments.models import WorklistItem
from supplyesg.audits import rules as audit_rules
from supplyesg.audits.models import Audit
from supplyesg.audits.services import programme
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, PolicySettings, Role
from tests.audits.factories_audits import make_audit, make_reported_audit
from tests.factories import make_site, make_supplier, make_user

pytestmark = pytest.mark.django_db

YEAR = 2026
TODAY = date(2026, 1, 2)
K, R, S = Audit.Kind, Audit.Reason, Audit.Status


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-01-02 09:00:00+08:00", tick=False)


def approved(**kwargs):
    kwargs.setdefault("status", "active")
    return make_supplier(**kwargs)


def high_risk(supplier, year=YEAR):
    return WorklistItem.objects.create(supplier=supplier, year=year, kind=WorklistItem.Kind.ONSITE_AUDIT, reason="High risk")


def generated(year=YEAR):
    return {a.supplier_id: a for a in Audit.objects.for_year(year)}


# ---------------------------------------------------------------- generating


def test_every_approved_tier1_supplier_gets_an_annual_desk_review_and_a_key_one_an_onsite_audit(compliance):
    plain = approved(tier=1)
    key = approved(tier=1, is_key=True)
    conditional = approved(tier=1, status="conditional")

    result = programme.generate_programme(YEAR, actor=compliance)

    audits = generated()
    assert (audits[plain.pk].kind, audits[plain.pk].reason) == (K.DESK, R.ANNUAL_TIER1)
    assert (audits[key.pk].kind, audits[key.pk].reason) == (K.ONSITE, R.ANNUAL_TIER1)
    assert audits[conditional.pk].status == S.PLANNED and audits[conditional.pk].created_by == compliance
    assert result.created == 3 and result.by_reason == {R.ANNUAL_TIER1: 3}
    assert result.by_kind == {K.DESK: 2, K.ONSITE: 1}


def test_key_sub_suppliers_get_an_annual_onsite_audit_and_other_sub_suppliers_none(compliance):
    key = approved(tier=2, is_key=True)
    deep_key = approved(tier=3, is_key=True)
    approved(tier=2)

    programme.generate_programme(YEAR, actor=compliance)

    audits = generated()
    assert set(audits) == {key.pk, deep_key.pk}
    assert {(a.kind, a.reason) for a in audits.values()} == {(K.ONSITE, R.ANNUAL_KEY)}


@pytest.mark.parametrize("status", ["prospect", "qualification", "certification", "suspended", "exited", "blacklisted"])
def test_suppliers_not_on_the_approved_list_are_not_planned(compliance, status):
    supplier = make_supplier(tier=1, is_key=True, status=status)
    high_risk(supplier)

    result = programme.generate_programme(YEAR, actor=compliance)

    assert result.created == 0 and not Audit.objects.exists()


def test_a_high_risk_supplier_gets_an_onsite_audit_linked_to_its_worklist_item_instead_of_the_annual_one(compliance):
    tier1 = approved(tier=1)
    sub = approved(tier=2)
    item_tier1, item_sub = high_risk(tier1), high_risk(sub)

    result = programme.generate_programme(YEAR, actor=compliance)

    audits = generated()
    assert (audits[tier1.pk].kind, audits[tier1.pk].reason, audits[tier1.pk].worklist_item) == (K.ONSITE, R.HIGH_RISK, item_tier1)
    assert (audits[sub.pk].kind, audits[sub.pk].reason, audits[sub.pk].worklist_item) == (K.ONSITE, R.HIGH_RISK, item_sub)
    assert result.created == 2 and result.by_reason == {R.HIGH_RISK: 2}


def test_a_high_risk_supplier_with_an_onsite_audit_within_the_cycle_gets_only_its_annual_audit(compliance):
    supplier = approved(tier=1)
    high_risk(supplier)
    make_reported_audit(supplier, year=YEAR - 1, report_date=date(2024, 6, 1), kind=K.ONSITE)

    programme.generate_programme(YEAR, actor=compliance)

    audit = Audit.objects.get(supplier=supplier, year=YEAR)
    assert (audit.kind, audit.reason, audit.worklist_item) == (K.DESK, R.ANNUAL_TIER1, None)


def test_the_onsite_cycle_is_a_policy_setting(compliance):
    PolicySettings.objects.update_or_create(pk=1, defaults={"onsite_audit_cycle_years": 1})
    supplier = approved(tier=2)
    high_risk(supplier)
    make_reported_audit(supplier, year=YEAR - 1, report_date=date(2024, 6, 1), kind=K.THIRD_PARTY)

    programme.generate_programme(YEAR, actor=compliance)

    assert Audit.objects.get(supplier=supplier, year=YEAR).reason == R.HIGH_RISK


def test_the_annual_audits_follow_the_policy_switches(compliance):
    PolicySettings.objects.update_or_create(pk=1, defaults={"annual_audit_tier1": False, "annual_audit_key": False})
    approved(tier=1, is_key=True)
    approved(tier=2, is_key=True)
    risky = approved(tier=2)
    high_risk(risky)

    programme.generate_programme(YEAR, actor=compliance)

    assert list(Audit.objects.values_list("supplier_id", "reason")) == [(risky.pk, R.HIGH_RISK)]


def test_generating_again_plans_nothing_twice(compliance):
    approved(tier=1)
    approved(tier=2, is_key=True)
    programme.generate_programme(YEAR, actor=compliance)

    again = programme.generate_programme(YEAR, actor=compliance)

    assert again.created == 0 and again.already_planned == 2
    assert Audit.objects.count() == 2


def test_existing_audits_of_the_year_are_not_duplicated_and_a_cancelled_generated_one_stays_cancelled(compliance):
    manual = approved(tier=1)
    make_audit(manual, year=YEAR, kind=K.ONSITE, reason=R.MANUAL)
    cancelled = approved(tier=1)
    make_audit(cancelled, year=YEAR, kind=K.DESK, reason=R.ANNUAL_TIER1, status=S.CANCELLED)
    cancelled_manual = approved(tier=1)
    make_audit(cancelled_manual, year=YEAR, kind=K.DESK, reason=R.MANUAL, status=S.CANCELLED)
    last_year = approved(tier=1)
    make_audit(last_year, year=YEAR - 1, kind=K.DESK, reason=R.ANNUAL_TIER1)

    result = programme.generate_programme(YEAR, actor=compliance)

    assert result.created == 2 and result.already_planned == 2
    assert Audit.objects.filter(supplier=manual, year=YEAR).count() == 1
    assert Audit.objects.filter(supplier=cancelled, year=YEAR).count() == 1
    assert Audit.objects.filter(supplier=cancelled_manual, year=YEAR, status=S.PLANNED, reason=R.ANNUAL_TIER1).exists()
    assert Audit.objects.filter(supplier=last_year, year=YEAR).exists()


def test_a_planned_annual_desk_review_becomes_the_onsite_audit_once_the_supplier_is_high_risk(compliance):
    supplier = approved(tier=1)
    programme.generate_programme(YEAR, actor=compliance)
    item = high_risk(supplier)

    result = programme.generate_programme(YEAR, actor=compliance)

    audit = Audit.objects.get(supplier=supplier, year=YEAR)
    assert (audit.kind, audit.reason, audit.worklist_item) == (K.ONSITE, R.HIGH_RISK, item)
    assert result.upgraded == 1 and result.created == 0
    event = AuditEvent.objects.get(action="audit.upgraded")
    assert event.changes == {"reason": [R.ANNUAL_TIER1, R.HIGH_RISK], "kind": [K.DESK, K.ONSITE]} and event.supplier == supplier


def test_a_started_audit_is_not_upgraded(compliance):
    supplier = approved(tier=1)
    make_audit(supplier, year=YEAR, kind=K.DESK, reason=R.ANNUAL_TIER1, status=S.IN_PROGRESS)
    high_risk(supplier)

    result = programme.generate_programme(YEAR, actor=compliance)

    assert result.upgraded == 0 and Audit.objects.get(supplier=supplier).kind == K.DESK


def test_planned_dates_spread_over_the_working_weeks_with_high_risk_first(compliance):
    suppliers = [approved(tier=1, legal_name=f"Supplier {n:02d}") for n in range(10)]
    high_risk(suppliers[9])

    programme.generate_programme(YEAR, actor=compliance)

    audits = list(Audit.objects.order_by("planned_start", "pk"))
    assert audits[0].supplier == suppliers[9] and audits[0].reason == R.HIGH_RISK
    starts = [a.planned_start for a in audits]
    assert all(d.weekday() == 0 and d.year == YEAR for d in starts)
    assert len(set(starts)) == 10 and starts == sorted(starts)
    assert starts[0] == date(2026, 1, 5) and starts[-1] >= date(2026, 11, 1)
    onsite = audits[0]
    assert onsite.planned_end == onsite.planned_start + timedelta(days=1)
    assert audits[1].planned_end == audits[1].planned_start + timedelta(days=4)


@pytest.mark.parametrize(
    ("now", "first"),
    [
        ("2026-09-16 09:00:00+00:00", date(2026, 9, 17)),  # a Wednesday: from Thursday, never the Monday just past
        ("2026-09-18 09:00:00+00:00", date(2026, 9, 21)),  # a Friday: tomorrow is Saturday, so next Monday
        ("2026-01-02 09:00:00+00:00", date(2026, 1, 5)),
    ],
)
def test_the_audit_programme_never_plans_an_audit_in_the_past(compliance, time_machine, now, first):
    """Issue 9: generated dates start no earlier than tomorrow."""
    time_machine.move_to(now, tick=False)
    for _n in range(5):
        approved(tier=1)

    programme.generate_programme(YEAR, actor=compliance)

    starts = list(Audit.objects.values_list("planned_start", flat=True))
    assert min(starts) == first and max(starts) <= date(2026, 12, 31)
    assert all(d.weekday() < 5 for d in starts)


TWO_A_WEEK = dict.fromkeys([date(2026, 12, 2), date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 28)], 2)


@pytest.mark.parametrize(
    ("capacity", "booked", "per_week", "over"),
    [
        (2, 0, TWO_A_WEEK, 0),
        # audits already planned in a week count against its capacity
        (2, 2, TWO_A_WEEK, 0),
        # more audits than capacity: the rest go to the least-loaded weeks and are reported
        (1, 0, TWO_A_WEEK, 5),
    ],
)
def test_the_audit_programme_spreads_audits_by_the_auditors_weekly_capacity(
    compliance, time_machine, capacity, booked, per_week, over
):
    time_machine.move_to("2026-12-01 09:00:00+00:00", tick=False)
    PolicySettings.objects.update_or_create(pk=1, defaults={"audit_capacity_per_week": capacity})
    for n in range(booked):
        start = date(2026, 12, 7 + n % 2)
        make_audit(approved(tier=1), year=YEAR, kind=K.DESK, reason=R.MANUAL, planned_start=start, planned_end=date(2026, 12, 9))
    new = [approved(tier=1) for _n in range(10 - booked)]

    result = programme.generate_programme(YEAR, actor=compliance)

    counts: dict[date, int] = {}
    for start in Audit.objects.exclude(status=S.CANCELLED).values_list("planned_start", flat=True):
        assert start >= date(2026, 12, 2)
        week = max(audit_rules.week_of(start), date(2026, 12, 2))
        counts[week] = counts.get(week, 0) + 1
    assert counts == per_week and result.created == len(new) and result.over_capacity == over


def test_a_year_with_no_working_day_left_is_refused(compliance, time_machine):
    time_machine.move_to("2026-12-31 09:00:00+00:00", tick=False)
    approved(tier=1)
    with pytest.raises(RuleViolation, match="no working day is left in 2026"):
        programme.generate_programme(YEAR, actor=compliance)
    assert not Audit.objects.exists()


def test_every_planned_audit_is_recorded_in_the_supplier_history(compliance):
    supplier = approved(tier=1)

    programme.generate_programme(YEAR, actor=compliance)

    event = AuditEvent.objects.get(action="audit.planned")
    assert event.supplier == supplier and event.actor == compliance
    assert event.changes["reason"] == [None, R.ANNUAL_TIER1]


def test_generating_costs_the_same_queries_for_ten_or_forty_suppliers(compliance):
    PolicySettings.current()

    def queries(count):
        Audit.objects.all().delete()
        for n in range(count):
            supplier = approved(tier=1 + n % 2, is_key=n % 3 == 0)
            if n % 4 == 0:
                high_risk(supplier)
        with CaptureQueriesContext(connection) as ctx:
            result = programme.generate_programme(YEAR, actor=compliance)
        return len(ctx.captured_queries), result.created

    small, small_created = queries(10)
    large, large_created = queries(40)
    assert large_created > small_created
    assert large == small


def test_an_impossible_year_is_refused(compliance):
    with pytest.raises(RuleViolation, match="year"):
        programme.generate_programme(1999, actor=compliance)


@pytest.mark.parametrize(
    ("year", "on", "first", "last", "count"),
    [
        (2026, date(2025, 12, 1), date(2026, 1, 1), date(2026, 12, 28), 53),
        (2026, date(2026, 6, 10), date(2026, 6, 11), date(2026, 12, 28), 30),
        (2026, date(2026, 6, 12), date(2026, 6, 15), date(2026, 12, 28), 29),
        (2026, date(2026, 12, 30), date(2026, 12, 31), date(2026, 12, 31), 1),
    ],
)
def test_programme_weeks_start_no_earlier_than_tomorrow(year, on, first, last, count):
    weeks = audit_rules.programme_weeks(year, on)
    assert (weeks[0], weeks[-1], len(weeks)) == (first, last, count)
    assert all(w.weekday() == 0 for w in weeks[1:])


def test_programme_weeks_are_empty_when_the_year_is_over():
    assert audit_rules.programme_weeks(2026, date(2026, 12, 31)) == []
    assert audit_rules.programme_weeks(2025, date(2026, 3, 1)) == []


# ---------------------------------------------------------------- by hand


def test_a_planner_adds_an_audit_by_hand(compliance, auditor):
    supplier = make_supplier()
    site = make_site(supplier)

    audit = programme.plan_audit(
        actor=compliance,
        supplier=supplier,
        year=YEAR,
        kind=K.THIRD_PARTY,
        scheme=Audit.Scheme.RBA_VAP,
        planned_start=date(2026, 4, 6),
        planned_end=date(2026, 4, 8),
        lead_auditor=auditor,
        audit_firm="  Bureau   Veritas ",
        scope=["labour", "health_safety", "labour"],
        site=site,
    )

    assert (audit.reason, audit.status, audit.audit_firm, audit.site) == (R.MANUAL, S.PLANNED, "Bureau Veritas", site)
    assert audit.scope == ["labour", "health_safety"]
    event = AuditEvent.objects.get(action="audit.planned")
    assert event.supplier == supplier and event.changes["kind"] == [None, K.THIRD_PARTY]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"planned_start": date(2026, 5, 2), "planned_end": date(2026, 5, 1)}, "planned_end: the end is before the start"),
        ({"kind": K.THIRD_PARTY}, "audit_firm: name the audit firm"),
        ({"kind": "spa_visit"}, "kind:"),
        ({"scheme": "iso"}, "scheme:"),
        ({"scope": ["labour", "astrology"]}, "scope: unknown risk categories astrology"),
        ({"year": 1999}, "year:"),
    ],
)
def test_planning_refuses_bad_input_naming_the_field_and_writes_nothing(compliance, changes, message):
    fields = {"supplier": make_supplier(), "year": YEAR, "kind": K.DESK, **changes}

    with pytest.raises(RuleViolation) as exc:
        programme.plan_audit(actor=compliance, **fields)

    assert any(message in m for m in exc.value.messages)
    assert not Audit.objects.exists() and not AuditEvent.objects.filter(action="audit.planned").exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PROCUREMENT, "supplier"])
def test_the_lead_auditor_must_be_staff_who_may_conduct_audits(compliance, role):
    supplier = make_supplier()
    lead = make_user(role, supplier=supplier if role == "supplier" else None)

    with pytest.raises(RuleViolation, match="lead_auditor"):
        programme.plan_audit(actor=compliance, supplier=supplier, year=YEAR, kind=K.DESK, lead_auditor=lead)


def test_a_blacklisted_supplier_and_a_site_of_another_supplier_are_refused(compliance):
    banned = make_supplier(status="blacklisted")
    other_site = make_site(make_supplier())

    with pytest.raises(RuleViolation) as exc:
        programme.plan_audit(actor=compliance, supplier=banned, year=YEAR, kind=K.DESK, site=other_site)

    assert any(m.startswith("supplier:") for m in exc.value.messages)
    assert any(m.startswith("site:") for m in exc.value.messages)


def test_a_planner_moves_the_dates_and_names_the_auditor(compliance, auditor):
    audit = make_audit(year=YEAR)

    programme.update_audit(
        audit, actor=compliance, planned_start=date(2026, 5, 4), planned_end=date(2026, 5, 5), lead_auditor=auditor
    )

    audit.refresh_from_db()
    assert (audit.planned_start, audit.lead_auditor) == (date(2026, 5, 4), auditor)
    event = AuditEvent.objects.get(action="audit.changed")
    assert event.changes["planned_start"] == ["2026-03-02", "2026-05-04"]
    assert event.changes["lead_auditor"] == [None, str(auditor)]


def test_a_change_with_dates_in_the_wrong_order_is_refused_and_nothing_changes(compliance):
    audit = make_audit(year=YEAR)

    with pytest.raises(RuleViolation, match="planned_end: the end is before the start"):
        programme.update_audit(audit, actor=compliance, planned_end=date(2026, 3, 1))

    audit.refresh_from_db()
    assert audit.planned_end == date(2026, 3, 3)


def test_the_scope_of_a_running_audit_cannot_change_but_its_dates_can(compliance):
    audit = make_audit(year=YEAR, status=S.IN_PROGRESS, scope=["labour"])

    with pytest.raises(RuleViolation, match="scope"):
        programme.update_audit(audit, actor=compliance, scope=["labour", "environment"])
    programme.update_audit(audit, actor=compliance, planned_end=date(2026, 3, 4))

    audit.refresh_from_db()
    assert audit.planned_end == date(2026, 3, 4) and audit.scope == ["labour"]


@pytest.mark.parametrize("status", [S.REPORTED, S.CLOSED, S.CANCELLED])
def test_a_finished_audit_can_neither_change_nor_be_cancelled(compliance, status):
    audit = make_audit(year=YEAR, status=status)

    with pytest.raises(RuleViolation):
        programme.update_audit(audit, actor=compliance, planned_end=date(2026, 3, 4))
    with pytest.raises(RuleViolation):
        programme.cancel_audit(audit, actor=compliance, reason="Not needed")


def test_cancelling_needs_a_reason_which_goes_into_the_history(compliance):
    audit = make_audit(year=YEAR)

    with pytest.raises(RuleViolation, match="reason"):
        programme.cancel_audit(audit, actor=compliance, reason="  ")
    programme.cancel_audit(audit, actor=compliance, reason="Supplier closed the plant.")

    audit.refresh_from_db()
    assert audit.status == S.CANCELLED
    event = AuditEvent.objects.get(action="audit.cancelled")
    assert event.reason == "Supplier closed the plant." and event.changes == {"status": [S.PLANNED, S.CANCELLED]}


def test_overdue_audits_are_those_past_their_planned_end_without_a_report():
    late = make_audit(year=YEAR, planned_start=date(2025, 12, 1), planned_end=date(2025, 12, 2))
    make_audit(year=YEAR, planned_start=date(2025, 12, 1), planned_end=date(2025, 12, 2), status=S.REPORTED)
    make_audit(year=YEAR, planned_start=date(2026, 1, 5), planned_end=date(2026, 1, 6))

    assert list(Audit.objects.overdue(TODAY)) == [late]


# ---------------------------------------------------------------- the command


def test_the_plan_audits_command_generates_the_year_and_says_what_it_did():
    approved(tier=1)
    approved(tier=2, is_key=True)
    out = io.StringIO()

    call_command("plan_audits", "--year", "2026", stdout=out)
    call_command("plan_audits", "--year", "2026", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Programme 2026: 2 audits planned (annual_key 1, annual_tier1 1); 0 turned into on-site audits for high risk; "
        "0 suppliers already had an audit."
    )
    assert lines[1].startswith("Programme 2026: 0 audits planned (none)") and lines[1].endswith(
        "2 suppliers already had an audit."
    )
    assert AuditEvent.objects.filter(action="audit.planned", actor=None, actor_label="system").count() == 2


def test_the_plan_audits_command_refuses_an_impossible_year():
    with pytest.raises(CommandError, match="year"):
        call_command("plan_audits", "--year", "1990")
