"""Work the assessments app puts in the inbox (questionnaire responses to review, late ones) and whom it notifies."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.assessments.models import Response
from supplyesg.core import inbox, notifications
from supplyesg.core.access import Cap
from supplyesg.core.inbox import InboxItem, InboxKind, Section, list_link


def _rows(queryset, limit, order, when):
    # Only the columns shown: sorting whole responses (their scores) cost SQLite 156 ms at 100,000 suppliers.
    shown = ("pk", "status", "submitted_at", "supplier__legal_name", "campaign__name", "campaign__due_date")
    rows = queryset.select_related("supplier", "campaign").only(*shown).order_by(*order)[:limit] if limit else []
    return queryset.count(), [
        InboxItem(
            f"{r.supplier.legal_name}: {r.campaign.name}",
            reverse("assessments:response_detail", args=[r.pk]),
            when(r),
            r.get_status_display(),
        )
        for r in rows
    ]


def _to_review(user, today, limit):
    waiting = Response.objects.filter(status=Response.Status.SUBMITTED)
    return _rows(waiting, limit, [F("submitted_at").desc(nulls_last=True), "-pk"], lambda r: r.submitted_at)


def _overdue(user, today, limit):
    late = Response.objects.overdue(today).in_open_campaigns()
    return _rows(late, limit, ["-campaign__due_date", "-pk"], lambda r: r.campaign.due_date)


def _campaign_owner(event):
    return list(Response.objects.filter(pk=event.target_id).values_list("campaign__created_by_id", flat=True))


def _response_page(event):
    return reverse("assessments:response_detail", args=[event.target_id])


def _portal_responses(event):
    return reverse("assessments_portal:responses")


def register():
    inbox.register(
        InboxKind(
            "questionnaire_responses",
            _("Questionnaire responses to review"),
            Section.REVIEW,
            _to_review,
            Cap.REVIEW,
            list_link("assessments:campaigns"),
        )
    )
    inbox.register(
        InboxKind(
            "questionnaires_overdue",
            _("Overdue questionnaires"),
            Section.OVERDUE,
            _overdue,
            Cap.VIEW,
            list_link("assessments:campaigns"),
        )
    )
    for action, message in [
        ("questionnaire_response.accepted", _("Your questionnaire was accepted")),
        ("questionnaire_response.returned", _("Your questionnaire was returned for correction")),
    ]:
        notifications.register(notifications.NotifyRule(action, message, _portal_responses))
    notifications.register(
        notifications.NotifyRule(
            "questionnaire_response.submitted",
            _("A supplier submitted a questionnaire"),
            owners=_campaign_owner,
            internal_url=_response_page,
        )
    )
