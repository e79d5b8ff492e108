"""Work reporting puts in the inbox: the management-review actions the user owns that are past their due date and
still open, oldest deadline first. Under "Overdue", so every internal role that owns one sees it (viewers too)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.core import inbox
from supplyesg.core.access import Cap
from supplyesg.core.inbox import InboxItem, InboxKind, Section, list_link
from supplyesg.reporting.services.reviews import open_actions_of


def _review_actions(user, today, limit):
    mine = open_actions_of(user).filter(due_on__lt=today)
    rows = mine.select_related("review").order_by("due_on", "pk")[:limit] if limit else []
    return mine.count(), [
        InboxItem(
            a.text[:100],
            reverse("reporting:review", kwargs={"management_review_pk": a.review_id}),
            a.due_on,
            str(_("overdue")),
        )
        for a in rows
    ]


def register():
    inbox.register(
        InboxKind(
            "review_actions",
            _("Overdue management review actions you own"),
            Section.OVERDUE,
            _review_actions,
            Cap.VIEW,
            list_link("reporting:home"),
        )
    )
