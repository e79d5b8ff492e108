"""The ratings part of `supplyesg generate_scale_data` (core/scale.py): business scores and quarterly ratings at
scale, the way procurement produces them.

For the year's two latest started quarters, the ERP export of every approved supplier's business scores is
imported through the real import (`importing.import_business_scores`, the same CSV the demo writes, in files of the
import's largest size), then each quarter is computed (`services.compute_quarter`). Deterministic for a seed; a
quarter already holding every supplier's business score and its ratings is skipped.
"""

import random
from collections.abc import Callable

from django.utils import timezone

from supplyesg.core.errors import RuleViolation
from supplyesg.core.scale import ScaleOptions
from supplyesg.ratings import services
from supplyesg.ratings.demo import QUARTERS, _bases, _export
from supplyesg.ratings.importing import import_business_scores
from supplyesg.ratings.models import BusinessScore, Rating
from supplyesg.ratings.quarters import Quarter
from supplyesg.suppliers.importing.reading import MAX_ROWS
from supplyesg.suppliers.models import Supplier

RATED_QUARTERS = 2


def quarters_of(year: int, today) -> list[Quarter]:
    """The year's latest RATED_QUARTERS quarters that have started by `today`, oldest first."""
    started = [Quarter(year, q) for q in range(1, 5) if Quarter(year, q).first_day <= today]
    return started[-RATED_QUARTERS:]


def generate_ratings(options: ScaleOptions, progress: Callable[[str], None]) -> None:
    periods = quarters_of(options.year, timezone.localdate())
    if not periods:
        progress(f"no quarter of {options.year} has started yet; skipped")
        return
    rng = random.Random(options.seed + 40)
    codes = dict(Supplier.objects.approved().order_by("code").values_list("pk", "code"))
    bases = _bases(rng, codes, {})
    for offset, period in enumerate(periods, start=QUARTERS - len(periods)):
        scored = set(BusinessScore.objects.for_quarter(period.year, period.quarter).values_list("supplier_id", flat=True))
        missing = [(pk, code) for pk, code in codes.items() if pk not in scored]
        imported = 0
        # Files of at most the import's MAX_ROWS rows, as procurement splits a large ERP export (the import refuses a
        # bigger file): 100,000 suppliers are five files. Each file is its own transaction, so a run stopped halfway
        # imports only the suppliers still without a score when it is run again.
        for first in range(0, len(missing), MAX_ROWS):
            result = import_business_scores(
                _export(period, offset, dict(missing[first : first + MAX_ROWS]), bases, rng), actor=None
            )
            if not result.ok:
                raise RuleViolation(result.errors[:5])
            imported += result.rows
            progress(f"{period}: {imported}/{len(missing)} business scores imported")
        if not imported and Rating.objects.for_quarter(period.year, period.quarter).exists():
            progress(f"business scores and ratings of {period} already exist; skipped")
            continue
        summary = services.compute_quarter(period.year, period.quarter, actor=None)
        progress(f"{period}: {summary['suppliers']} ratings, grades {summary['grades']}")


def register() -> None:
    from supplyesg.core.scale import register_scale_generator

    register_scale_generator("ratings", generate_ratings, order=40)
