"""Work the minerals app puts in the inbox (declarations and smelter names to review, late requests) and whom it notifies."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.core import inbox, notifications
from supplyesg.core.access import Cap
from supplyesg.core.inbox import InboxItem, InboxKind, Section, list_link
from supplyesg.minerals.models import SmelterReview, Submission, SubmissionRequest


def _submissions(user, today, limit):
    waiting = Submission.objects.filter(status=Submission.Status.VALID)
    # Only the columns shown: a submission carries its whole check result (most of its bytes).
    shown = ("pk", "uploaded_at", "original_name", "request__supplier__legal_name", "request__campaign__name")
    newest = waiting.select_related("request__supplier", "request__campaign").only(*shown).order_by("-uploaded_at")
    rows = newest[:limit] if limit else []
    return waiting.count(), [
        InboxItem(
            f"{s.request.supplier.legal_name}: {s.request.campaign.name}",
            reverse("minerals:submission_detail", args=[s.pk]),
            s.uploaded_at,
            s.original_name,
        )
        for s in rows
    ]


def _smelter_names(user, today, limit):
    pending = SmelterReview.objects.filter(status=SmelterReview.Status.PENDING)
    rows = pending.order_by("-occurrences", "-pk")[:limit] if limit else []
    queue = reverse("minerals:review_queue")
    return pending.count(), [InboxItem(f"{r.metal}: {r.name}", queue, None, r.country) for r in rows]


def _overdue_requests(user, today, limit):
    late = SubmissionRequest.objects.overdue(today).in_open_campaigns()
    rows = late.select_related("supplier", "campaign").order_by("-campaign__due_date", "-pk")[:limit] if limit else []
    return late.count(), [
        InboxItem(
            f"{r.supplier.legal_name}: {r.campaign.name}",
            reverse("minerals:campaign_detail", args=[r.campaign_id]),
            r.campaign.due_date,
            r.get_status_display(),
        )
        for r in rows
    ]


def _campaign_owner(event):
    return list(Submission.objects.filter(pk=event.target_id).values_list("request__campaign__created_by_id", flat=True))


def _submission_page(event):
    return reverse("minerals:submission_detail", args=[event.target_id])


def _portal_minerals(event):
    return reverse("minerals_portal:requests")


def register():
    inbox.register(
        InboxKind(
            "cmrt_submissions",
            _("CMRT/EMRT declarations to review"),
            Section.REVIEW,
            _submissions,
            Cap.REVIEW,
            list_link("minerals:campaigns"),
        )
    )
    inbox.register(
        InboxKind(
            "smelter_names",
            _("Smelter names to identify"),
            Section.DECISION,
            _smelter_names,
            Cap.REVIEW,
            list_link("minerals:review_queue"),
        )
    )
    inbox.register(
        InboxKind(
            "cmrt_overdue",
            _("Overdue CMRT/EMRT requests"),
            Section.OVERDUE,
            _overdue_requests,
            Cap.VIEW,
            list_link("minerals:campaigns"),
        )
    )
    for action, message in [
        ("submission.accepted", _("Your CMRT/EMRT declaration was accepted")),
        ("submission.returned", _("Your CMRT/EMRT declaration was returned for correction")),
    ]:
        notifications.register(notifications.NotifyRule(action, message, _portal_minerals))
    notifications.register(
        notifications.NotifyRule(
            "submission.received",
            _("A supplier sent a CMRT/EMRT declaration"),
            owners=_campaign_owner,
            internal_url=_submission_page,
        )
    )
