"""Demo quarterly ratings for `supplyesg load_demo_programme` (see `audits.demo`): the last four quarters of
business scores imported the way procurement would (one ERP export per quarter through the real import), each
quarter computed, and procurement's decisions on the current quarter: an A confirmed, a C overridden with a
reason, a D confirmed (cooperation ends, so can-order says no) and a D left for procurement to decide.

Each supplier gets a standing (weak, fair or strong) and a trend from the seeded generator, so the grades spread
over A-D and the history has a trend. The portal users' suppliers are fair-to-good and never decided here.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core.errors import RuleViolation
from supplyesg.ratings import services
from supplyesg.ratings.importing import import_business_scores
from supplyesg.ratings.models import Action, BusinessScore, Grade, Rating
from supplyesg.ratings.quarters import Quarter
from supplyesg.suppliers.models import Supplier

QUARTERS = 4
STANDING = ((0.12, 48, 64), (0.70, 68, 90), (0.18, 91, 99))  # (share, lowest, highest base score)
PORTAL_BASES = {"supplier-a": 84, "supplier-b": 93}
PART_SPREAD = {"quality": 4, "delivery": 6, "cost": 5, "service": 3}
OVERRIDE_REASON = (
    "A new SMT line was qualified in October and the quality plan agreed at the business review is running; volume is "
    "kept as it is for one more quarter instead of a corrective-action programme."
)
TERMINATE_REASON = (
    "Grade D: quality and delivery far below target, and the improvement plan agreed at the last business review was "
    "not kept (AIKO: grade D ends cooperation)."
)


def last_quarters(today: date, count: int = QUARTERS) -> list[Quarter]:
    """The current quarter and the ones before it, oldest first."""
    period = Quarter.of(today)
    out = [period]
    for _n in range(count - 1):
        out.append(out[-1].previous())
    return out[::-1]


def _bases(rng: random.Random, suppliers, portal: dict[int, int]) -> dict[int, tuple[float, float]]:
    """(base score, change per quarter) per supplier."""
    out = {}
    for pk in suppliers:
        draw, cumulative = rng.random(), 0.0
        low, high = STANDING[-1][1:]
        for share, lo, hi in STANDING:
            cumulative += share
            if draw < cumulative:
                low, high = lo, hi
                break
        base = float(portal.get(pk, rng.uniform(low, high)))
        out[pk] = (base, rng.uniform(-2.5, 2.5))
    return out


def _score(value: float) -> str:
    return str(Decimal(str(max(0.0, min(100.0, value)))).quantize(Decimal("0.1")))


def _export(period: Quarter, offset: int, codes: dict[int, str], bases, rng: random.Random) -> ContentFile:
    """The quarter's ERP export as the buyers' CSV: supplier code, period, the four scores and a note."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Supplier code", "Period", "Quality", "Delivery", "Cost", "Service", "Note"])
    for pk, code in codes.items():
        base, trend = bases[pk]
        level = base + trend * (offset - QUARTERS + 1)
        scores = [_score(level + rng.uniform(-spread, spread)) for spread in PART_SPREAD.values()]
        note = "Quarterly business review held" if rng.random() < 0.2 else ""
        writer.writerow([code, str(period), *scores, note])
    return ContentFile(out.getvalue().encode("utf-8"), name=f"erp-supplier-scores-{period}.csv")


def load_ratings(users: dict, *, today: date, rng: random.Random) -> tuple[dict[str, int], set[int]]:
    """Scores, ratings and decisions; returns the counts to print and the suppliers decided on."""
    buyer, manager = users["procurement"], users["compliance"]
    portal = {users[name].supplier_id: base for name, base in PORTAL_BASES.items()}
    codes = dict(Supplier.objects.approved().order_by("code").values_list("pk", "code"))
    bases = _bases(rng, codes, portal)
    periods = last_quarters(today)
    for offset, period in enumerate(periods):
        result = import_business_scores(_export(period, offset, codes, bases, rng), actor=buyer)
        if not result.ok:
            raise RuleViolation(result.errors[:5])
    for period in periods:
        services.compute_quarter(period.year, period.quarter, actor=manager)
    decided = _decide(periods[-1], buyer, exclude=set(portal))
    current = Rating.objects.for_quarter(periods[-1].year, periods[-1].quarter)
    grades = dict.fromkeys(Grade.values, 0)
    for grade in current.values_list("grade", flat=True):
        grades[grade] += 1
    counts = {
        _("business scores"): BusinessScore.objects.count(),
        _("ratings"): Rating.objects.count(),
        **{_("%(quarter)s grade %(grade)s") % {"quarter": periods[-1], "grade": grade}: n for grade, n in grades.items()},
        _("decided by procurement"): Rating.objects.exclude(decision_status=Rating.Decision.PENDING).count(),
    }
    return counts, decided


def _decide(period: Quarter, buyer, *, exclude: set[int]) -> set[int]:
    """Procurement's decisions on the current quarter: A confirmed, one C overridden and one confirmed with an
    improvement action, D confirmed, D left pending."""
    ratings = Rating.objects.for_quarter(period.year, period.quarter).exclude(supplier_id__in=exclude).order_by("supplier__code")
    by_grade = {grade: list(ratings.filter(grade=grade)[:2]) for grade in Grade.values}
    decided = set()
    if by_grade["A"]:
        rating = by_grade["A"][0]
        services.decide_rating(
            rating, actor=buyer, confirm=True, reason="Best-in-class delivery this year; share raised on the next sourcing round."
        )
        decided.add(rating.supplier_id)
    if by_grade["C"]:
        rating = by_grade["C"][0]
        services.decide_rating(rating, actor=buyer, confirm=False, action=Action.MAINTAIN, reason=OVERRIDE_REASON)
        decided.add(rating.supplier_id)
    if len(by_grade["C"]) > 1:  # AIKO: corrective action with support, tracked with an owner, a date and a training
        rating = by_grade["C"][1]
        services.decide_rating(
            rating,
            actor=buyer,
            confirm=True,
            owner=buyer,
            due_date=timezone.localdate() + timedelta(days=90),
            description="Delivery punctuality below target; overtime records incomplete.",
            training_topic="Working hours and overtime control",
        )
        decided.add(rating.supplier_id)
    if by_grade["D"]:
        rating = by_grade["D"][0]
        services.decide_rating(rating, actor=buyer, confirm=True, reason=TERMINATE_REASON)
        decided.add(rating.supplier_id)
    decided |= {r.supplier_id for r in by_grade["D"][1:]}  # the D left for procurement to decide
    return decided
