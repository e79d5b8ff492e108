"""Data-quality flags: what makes the dashboard's figures incomplete, counted over the filtered suppliers (the counts
are `figures.quality_counts`), each with a link to the list that shows the records where one exists."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.reporting.dashboard.filters import Filters


@dataclass(frozen=True)
class Flag:
    key: str
    text: str
    count: int
    url: str = ""


def quality_flags(filters: Filters, counts: dict) -> list[Flag]:
    """Every flag with its count (zero counts included, so a reader sees what was checked)."""
    supplier_list = reverse("suppliers:list")
    flags = [
        Flag("no_country", _("Suppliers with no country"), counts["no_country"]),
        Flag("no_category", _("Approved suppliers with no category"), counts["no_category"]),
        Flag(
            "risk_not_identified",
            _("Approved suppliers whose risk is not identified for %(year)s") % {"year": filters.year},
            counts["risk_not_identified"],
            f"{supplier_list}?risk=none",
        ),
    ]
    if counts["rated"] is not None:
        year, quarter = counts["rated"]
        flags.append(
            Flag(
                "not_rated",
                _("Approved suppliers without a rating in %(quarter)s") % {"quarter": f"{year}Q{quarter}"},
                counts["not_rated"],
                f"{supplier_list}?grade=none",
            )
        )
    flags.append(
        Flag(
            "declarations_overdue",
            _("Minerals declarations overdue"),
            counts["declarations_overdue"],
            reverse("minerals:campaigns"),
        )
    )
    flags.append(
        Flag(
            "questionnaires_overdue",
            _("Questionnaires overdue"),
            counts["questionnaires_overdue"],
            reverse("assessments:campaigns"),
        )
    )
    return flags
