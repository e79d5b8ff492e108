"""What counts (the latest accepted submission of each request), the question layouts and the risk context."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from supplyesg.minerals.cmrt import layouts as L
from supplyesg.minerals.models import (
    Metal,
    RiskCountry,
    RmapStatus,
    RmapStatusUpload,
    Submission,
    SubmissionRequest,
)
from supplyesg.minerals.services import country_code

ACCEPTED = Submission.Status.ACCEPTED
OK_STATUSES = (RmapStatus.Status.CONFORMANT, RmapStatus.Status.ACTIVE)
# Answers that say "yes, some of it comes from there" (EMRT 1.x adds the two "... only" options).
POSITIVE_ANSWERS = ("Yes", "DRC only", "India and/or Madagascar only")
# The question layout the company answers in, per template family (EMRT 1.x and 2.x share the keys).
LAYOUTS = {"CMRT": L.CMRT6, "EMRT": L.EMRT2, "AMRT": L.AMRT13, "CRT": L.CRT2}


def question_key(template: str, role: str) -> str | None:
    """'q6' for the CMRT "responded" question, 'q5' for the EMRT one; None when the family lacks it."""
    layout = LAYOUTS.get(template or "")
    question = layout.question(role) if layout else None
    return question.key if question else None


def metal_label(value: str) -> str:
    """The metal's name in the user's language ("Tin" -> "锡"); unknown values as they are."""
    return str(Metal(value).label) if value in Metal.values else value


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- what counts


def requests_for(year: int | None = None, template: str | None = None) -> QuerySet[SubmissionRequest]:
    qs = SubmissionRequest.objects.all()
    if year:
        qs = qs.filter(campaign__reporting_year=year)
    if template:
        qs = qs.filter(campaign__template=template)
    return qs


def counted_submissions(year: int | None = None, template: str | None = None) -> QuerySet[Submission]:
    """For each request, its latest accepted submission (a later accepted version replaces an earlier one)."""
    later_accepted = Submission.objects.filter(request=OuterRef("request"), status=ACCEPTED, version__gt=OuterRef("version"))
    qs = Submission.objects.filter(status=ACCEPTED).exclude(Exists(later_accepted))
    if year:
        qs = qs.filter(request__campaign__reporting_year=year)
    if template:
        qs = qs.filter(request__campaign__template=template)
    return qs


# ---------------------------------------------------------------- risk context


@dataclass(frozen=True)
class RiskContext:
    """Covered and CAHRA country codes and whether an RMAP status list is loaded (two queries)."""

    covered: frozenset[str]
    cahra: frozenset[str]
    rmap_loaded: bool

    @classmethod
    def load(cls) -> RiskContext:
        kinds: dict[str, set[str]] = defaultdict(set)
        for kind, code in RiskCountry.objects.values_list("kind", "country"):
            kinds[kind].add(code)
        return cls(
            covered=frozenset(kinds[RiskCountry.Kind.COVERED]),
            cahra=frozenset(kinds[RiskCountry.Kind.CAHRA]),
            rmap_loaded=RmapStatusUpload.objects.exists(),
        )


@functools.lru_cache(maxsize=1024)
def _code(country: str) -> str:
    return country_code(country)
