"""Data-quality flags: what makes the dashboard's figures incomplete, counted over the filtered suppliers, each with a
link to the list that shows the records where one exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.assessments.models import Response, RiskAssessment
from supplyesg.minerals.campaigns.models import SubmissionRequest
from supplyesg.ratings.models import Rating
from supplyesg.reporting.dashboard.filters import Filters
from supplyesg.suppliers.models import Supplier


@dataclass(frozen=True)
class Flag:
    key: str
    text: str
    count: int
    url: str = ""


def quality_flags(filters: Filters, today: date) -> list[Flag]:
    """Every flag with its count (zero counts included, so a reader sees what was checked)."""
    suppliers = filters.suppliers() if filters.narrowed else None
    base = (suppliers if suppliers is not None else Supplier.objects.all()).order_by()
    approved = base.approved()
    supplier_list = reverse("suppliers:list")
    last_rated = Rating.objects.aggregate(year=Max("year"))["year"]
    last_quarter = Rating.objects.filter(year=last_rated).aggregate(q=Max("quarter"))["q"] if last_rated is not None else None
    flags = [
        Flag("no_country", _("Suppliers with no country"), base.filter(country="").count()),
        Flag(
            "no_category",
            _("Approved suppliers with no category"),
            approved.exclude(Exists(Supplier.categories.through.objects.filter(supplier_id=OuterRef("pk")))).count(),
        ),
        Flag(
            "risk_not_identified",
            _("Approved suppliers whose risk is not identified for %(year)s") % {"year": filters.year},
            approved.exclude(Exists(RiskAssessment.objects.for_year(filters.year).filter(supplier=OuterRef("pk")))).count(),
            f"{supplier_list}?risk=none",
        ),
    ]
    if last_quarter is not None:
        rated = Rating.objects.for_quarter(last_rated, last_quarter).filter(supplier=OuterRef("pk"))
        flags.append(
            Flag(
                "not_rated",
                _("Approved suppliers without a rating in %(quarter)s") % {"quarter": f"{last_rated}Q{last_quarter}"},
                approved.exclude(Exists(rated)).count(),
                f"{supplier_list}?grade=none",
            )
        )
    flags.append(
        Flag(
            "declarations_overdue",
            _("Minerals declarations overdue"),
            filters.scoped(SubmissionRequest.objects.overdue(today)).count(),
            reverse("minerals:campaigns"),
        )
    )
    flags.append(
        Flag(
            "questionnaires_overdue",
            _("Questionnaires overdue"),
            filters.scoped(Response.objects.overdue(today).in_open_campaigns()).count(),
            reverse("assessments:campaigns"),
        )
    )
    return flags
