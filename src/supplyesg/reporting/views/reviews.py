"""Management review pages: a period's reviews (and recording one), a review with the figures shown, its decisions
and actions (adding one, changing one)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can
from supplyesg.core.forms_errors import attach_errors
from supplyesg.reporting.access import get_period_for_user, get_review_action_for_user, get_review_for_user
from supplyesg.reporting.forms import ReviewActionChangeForm, ReviewActionForm, ReviewForm
from supplyesg.reporting.models import ReviewAction
from supplyesg.reporting.services import reviews as services


@require_http_methods(["GET", "POST"])
def reviews(request, year):
    period = get_period_for_user(request.user, year, write=request.method == "POST")
    form = ReviewForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.record_review(actor=request.user, period=period, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The management review was recorded."))
            return redirect("reporting:review", management_review_pk=review.pk)
    today = timezone.localdate()
    open_ = Q(actions__status=ReviewAction.Status.OPEN)
    listed = period.reviews.select_related("snapshot").annotate(
        open_actions=Count("actions", filter=open_), overdue_actions=Count("actions", filter=open_ & Q(actions__due_on__lt=today))
    )
    context = {"period": period, "reviews": listed, "form": form, "can_change": can(request.user, Cap.REVIEW)}
    return render(request, "reporting/reviews.html", context, status=400 if form.errors else 200)


def _review_page(request, review, action_form, change_forms=None, status=200):
    today = timezone.localdate()
    actions = list(review.actions.select_related("owner"))
    change_forms = change_forms or {}
    rows = [
        {
            "action": a,
            "overdue": services.is_overdue(a, today),
            "form": change_forms.get(a.pk)
            or ReviewActionChangeForm(
                initial={"status": a.status, "outcome": a.outcome, "owner": a.owner_id, "due_on": a.due_on}, prefix=f"a{a.pk}"
            ),
        }
        for a in actions
    ]
    figures = review.snapshot.figures.order_by("order", "code") if review.snapshot else []
    context = {
        "review": review,
        "figures": figures,
        "rows": rows,
        "action_form": action_form,
        "can_change": can(request.user, Cap.REVIEW),
    }
    return render(request, "reporting/review.html", context, status=status)


@require_http_methods(["GET", "POST"])
def review(request, management_review_pk):
    review = get_review_for_user(request.user, management_review_pk, write=request.method == "POST")
    form = ReviewActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_review_action(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The action was added."))
            return redirect("reporting:review", management_review_pk=review.pk)
    return _review_page(request, review, form, status=400 if form.errors else 200)


@require_http_methods(["POST"])
def change_action(request, review_action_pk):
    action = get_review_action_for_user(request.user, review_action_pk, write=True)
    form = ReviewActionChangeForm(request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        try:
            services.change_review_action(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The action was updated."))
            return redirect("reporting:review", management_review_pk=action.review_id)
    return _review_page(request, action.review, ReviewActionForm(), {action.pk: form}, status=400)
