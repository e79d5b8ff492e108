"""Bulk decisions on the smelter review queue: confirm the confidently pre-filled candidate of every selected
name, mark them "not in the list", or export them. Each name goes through `confirm_smelter_review` /
`reject_smelter_review` (audited) in a transaction of its own; a name without a confident candidate is refused
by name, to be decided one by one with the candidates in view. Cap.REVIEW decides, any internal role exports."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core import bulk
from supplyesg.core.access import Cap, require_internal
from supplyesg.minerals import services
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import SmelterReview


class BulkReviewForm(bulk.SelectionForm):
    CONFIRM, REJECT = "confirm", "reject"

    verdict = forms.ChoiceField(choices=[(CONFIRM, CONFIRM), (REJECT, REJECT)])


def queue_rows(status: str):
    """The queue as the page lists it, for one status."""
    if status not in SmelterReview.Status.values:
        status = SmelterReview.Status.PENDING
    return SmelterReview.objects.filter(status=status).select_related("suggested", "decided_smelter", "decided_by")


def _back(request):
    status = request.POST.get("status", "")
    url = reverse("minerals:review_queue")
    return redirect(f"{url}?{urlencode({'status': status})}" if status in SmelterReview.Status.values else url)


def _selected(request, form):
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    return bulk.selection(form, queue_rows(request.POST.get("status", "")))


def _label(review) -> str:
    return f"{review.metal}: “{review.name}”"


@require_http_methods(["POST"])
def review_bulk_decide(request):
    require_internal(request.user, Cap.REVIEW)
    form = BulkReviewForm(request.POST)
    try:
        reviews = _selected(request, form)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(request)
    asked = None if form.cleaned_data.get("scope") == bulk.SelectionForm.ALL else len(set(form.cleaned_data["ids"]))
    if form.cleaned_data["verdict"] == BulkReviewForm.REJECT:
        result = bulk.run_each(
            reviews, lambda r: campaigns.reject_smelter_review(r, actor=request.user), label=_label,
            verb=_("marked not in the list"), asked=asked,
        )
    else:
        advice = services.review_advice(reviews)

        def confirm(review):
            cid = advice[review.pk].prefill
            if not cid:
                raise ValidationError(_("no candidate is certain enough; decide this name on its own."))
            campaigns.confirm_smelter_review(review, cid=cid, actor=request.user)

        result = bulk.run_each(reviews, confirm, label=_label, verb=_("confirmed"), asked=asked)
    result.flash(request)
    return _back(request)


@require_http_methods(["POST"])
def review_bulk_export(request):
    require_internal(request.user)
    form = bulk.SelectionForm(request.POST)
    try:
        reviews = _selected(request, form)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(request)
    advice = services.review_advice(reviews)
    headers = [_("Metal"), _("Name as reported"), _("Country"), _("Rows"), _("Best candidate"), _("Score"), _("Status"),
               _("Decided smelter")]
    rows = []
    for r in reviews:
        best = advice[r.pk].candidates[0] if advice[r.pk].candidates else None
        rows.append([
            r.metal, r.name, r.country, r.occurrences, f"{best.key} {best.name}" if best else "",
            round(best.score) if best else None, r.get_status_display(), r.decided_smelter.cid if r.decided_smelter else "",
        ])
    return bulk.xlsx_response("smelter-reviews-selection.xlsx", _("Smelter reviews"), headers, rows)
