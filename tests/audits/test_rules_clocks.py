"""The pure clock rules of corrective actions: which step the daily job takes for one action, what a late
improvement plan means, and month arithmetic for the improvement-plan date. No database."""

from datetime import date

import pytest

from supplyesg.audits import rules
from supplyesg.audits.rules import (
    ESCALATE_PLAN,
    ESCALATE_REMEDIATION,
    ESG_MINUS_ONE,
    RECOMMEND_TERMINATION,
    REMIND_PLAN,
    REMIND_REMEDIATION,
    ActionClock,
    AuditPolicy,
    add_months,
    clock_action,
    improvement_plan_consequence,
)

POLICY = AuditPolicy()  # reminders 7 days before
PLAN_DUE, REMEDIATION_DUE = date(2026, 3, 24), date(2026, 6, 8)


def clock(*, accepted=False, done=False, last=None, plan_escalated=None, remediation_escalated=None):
    return ActionClock(
        plan_due=PLAN_DUE,
        remediation_due=REMEDIATION_DUE,
        plan_accepted=accepted,
        done=done,
        last_reminded_on=last,
        plan_escalated_on=plan_escalated,
        remediation_escalated_on=remediation_escalated,
    )


@pytest.mark.parametrize(
    ("case", "the_clock", "on", "expected"),
    [
        ("done actions have no clock, even long overdue", clock(accepted=True, done=True), date(2027, 1, 1), None),
        ("plan: before the reminder window", clock(), date(2026, 3, 16), None),
        ("plan: the window opens 7 days before", clock(), date(2026, 3, 17), REMIND_PLAN),
        ("plan: on the due date itself", clock(), date(2026, 3, 24), REMIND_PLAN),
        ("plan: reminded earlier, before the window", clock(last=date(2026, 3, 1)), date(2026, 3, 20), REMIND_PLAN),
        ("plan: already reminded in the window", clock(last=date(2026, 3, 17)), date(2026, 3, 20), None),
        ("plan: reminded today", clock(last=date(2026, 3, 20)), date(2026, 3, 20), None),
        ("plan: a day late is escalated", clock(), date(2026, 3, 25), ESCALATE_PLAN),
        ("plan: escalated once only", clock(plan_escalated=date(2026, 3, 25)), date(2026, 3, 30), None),
        ("remediation: before the window", clock(accepted=True), date(2026, 5, 31), None),
        ("remediation: the window opens", clock(accepted=True), date(2026, 6, 1), REMIND_REMEDIATION),
        (
            "remediation: a plan reminder does not count for it",
            clock(accepted=True, last=date(2026, 3, 17)),
            date(2026, 6, 1),
            REMIND_REMEDIATION,
        ),
        ("remediation: already reminded", clock(accepted=True, last=date(2026, 6, 2)), date(2026, 6, 5), None),
        ("remediation: late is escalated", clock(accepted=True), date(2026, 6, 9), ESCALATE_REMEDIATION),
        (
            "remediation: escalated once only",
            clock(accepted=True, remediation_escalated=date(2026, 6, 9)),
            date(2026, 7, 1),
            None,
        ),
        (
            "an accepted plan runs on the remediation clock even after a plan escalation",
            clock(accepted=True, plan_escalated=date(2026, 3, 25)),
            date(2026, 4, 1),
            None,
        ),
        ("a late plan is escalated even past the remediation date", clock(), date(2026, 7, 1), ESCALATE_PLAN),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_clock_action_takes_one_step_per_day(case, the_clock, on, expected):
    assert clock_action(the_clock, on, POLICY) == expected


def test_clock_action_never_reminds_when_reminders_are_switched_off():
    policy = AuditPolicy(reminder_days_before=0)
    assert clock_action(clock(), date(2026, 3, 24), policy) is None
    assert clock_action(clock(accepted=True), date(2026, 6, 8), policy) is None
    assert clock_action(clock(), date(2026, 3, 25), policy) == ESCALATE_PLAN


def test_clock_action_uses_the_policy_window():
    policy = AuditPolicy(reminder_days_before=14)
    assert clock_action(clock(), date(2026, 3, 10), policy) == REMIND_PLAN
    assert clock_action(clock(), date(2026, 3, 9), policy) is None


@pytest.mark.parametrize(
    ("level", "due", "accepted", "on", "expected"),
    [
        ("medium", None, False, date(2026, 12, 1), None),
        ("high", date(2026, 6, 10), True, date(2026, 7, 1), None),
        ("high", date(2026, 6, 10), False, date(2026, 6, 10), None),
        ("high", date(2026, 6, 10), False, date(2026, 6, 9), None),
        ("high", date(2026, 6, 10), False, date(2026, 6, 11), RECOMMEND_TERMINATION),
        ("medium", date(2026, 9, 10), False, date(2026, 9, 11), ESG_MINUS_ONE),
        ("low", date(2026, 9, 10), False, date(2026, 9, 11), None),
        ("", date(2026, 9, 10), False, date(2026, 9, 11), None),
    ],
)
def test_improvement_plan_consequence(level, due, accepted, on, expected):
    assert improvement_plan_consequence(level, due, accepted, on) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 0, date(2026, 3, 10)),
        (date(2026, 3, 10), 6, date(2026, 9, 10)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # month end clamped
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),  # year wrap
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 10, 31), 14, date(2027, 12, 31)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),  # backwards over the year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("level", "months", "expected"),
    [("medium", 6, date(2026, 9, 10)), ("high", 3, date(2026, 6, 10)), ("low", None, None)],
)
def test_improvement_plan_due_follows_the_policy_months(level, months, expected):
    assert rules.improvement_plan_due(date(2026, 3, 10), level, POLICY) == expected


# ---------------------------------------------------------------- ESG manual: the improvement-plan windows


@pytest.mark.parametrize(
    ("level", "severity", "plan_due", "plan_target", "remediation_due"),
    [
        # medium: "reasonable improvement plans must be provided within 6 months"
        ("medium", "major", date(2026, 9, 10), date(2026, 3, 24), date(2026, 9, 10)),
        ("medium", "minor", date(2026, 9, 10), date(2026, 3, 24), date(2026, 9, 10)),
        ("medium", "priority", date(2026, 9, 10), date(2026, 3, 17), date(2026, 9, 10)),
        # high: "within 3 months for all audit non-conformities"
        ("high", "priority", date(2026, 6, 10), date(2026, 3, 17), date(2026, 6, 10)),
        ("high", "minor", date(2026, 6, 10), date(2026, 3, 24), date(2026, 9, 6)),
        # low: the time frame both parties agree; 14 days and 30/90/180 are suggested defaults
        ("low", "major", date(2026, 3, 24), None, date(2026, 6, 8)),
        ("low", "minor", date(2026, 3, 24), None, date(2026, 9, 6)),
    ],
)
def test_esg_manual_the_plan_date_the_supplier_sees_is_6_months_medium_3_months_high(
    level, severity, plan_due, plan_target, remediation_due
):
    dates = rules.action_dates(date(2026, 3, 10), severity, level, POLICY)
    assert (dates.plan_due, dates.plan_target, dates.remediation_due) == (plan_due, plan_target, remediation_due)


@pytest.mark.parametrize(
    ("level", "on", "step"),
    [
        # past the internal 14-day target but inside the manual's window: nothing counts against the supplier
        ("medium", date(2026, 3, 25), None),
        ("medium", date(2026, 9, 10), REMIND_PLAN),  # a reminder is not a sanction
        ("medium", date(2026, 9, 11), ESCALATE_PLAN),
        ("high", date(2026, 4, 1), None),
        ("high", date(2026, 6, 10), REMIND_PLAN),
        ("high", date(2026, 6, 11), ESCALATE_PLAN),
    ],
)
def test_esg_manual_no_escalation_while_the_supplier_is_inside_the_improvement_plan_window(level, on, step):
    dates = rules.action_dates(date(2026, 3, 10), "major", level, POLICY)
    the_clock = ActionClock(plan_due=dates.plan_due, remediation_due=dates.remediation_due, plan_accepted=False, done=False)
    assert clock_action(the_clock, on, POLICY) == step
