"""Grievance alerts in the work inbox: new reports to acknowledge and cases past their clocks, for designated
handlers only (the count is 0 for everyone else)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.core import inbox
from supplyesg.core.access import Cap
from supplyesg.grievances.access import reports_for_user


def _items(reports, limit):
    return [
        inbox.InboxItem(str(r), reverse("grievances:detail", args=[r.pk]), r.acknowledge_due, str(r.channel))
        for r in reports.select_related("channel")[:limit]
    ]


def _new(user, today, limit):
    reports = reports_for_user(user).filter(acknowledged_on__isnull=True).open()
    return reports.count(), _items(reports, limit)


def _overdue(user, today, limit):
    reports = reports_for_user(user).overdue(today)
    return reports.count(), _items(reports, limit)


def register():
    # Acknowledging is a write: read-only roles (even designated) see only what is overdue, like every inbox kind.
    inbox.register(
        inbox.InboxKind(
            "grievances_new",
            _("Grievance reports to acknowledge"),
            inbox.Section.REVIEW,
            _new,
            capability=Cap.REVIEW,
            list_url="/grievances/",
        )
    )
    inbox.register(
        inbox.InboxKind(
            "grievances_overdue",
            _("Grievance cases past their clocks"),
            inbox.Section.OVERDUE,
            _overdue,
            list_url="/grievances/?show=overdue",
        )
    )
