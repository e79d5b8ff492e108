"""The yearly training figures a sustainability report gives (ASUS: "4,423 person-times in 690 hours", "more
than 90 % of the participants positive"; AIKO: training for all suppliers), computed from plain rows.

No Django here: the service reads the rows for a year and this module counts, so every figure is tested on
hand-computed data without a database. Definitions (the figures page says them too):
- suppliers invited: distinct suppliers asked to a session held in the year;
- suppliers trained: distinct suppliers with at least one completed attendance in the year;
- person-times: attendances (a person at a course) marked attended in the year; hours: their hours;
- completion rate: completed / attended; pass rate: passed / attended with a test result;
- satisfaction: answers rated at or above the positive mark / all answers;
- cascade reach: people the suppliers trained themselves (in-house + their sub-tier) and the sub-tier suppliers
  they reached, from cascade reports whose period ends in the year, plus how many suppliers reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class AttendanceRow:
    supplier_id: int
    attended: bool
    completed: bool
    passed: bool | None  # None: no test
    hours: Decimal


@dataclass(frozen=True)
class CascadeRow:
    supplier_id: int
    people_trained: int
    subtier_people_trained: int
    subtier_suppliers_reached: int
    hours: Decimal


@dataclass(frozen=True)
class YearFigures:
    year: int
    suppliers_invited: int
    suppliers_trained: int
    person_times: int
    hours: Decimal
    completion_rate: Decimal | None  # percentages with one decimal; None when nothing to divide
    pass_rate: Decimal | None
    satisfaction: Decimal | None
    answers: int
    cascade_people: int
    cascade_subtier_suppliers: int
    cascade_reporting_suppliers: int
    cascade_hours: Decimal


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def year_figures(
    year: int,
    *,
    invited_supplier_ids,
    attendances: list[AttendanceRow],
    ratings: list[int],
    positive_from: int,
    cascades: list[CascadeRow],
) -> YearFigures:
    attended = [a for a in attendances if a.attended]
    completed = [a for a in attended if a.completed]
    tested = [a for a in attended if a.passed is not None]
    return YearFigures(
        year=year,
        suppliers_invited=len(set(invited_supplier_ids)),
        suppliers_trained=len({a.supplier_id for a in completed}),
        person_times=len(attended),
        hours=sum((a.hours for a in attended), Decimal("0")),
        completion_rate=percent(len(completed), len(attended)),
        pass_rate=percent(sum(1 for a in tested if a.passed), len(tested)),
        satisfaction=percent(sum(1 for r in ratings if r >= positive_from), len(ratings)),
        answers=len(ratings),
        cascade_people=sum(c.people_trained + c.subtier_people_trained for c in cascades),
        cascade_subtier_suppliers=sum(c.subtier_suppliers_reached for c in cascades),
        cascade_reporting_suppliers=len({c.supplier_id for c in cascades}),
        cascade_hours=sum((c.hours for c in cascades), Decimal("0")),
    )


def passed(score: Decimal | None, pass_mark: int | None) -> bool | None:
    """Passed against the course's pass mark (a percentage); None when the course has no test or no score."""
    if pass_mark is None or score is None:
        return None
    return score >= Decimal(pass_mark)
