"""The reporting home: periods with their snapshots, and a new period."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can
from supplyesg.core.forms_errors import attach_errors
from supplyesg.reporting.access import require_reporting
from supplyesg.reporting.forms import PeriodForm
from supplyesg.reporting.models import ReportingPeriod
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import current_catalogue


@require_http_methods(["GET", "POST"])
def home(request):
    require_reporting(request.user, write=request.method == "POST")
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            snapshots.create_period(actor=request.user, year=form.cleaned_data["year"], entity=form.cleaned_data["entity"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("reporting:home")
    periods = ReportingPeriod.objects.prefetch_related("snapshots").order_by("-year")
    return render(
        request,
        "reporting/home.html",
        {"periods": periods, "form": form, "catalogue": current_catalogue(), "can_change": can(request.user, Cap.REVIEW)},
        status=400 if form.errors else 200,
    )
