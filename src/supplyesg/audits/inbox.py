"""Work the audits app puts in the inbox (plans and evidence to review, late actions) and whom it notifies."""

from django.db.models import Case, F, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.core import inbox, notifications
from supplyesg.core.access import Cap
from supplyesg.core.inbox import InboxItem, InboxKind, Section, list_link


def _actions(queryset, limit, when, order):
    rows = queryset.select_related("audit__supplier", "finding").order_by(order, "-pk")[:limit] if limit else []
    return queryset.count(), [
        InboxItem(
            f"{a.audit.supplier.legal_name}: {a.finding.description[:80]}",
            reverse("corrective:detail", args=[a.pk]),
            when(a),
            a.get_status_display(),
        )
        for a in rows
    ]


def _plans(user, today, limit):
    submitted = CorrectiveAction.objects.filter(status=CorrectiveAction.Status.SUBMITTED)
    return _actions(submitted, limit, lambda a: a.submitted_at, F("submitted_at").desc(nulls_last=True))


def _evidence(user, today, limit):
    completed = CorrectiveAction.objects.filter(status=CorrectiveAction.Status.COMPLETED)
    return _actions(completed, limit, lambda a: a.completed_at, F("completed_at").desc(nulls_last=True))


def _overdue_actions(user, today, limit):
    """Dated by the deadline that passed: the plan's while no plan is accepted, else the remediation's."""
    late = CorrectiveAction.objects.overdue(today).annotate(
        missed=Case(When(status__in=CorrectiveAction.PLAN_ACCEPTED_STATUSES, then=F("remediation_due")), default=F("plan_due"))
    )
    return _actions(late, limit, lambda a: a.missed, "-missed")


def _overdue_audits(user, today, limit):
    late = Audit.objects.overdue(today)
    rows = late.select_related("supplier").order_by("-planned_end", "-pk")[:limit] if limit else []
    return late.count(), [
        InboxItem(str(a), reverse("audits:detail", args=[a.pk]), a.planned_end, a.get_status_display()) for a in rows
    ]


def _lead_auditor(event):
    return list(CorrectiveAction.objects.filter(pk=event.target_id).values_list("audit__lead_auditor_id", flat=True))


def _action_page(event):
    return reverse("corrective:detail", args=[event.target_id])


def _portal_action(event):
    return reverse("audits_portal:action", args=[event.target_id])


def register():
    inbox.register(
        InboxKind(
            "ca_plans",
            _("Corrective-action plans to review"),
            Section.REVIEW,
            _plans,
            Cap.AUDIT,
            list_link("corrective:list", "?status=submitted"),
        )
    )
    inbox.register(
        InboxKind(
            "ca_evidence",
            _("Completion evidence to review"),
            Section.REVIEW,
            _evidence,
            Cap.AUDIT,
            list_link("corrective:list", "?status=completed"),
        )
    )
    inbox.register(
        InboxKind(
            "ca_overdue",
            _("Overdue corrective actions"),
            Section.OVERDUE,
            _overdue_actions,
            Cap.VIEW,
            list_link("corrective:list", "?overdue=on"),
        )
    )
    inbox.register(
        InboxKind(
            "audits_overdue",
            _("Audits past their planned end without a report"),
            Section.OVERDUE,
            _overdue_audits,
            Cap.VIEW,
            list_link("audits:programme"),
        )
    )
    for action, message in [
        ("corrective_action.plan_approved", _("A corrective-action plan was approved")),
        ("corrective_action.closed", _("A corrective action was closed")),
        ("corrective_action.reminded", _("Reminder: a corrective action is due")),
    ]:
        notifications.register(notifications.NotifyRule(action, message, _portal_action))
    for action, message in [
        ("corrective_action.plan_submitted", _("The supplier submitted a corrective-action plan")),
        ("corrective_action.completed", _("The supplier sent completion evidence")),
    ]:
        notifications.register(notifications.NotifyRule(action, message, owners=_lead_auditor, internal_url=_action_page))
