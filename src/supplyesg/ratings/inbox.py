"""Work the ratings app puts in the inbox: grade recommendations waiting for procurement's decision."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.core import inbox
from supplyesg.core.access import Cap
from supplyesg.core.inbox import InboxItem, InboxKind, Section, list_link
from supplyesg.ratings.models import Rating


def _grade_decisions(user, today, limit):
    pending = Rating.objects.pending_decision()
    rows = pending.select_related("supplier").order_by("-computed_at", "-pk")[:limit] if limit else []
    return pending.count(), [
        InboxItem(
            f"{r.supplier.legal_name}: {r.period} {r.grade}",
            reverse("ratings:supplier", args=[r.supplier_id]),
            r.computed_at,
            r.get_recommended_action_display(),
        )
        for r in rows
    ]


def register():
    inbox.register(
        InboxKind(
            "grade_decisions",
            _("Grade recommendations to confirm or override"),
            Section.DECISION,
            _grade_decisions,
            Cap.DECIDE_ORDERS,
            list_link("ratings:overview", "?decision=pending"),
        )
    )
