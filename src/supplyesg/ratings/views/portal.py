"""Quarterly ratings in the supplier portal: a supplier user sees its own supplier's grades, totals and the
reasons, never another supplier's (and not procurement's deliberation on the action)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.portal import PortalSection
from supplyesg.ratings import queries
from supplyesg.ratings.access import ratings_visible_to
from supplyesg.ratings.models import ImprovementAction
from supplyesg.suppliers.access import get_own_supplier

GRADES_TO_ACT_ON = ("C", "D")


@require_http_methods(["GET"])
def own_ratings(request):
    supplier = get_own_supplier(request.user)
    ratings = list(ratings_visible_to(request.user).order_by("-year", "-quarter")[:40])
    improvements = {
        i.rating_id: i
        for i in ImprovementAction.objects.filter(rating__in=ratings).select_related("owner", "training")
    }
    rows = []
    for index, rating in enumerate(ratings):
        previous = ratings[index + 1] if index + 1 < len(ratings) else None
        rows.append(
            {
                "rating": rating,
                "reasons": queries.reason_texts(rating.reasons),
                "business": (rating.inputs or {}).get("business") or {},
                "trend": queries.trend(previous.grade if previous else None, rating.grade),
                "improvement": improvements.get(rating.pk),
            }
        )
    return render(
        request,
        "ratings/portal_ratings.html",
        {"supplier": supplier, "rows": rows, "trend_labels": queries.TREND_LABELS},
    )


def portal_section(request, supplier):
    """The portal tab for ratings; a C or D as the latest grade is something to act on."""
    latest = ratings_visible_to(request.user).filter(supplier_id=supplier.pk).order_by("-year", "-quarter").first()
    todo = []
    if latest is not None and latest.grade in GRADES_TO_ACT_ON:
        values = {"quarter": latest.period, "grade": latest.grade}
        if latest.grade == "C":
            todo.append(
                _(
                    "Your rating for %(quarter)s is grade %(grade)s: corrective action is expected; see the reasons and "
                    "the support offered."
                )
                % values
            )
        else:
            todo.append(
                _("Your rating for %(quarter)s is grade %(grade)s: cooperation may end; see the reasons and contact your buyer.")
                % values
            )
    return PortalSection(key="ratings", title=_("Quarterly rating"), url=reverse("ratings_portal:ratings"), todo=todo)
