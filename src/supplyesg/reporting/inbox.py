"""Work reporting puts in the inbox: the open management-review actions the user owns, soonest due first."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.core import inbox
from supplyesg.core.access import Cap
from supplyesg.core.inbox import InboxItem, InboxKind, Section, list_link
from supplyesg.reporting.services.reviews import is_overdue, open_actions_of


def _review_actions(user, today, limit):
    mine = open_actions_of(user)
    rows = mine.select_related("review").order_by("due_on", "pk")[:limit] if limit else []
    return mine.count(), [
        InboxItem(
            a.text[:100],
            reverse("reporting:review", kwargs={"review_pk": a.review_id}),
            a.due_on,
            str(_("overdue")) if is_overdue(a, today) else str(_("open")),
        )
        for a in rows
    ]


def register():
    inbox.register(
        InboxKind(
            "review_actions",
            _("Management review actions you own"),
            Section.DECISION,
            _review_actions,
            Cap.VIEW,
            list_link("reporting:home"),
        )
    )
