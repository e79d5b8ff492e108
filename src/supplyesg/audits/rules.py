"""Audit rules with no database: the result level of an audit, the corrective-action clocks and what the daily
job does when one runs out. Policy numbers come in through `AuditPolicy` (built from PolicySettings)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

PRIORITY, MAJOR, MINOR, OBSERVATION = "priority", "major", "minor", "observation"
NONCONFORMITIES = (PRIORITY, MAJOR, MINOR)
LOW, MEDIUM, HIGH = "low", "medium", "high"


@dataclass(frozen=True)
class AuditPolicy:
    high_from_priority: int = 1
    high_from_major: int = 3
    medium_from_major: int = 1
    medium_from_minor: int = 5
    plan_days: int = 14
    plan_days_priority: int = 7
    remediation_days: Mapping[str, int] = None  # {"priority": 30, "major": 90, "minor": 180}
    improvement_plan_months: Mapping[str, int] = None  # {"medium": 6, "high": 3}
    reminder_days_before: int = 7

    def __post_init__(self):
        if self.remediation_days is None:
            object.__setattr__(self, "remediation_days", {PRIORITY: 30, MAJOR: 90, MINOR: 180})
        if self.improvement_plan_months is None:
            object.__setattr__(self, "improvement_plan_months", {MEDIUM: 6, HIGH: 3})

    @classmethod
    def from_settings(cls, s) -> AuditPolicy:
        return cls(
            high_from_priority=s.audit_high_from_priority,
            high_from_major=s.audit_high_from_major,
            medium_from_major=s.audit_medium_from_major,
            medium_from_minor=s.audit_medium_from_minor,
            plan_days=s.cap_plan_days,
            plan_days_priority=s.cap_plan_days_priority,
            remediation_days={
                PRIORITY: s.remediation_days_priority,
                MAJOR: s.remediation_days_major,
                MINOR: s.remediation_days_minor,
            },
            improvement_plan_months={MEDIUM: s.improvement_plan_months_medium, HIGH: s.improvement_plan_months_high},
            reminder_days_before=s.reminder_days_before_due,
        )


def _reaches(count: int, threshold: int) -> bool:
    return threshold > 0 and count >= threshold


def result_level(counts: Mapping[str, int], policy: AuditPolicy) -> str:
    """Findings by severity → low / medium / high. A threshold of 0 switches that rule off."""
    priority, major, minor = (int(counts.get(k, 0)) for k in NONCONFORMITIES)
    if _reaches(priority, policy.high_from_priority) or _reaches(major, policy.high_from_major):
        return HIGH
    if priority or _reaches(major, policy.medium_from_major) or _reaches(minor, policy.medium_from_minor):
        return MEDIUM
    return LOW


def conformity_score(conforming: int, nonconforming: int) -> Decimal | None:
    """Share of checked, applicable items that conform, 0-100; None when nothing applicable was checked."""
    checked = conforming + nonconforming
    if checked <= 0:
        return None
    return (Decimal(100) * conforming / checked).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_due(report_date: date, severity: str, policy: AuditPolicy) -> date:
    days = policy.plan_days_priority if severity == PRIORITY else policy.plan_days
    return report_date + timedelta(days=days)


def remediation_due(report_date: date, severity: str, policy: AuditPolicy) -> date:
    if severity not in NONCONFORMITIES:
        raise ValueError(f"an {severity!r} finding has no remediation clock")
    return report_date + timedelta(days=policy.remediation_days[severity])


def improvement_plan_due(report_date: date, level: str, policy: AuditPolicy) -> date | None:
    """Medium: 6 months, high: 3 months by default; low risk closes in the time agreed per finding (None)."""
    months = policy.improvement_plan_months.get(level)
    return add_months(report_date, months) if months else None


@dataclass(frozen=True)
class ActionDates:
    plan_due: date  # the date the supplier sees and is held to
    plan_target: date | None  # a shorter internal target (medium and high risk): nothing counts against the supplier
    remediation_due: date  # a suggested default until the auditor agrees the supplier's completion date


def action_dates(report_date: date, severity: str, level: str, policy: AuditPolicy) -> ActionDates:
    """ESG manual, audit scoring: after a medium or high result the supplier has 6 / 3 months from the report for
    its improvement plan, so that window is the plan date it sees; the usual 14 / 7 days become an internal target
    only. The remediation period is a suggestion, never earlier than the plan date (it starts from an agreed plan)."""
    internal = plan_due(report_date, severity, policy)
    window = improvement_plan_due(report_date, level, policy)
    suggested = remediation_due(report_date, severity, policy)
    if window is None or window <= internal:
        return ActionDates(internal, None, suggested)
    return ActionDates(window, internal, max(suggested, window))


# ---------------------------------------------------------------- the audit programme


def programme_weeks(year: int, on: date) -> list[date]:
    """The first day an audit may start in each working week of `year`, never earlier than the day after `on`:
    the Monday, or in the first week the first weekday from then. Empty when the year has no working day left."""
    day = max(date(year, 1, 1), on + timedelta(days=1))
    while day.weekday() > 4:
        day += timedelta(days=1)
    weeks = []
    while day.year == year:
        weeks.append(day)
        day += timedelta(days=7 - day.weekday())
    return weeks


def week_of(day: date) -> date:
    """The Monday of the day's week: the key under which audits are counted against the weekly capacity."""
    return day - timedelta(days=day.weekday())


def spread_over_capacity(count: int, weeks: list[date], booked: Mapping[date, int], capacity: int) -> list[date]:
    """`count` start dates spread evenly over `weeks`, never more than `capacity` audits starting in one week
    (those already `booked`, keyed by week_of, count too). A full week passes its audit to the next week with room;
    when the whole year is full the rest go to the least-loaded weeks (see `over_capacity`). Sorted."""
    if count <= 0 or not weeks:
        return []
    load = [int(booked.get(week_of(w), 0)) for w in weeks]
    chosen = []
    for i in range(count):
        target = i * len(weeks) // count
        order = [*range(target, len(weeks)), *range(target)]
        index = next((j for j in order if load[j] < capacity), None)
        if index is None:
            index = min(range(len(weeks)), key=lambda j: (load[j], j))
        load[index] += 1
        chosen.append(weeks[index])
    return sorted(chosen)


def over_capacity(count: int, weeks: list[date], booked: Mapping[date, int], capacity: int) -> int:
    """How many of `count` new audits do not fit in the weeks' remaining capacity."""
    free = sum(max(0, capacity - int(booked.get(week_of(w), 0))) for w in weeks)
    return max(0, count - free)


# ---------------------------------------------------------------- the daily job

REMIND_PLAN, REMIND_REMEDIATION = "remind_plan", "remind_remediation"
ESCALATE_PLAN, ESCALATE_REMEDIATION = "escalate_plan", "escalate_remediation"


@dataclass(frozen=True)
class ActionClock:
    """What the daily job needs to know of one corrective action."""

    plan_due: date
    remediation_due: date
    plan_accepted: bool  # approved, completed or closed
    done: bool  # completed (evidence in) or closed: the remediation clock has stopped
    last_reminded_on: date | None = None
    plan_escalated_on: date | None = None
    remediation_escalated_on: date | None = None


def clock_action(clock: ActionClock, on: date, policy: AuditPolicy) -> str | None:
    """One step per day at most: escalate once when a date has passed, else remind once when it comes near."""
    if clock.done:
        return None
    if not clock.plan_accepted:
        if on > clock.plan_due:
            return ESCALATE_PLAN if clock.plan_escalated_on is None else None
        return REMIND_PLAN if _reminder_window(clock.plan_due, on, clock.last_reminded_on, policy) else None
    if on > clock.remediation_due:
        return ESCALATE_REMEDIATION if clock.remediation_escalated_on is None else None
    return REMIND_REMEDIATION if _reminder_window(clock.remediation_due, on, clock.last_reminded_on, policy) else None


def _reminder_window(due: date, on: date, last: date | None, policy: AuditPolicy) -> bool:
    if not policy.reminder_days_before:
        return False
    window = due - timedelta(days=policy.reminder_days_before)
    return window <= on <= due and (last is None or last < window)


ESG_MINUS_ONE, RECOMMEND_TERMINATION = "esg_minus_one", "recommend_termination"


def improvement_plan_consequence(level: str, due: date | None, all_plans_accepted: bool, on: date) -> str | None:
    """ESG manual: a medium-risk audit without a reasonable improvement plan in time scores -1; a high-risk one
    means the order is terminated (a recommendation procurement decides)."""
    if due is None or all_plans_accepted or on <= due:
        return None
    if level == HIGH:
        return RECOMMEND_TERMINATION
    if level == MEDIUM:
        return ESG_MINUS_ONE
    return None
