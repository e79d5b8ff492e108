"""Accepting many declarations at once from a campaign's list: the latest file of every selected supplier (the
ticked rows, or every row matching the list's filter) goes through `accept_submissions`, in one transaction.

One transaction here, unlike the other bulk bars (core.bulk.run_each): the service checks every file before it
writes, so a refused file never needs rolling back, and the whole selection is one commit instead of one per
file. Refused files are listed by supplier with the reason, to be decided one by one. Cap.REVIEW only."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core import bulk
from supplyesg.core.access import Cap, require_internal
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.campaigns.forms import RequestFilterForm


def _label(request_obj) -> str:
    return f"{request_obj.supplier.legal_name} ({request_obj.supplier.code})"


def _back(campaign, filters: dict):
    url = reverse("minerals:campaign_detail", kwargs={"campaign_pk": campaign.pk})
    query = RequestFilterForm.pairs(filters)
    return redirect(f"{url}?{urlencode(query)}" if query else url)


def _flash(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


@require_http_methods(["POST"])
def campaign_bulk_accept(request, campaign_pk):
    require_internal(request.user, Cap.REVIEW)
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    filters_form = RequestFilterForm(request.POST)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    form = bulk.SelectionForm(request.POST)
    if not form.is_valid():
        _flash(request, ValidationError([e for errors in form.errors.values() for e in errors]))
        return _back(campaign, filters)
    try:
        chosen = bulk.selection(form, campaigns.campaign_requests(campaign, filters))
    except ValidationError as exc:
        _flash(request, exc)
        return _back(campaign, filters)
    result = bulk.BulkResult(verb=_("accepted"))
    if form.cleaned_data.get("scope") != bulk.SelectionForm.ALL:
        result.missing = max(len(set(form.cleaned_data["ids"])) - len(chosen), 0)
    latest = campaigns.latest_submissions(chosen)
    for request_obj in chosen:
        if request_obj.pk not in latest:
            result.refused.append((_label(request_obj), _("No declaration has been received yet.")))
    accepted = campaigns.accept_submissions(
        [s.pk for s in latest.values()], actor=request.user, comment=form.cleaned_data.get("reason", "")
    )
    result.done = [_label(s.request) for s in accepted.accepted]
    result.refused += [(_label(s.request), why) for s, why in accepted.refused]
    result.flash(request)
    return _back(campaign, filters)
