"""The pure audit rules behind a report: result level, conformity score, corrective-action dates and the
improvement-plan deadline (ESG manual, RBA practice). No database."""

from datetime import date
from decimal import Decimal

import pytest

from supplyesg.audits import rules
from supplyesg.audits.rules import AuditPolicy
from supplyesg.core.models import PolicySettings

DEFAULT = AuditPolicy()


@pytest.mark.parametrize(
    ("counts", "policy", "expected"),
    [
        ({}, DEFAULT, "low"),
        ({"observation": 12}, DEFAULT, "low"),
        ({"minor": 4}, DEFAULT, "low"),
        ({"minor": 5}, DEFAULT, "medium"),
        ({"major": 1}, DEFAULT, "medium"),
        ({"major": 2, "minor": 1}, DEFAULT, "medium"),
        ({"major": 3}, DEFAULT, "high"),
        ({"priority": 1}, DEFAULT, "high"),
        ({"priority": "1"}, DEFAULT, "high"),
        # a threshold of 0 switches its rule off
        ({"priority": 1}, AuditPolicy(high_from_priority=0), "medium"),
        ({"priority": 1}, AuditPolicy(high_from_priority=2), "medium"),
        ({"priority": 2}, AuditPolicy(high_from_priority=2), "high"),
        ({"major": 9}, AuditPolicy(high_from_major=0), "medium"),
        ({"major": 1}, AuditPolicy(medium_from_major=0), "low"),
        ({"major": 2}, AuditPolicy(medium_from_major=3), "low"),
        ({"minor": 50}, AuditPolicy(medium_from_minor=0), "low"),
        ({"minor": 2}, AuditPolicy(medium_from_minor=2), "medium"),
    ],
)
def test_the_result_level_follows_the_finding_counts(counts, policy, expected):
    assert rules.result_level(counts, policy) == expected


@pytest.mark.parametrize(
    ("conforming", "nonconforming", "expected"),
    [
        (0, 0, None),
        (-1, 0, None),
        (5, 0, Decimal("100.00")),
        (0, 5, Decimal("0.00")),
        (3, 1, Decimal("75.00")),
        (1, 2, Decimal("33.33")),
        (2, 1, Decimal("66.67")),
        (1, 31, Decimal("3.13")),  # 3.125 rounds half up
    ],
)
def test_the_conformity_score_is_the_share_of_checked_applicable_items_that_conform(conforming, nonconforming, expected):
    assert rules.conformity_score(conforming, nonconforming) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 15), 3, date(2026, 6, 15)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 10, 31), 1, date(2026, 11, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_the_end_of_the_month(day, months, expected):
    assert rules.add_months(day, months) == expected


REPORT = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("severity", "policy", "expected"),
    [
        ("priority", DEFAULT, date(2026, 3, 17)),
        ("major", DEFAULT, date(2026, 3, 24)),
        ("minor", DEFAULT, date(2026, 3, 24)),
        ("observation", DEFAULT, date(2026, 3, 24)),
        ("priority", AuditPolicy(plan_days_priority=3), date(2026, 3, 13)),
        ("major", AuditPolicy(plan_days=21), date(2026, 3, 31)),
    ],
)
def test_a_plan_is_due_7_days_after_the_report_for_a_priority_finding_and_14_otherwise(severity, policy, expected):
    assert rules.plan_due(REPORT, severity, policy) == expected


@pytest.mark.parametrize(
    ("severity", "policy", "expected"),
    [
        ("priority", DEFAULT, date(2026, 4, 9)),
        ("major", DEFAULT, date(2026, 6, 8)),
        ("minor", DEFAULT, date(2026, 9, 6)),
        ("major", AuditPolicy(remediation_days={"priority": 10, "major": 20, "minor": 30}), date(2026, 3, 30)),
    ],
)
def test_remediation_is_due_30_90_or_180_days_after_the_report(severity, policy, expected):
    assert rules.remediation_due(REPORT, severity, policy) == expected


def test_an_observation_has_no_remediation_clock():
    with pytest.raises(ValueError, match="observation"):
        rules.remediation_due(REPORT, "observation", DEFAULT)


@pytest.mark.parametrize(
    ("report_date", "level", "policy", "expected"),
    [
        (REPORT, "medium", DEFAULT, date(2026, 9, 10)),
        (REPORT, "high", DEFAULT, date(2026, 6, 10)),
        (REPORT, "low", DEFAULT, None),
        (date(2026, 8, 31), "medium", DEFAULT, date(2027, 2, 28)),
        (date(2026, 11, 30), "high", DEFAULT, date(2027, 2, 28)),
        (REPORT, "medium", AuditPolicy(improvement_plan_months={"medium": 0, "high": 3}), None),
        (REPORT, "high", AuditPolicy(improvement_plan_months={"medium": 6, "high": 1}), date(2026, 4, 10)),
    ],
)
def test_the_improvement_plan_is_due_6_months_after_a_medium_and_3_after_a_high_result(report_date, level, policy, expected):
    assert rules.improvement_plan_due(report_date, level, policy) == expected


def test_the_policy_is_read_from_the_settings_fields():
    settings = PolicySettings(
        audit_high_from_priority=2,
        audit_high_from_major=4,
        audit_medium_from_major=2,
        audit_medium_from_minor=6,
        cap_plan_days=10,
        cap_plan_days_priority=5,
        remediation_days_priority=20,
        remediation_days_major=60,
        remediation_days_minor=120,
        improvement_plan_months_medium=5,
        improvement_plan_months_high=2,
        reminder_days_before_due=3,
    )

    policy = AuditPolicy.from_settings(settings)

    assert (policy.high_from_priority, policy.high_from_major, policy.medium_from_major, policy.medium_from_minor) == (2, 4, 2, 6)
    assert (policy.plan_days, policy.plan_days_priority, policy.reminder_days_before) == (10, 5, 3)
    assert policy.remediation_days == {"priority": 20, "major": 60, "minor": 120}
    assert policy.improvement_plan_months == {"medium": 5, "high": 2}


def test_the_default_settings_give_the_seed_policy():
    assert AuditPolicy.from_settings(PolicySettings()) == AuditPolicy()
