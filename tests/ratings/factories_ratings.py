"""Plain factories for rating tests: business scores, current risk assessments and ratings, built directly."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.utils import timezone

from supplyesg.assessments.models import RiskAssessment
from supplyesg.assessments.risk.services import refresh_supplier_levels
from supplyesg.ratings.models import BusinessScore, Rating
from supplyesg.ratings.services import refresh_latest_grades

# Frozen "today" for most tests: early in 2026Q4, so 2026Q3 is over and rated as of 30 September.
TODAY = dt.date(2026, 10, 5)


def frozen(day: dt.date = TODAY):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC), tick=False)


def make_business_score(supplier, year=2026, quarter=3, quality=80, delivery=80, cost=80, service=80, **kwargs) -> BusinessScore:
    return BusinessScore.objects.create(
        supplier=supplier,
        year=year,
        quarter=quarter,
        quality=Decimal(str(quality)),
        delivery=Decimal(str(delivery)),
        cost=Decimal(str(cost)),
        service=Decimal(str(service)),
        **kwargs,
    )


def make_risk(supplier, level="low", year=2026, override="", **kwargs) -> RiskAssessment:
    """Built directly; the supplier's list columns are refreshed as the risk services do."""
    assessment = RiskAssessment.objects.create(
        supplier=supplier,
        year=year,
        overall_score=Decimal("50"),
        computed_level=level,
        override_level=override,
        is_current=kwargs.pop("is_current", True),
        **kwargs,
    )
    refresh_supplier_levels([supplier.pk])
    return assessment


def make_rating(supplier, year=2026, quarter=3, grade="B", total="80", **kwargs) -> Rating:
    actions = {"A": "increase", "B": "maintain", "C": "corrective", "D": "terminate"}
    defaults = {
        "business_score": Decimal("80"),
        "esg_score": 1,
        "esg_weight": Decimal("10"),
        "total": Decimal(total),
        "grade": grade,
        "recommended_action": actions[grade],
        "reasons": [{"msgid": "Risk level: %(level)s.", "params": {"level": "low"}}],
        "inputs": {"business": {"quality": "80.00", "delivery": "80.00", "cost": "80.00", "service": "80.00"}},
        "computed_at": timezone.now(),
    }
    defaults.update(kwargs)
    rating = Rating.objects.create(supplier=supplier, year=year, quarter=quarter, **defaults)
    refresh_latest_grades([supplier.pk])  # as compute_quarter does
    return rating
