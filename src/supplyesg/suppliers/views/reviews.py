"""Bulk decisions on the reviews page's profile changes proposed in the portal: approve and apply, or reject
with one comment for all, or export them. Each request goes through `review_profile_change` (audited) in a
transaction of its own; one that cannot be applied is refused by supplier name and stays pending.
Cap.REVIEW decides, any internal role exports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core import bulk
from supplyesg.core.access import Cap, require_internal
from supplyesg.suppliers.queries import pending_changes
from supplyesg.suppliers.services import portal
from supplyesg.suppliers.views.lifecycle import _proposed_changes


class BulkChangeReviewForm(bulk.SelectionForm):
    APPROVE, REJECT = "approve", "reject"

    verdict = forms.ChoiceField(choices=[(APPROVE, APPROVE), (REJECT, REJECT)])


def _selected(form):
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    return bulk.selection(form, pending_changes())


def _label(change) -> str:
    return f"{change.supplier.code} {change.supplier.legal_name}"


@require_http_methods(["POST"])
def bulk_review_changes(request):
    require_internal(request.user, Cap.REVIEW)
    form = BulkChangeReviewForm(request.POST)
    try:
        changes = _selected(form)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("suppliers:reviews")
    data = form.cleaned_data
    approve = data["verdict"] == BulkChangeReviewForm.APPROVE
    bulk.run_each(
        changes,
        lambda change: portal.review_profile_change(change, actor=request.user, approve=approve, comment=data["reason"]),
        label=_label,
        verb=_("approved") if approve else _("rejected"),
        asked=None if data.get("scope") == bulk.SelectionForm.ALL else len(set(data["ids"])),
    ).flash(request)
    return redirect("suppliers:reviews")


@require_http_methods(["POST"])
def bulk_export_changes(request):
    require_internal(request.user)
    try:
        changes = _selected(bulk.SelectionForm(request.POST))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("suppliers:reviews")
    headers = [_("Supplier code"), _("Supplier"), _("Submitted"), _("Field"), _("Now"), _("Proposed")]
    rows = (
        [change.supplier.code, change.supplier.legal_name, timezone.localtime(change.submitted_at), str(row["label"]),
         str(row["old"] or ""), str(row["new"] or "")]
        for change in changes
        for row in _proposed_changes(change)
    )
    return bulk.xlsx_response("profile-changes-selection.xlsx", _("Profile changes"), headers, rows, text_columns=(0,))
