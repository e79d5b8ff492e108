"""Work the suppliers app puts in the inbox, and whom its audited changes notify."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.core import inbox, notifications
from supplyesg.core.access import Cap
from supplyesg.core.inbox import InboxItem, InboxKind, Section, list_link
from supplyesg.suppliers import queries
from supplyesg.suppliers.models import ProfileChangeRequest, QualificationItem, Supplier, TerminationCase
from supplyesg.suppliers.models.lifecycle import Verdict


def qualification_items_to_review():
    """Items of suppliers in qualification review with evidence in and no verdict yet."""
    return QualificationItem.objects.filter(supplier__status=Supplier.Status.QUALIFICATION, verdict=Verdict.PENDING).exclude(
        Q(evidence="") & Q(evidence_note="")
    )


def _qualification(user, today, limit):
    items = qualification_items_to_review()
    rows = items.select_related("supplier").order_by("-supplier__status_changed_at", "-pk")[:limit] if limit else []
    return items.count(), [
        InboxItem(
            f"{i.supplier.legal_name}: {i.get_kind_display()}",
            reverse("suppliers:detail", args=[i.supplier_id]) + "?tab=qualification",
            i.supplier.status_changed_at,
        )
        for i in rows
    ]


def _admissions_submitted(user, today, limit):
    submitted = Supplier.objects.admission_submitted()
    rows = submitted.order_by("-admission_submitted_at", "-pk")[:limit] if limit else []
    return submitted.count(), [
        InboxItem(s.legal_name, reverse("suppliers:detail", args=[s.pk]) + "?tab=admission", s.admission_submitted_at,
                  str(_("Submitted by the supplier, ready for review")))
        for s in rows
    ]


def _profile_changes(user, today, limit):
    pending = ProfileChangeRequest.objects.filter(status=ProfileChangeRequest.Status.PENDING)
    rows = pending.select_related("supplier")[:limit] if limit else []
    return pending.count(), [
        InboxItem(r.supplier.legal_name, reverse("suppliers:review_change", args=[r.pk]), r.submitted_at) for r in rows
    ]


def _terminations(user, today, limit):
    pending = TerminationCase.objects.pending()
    rows = pending.select_related("supplier")[:limit] if limit else []
    return pending.count(), [
        InboxItem(c.supplier.legal_name, reverse("terminations:detail", args=[c.pk]), c.recommended_at, c.get_source_display())
        for c in rows
    ]


def _expired_documents(user, today, limit):
    expired = queries.expired_documents(today)
    rows = expired.order_by("-expiry_date", "-pk")[:limit] if limit else []
    return expired.count(), [
        InboxItem(
            f"{d.supplier.legal_name}: {d.title}",
            reverse("suppliers:detail", args=[d.supplier_id]) + "?tab=documents",
            d.expiry_date,
            d.get_doc_type_display(),
        )
        for d in rows
    ]


def _supplier_owner(event):
    return [Supplier.objects.filter(pk=event.supplier_id).values_list("created_by_id", flat=True).first()]


def _supplier_page(event):
    return reverse("suppliers:detail", args=[event.supplier_id])


def _portal_home(event):
    return reverse("portal:home")


def register():
    inbox.register(
        InboxKind(
            "qualification_items",
            _("Qualification items to review"),
            Section.REVIEW,
            _qualification,
            Cap.REVIEW,
            list_link("suppliers:list", "?status=qualification"),
        )
    )
    inbox.register(
        InboxKind(
            "admissions_submitted",
            _("Admission files submitted by suppliers"),
            Section.REVIEW,
            _admissions_submitted,
            Cap.LIFECYCLE,
            list_link("suppliers:list", "?status=prospect"),
        )
    )
    inbox.register(
        InboxKind(
            "profile_changes",
            _("Profile changes to review"),
            Section.REVIEW,
            _profile_changes,
            Cap.REVIEW,
            list_link("suppliers:reviews"),
        )
    )
    inbox.register(
        InboxKind(
            "terminations",
            _("Termination recommendations to decide"),
            Section.DECISION,
            _terminations,
            Cap.DECIDE_ORDERS,
            list_link("terminations:queue"),
        )
    )
    inbox.register(
        InboxKind(
            "expired_documents",
            _("Expired documents not replaced"),
            Section.OVERDUE,
            _expired_documents,
            Cap.VIEW,
            list_link("suppliers:dashboard", "#expired"),
        )
    )
    for action, message in [
        ("supplier.approved", _("The supplier was approved")),
        ("supplier.made_conditional", _("The supplier was made conditional")),
        ("supplier.suspended", _("The supplier was suspended")),
        ("supplier.restored", _("The supplier's suspension was lifted")),
        ("qualification.reviewed", _("A qualification item was reviewed")),
        ("profile_change.reviewed", _("A profile change was reviewed")),
    ]:
        notifications.register(
            notifications.NotifyRule(action, message, _portal_home, owners=_supplier_owner, internal_url=_supplier_page)
        )
    for action, message in [
        ("qualification.evidence", _("The supplier sent qualification evidence")),
        ("supplier.admission_submitted", _("The supplier submitted its admission file for review")),
        ("profile_change.requested", _("The supplier asked to change its profile")),
        ("document.uploaded", _("A document was uploaded")),
        ("termination.recommended", _("A termination was recommended")),
    ]:
        notifications.register(notifications.NotifyRule(action, message, owners=_supplier_owner, internal_url=_supplier_page))
