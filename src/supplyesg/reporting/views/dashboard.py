"""The KPI dashboard: GET filters → the stored figures of that selection (computed by the worker), with when they
were computed and, while they are being computed or updated, the job's progress. Bad filter values give the form back
with the message. A compliance manager may ask for the figures to be computed again (POST, audited)."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from supplyesg.core.access import Cap, can
from supplyesg.core.models import PolicySettings
from supplyesg.reporting import dashboard
from supplyesg.reporting.access import require_reporting
from supplyesg.reporting.services import dashboard as stored


@require_GET
def dashboard_page(request):
    require_reporting(request.user)
    today = timezone.localdate()
    form = dashboard.DashboardFilterForm(request.GET, today=today)
    if not form.is_valid():
        return _render(request, form, status=400)
    filters, policy = form.filters(), PolicySettings.current()
    result = stored.open_dashboard(filters, today=today, policy=policy)
    board = dashboard.lay_out(filters, result.figures, policy) if stored.has_figures(result) else None
    return _render(
        request,
        form,
        filters=filters,
        board=board,
        result=result,
        current=stored.is_current(result, today=today, policy=policy),
        job=result.job if stored.is_refreshing(result) else None,
    )


@require_POST
def refresh_dashboard(request):
    require_reporting(request.user, write=True)
    form = dashboard.DashboardFilterForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return _render(request, form, status=400)
    filters = form.filters()
    stored.request_refresh(filters, actor=request.user)
    return redirect(stored.page_url(filters))


def _render(request, form, *, status=200, filters=None, **context):
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "country": dashboard.country_name(filters.country) if filters else "",
            "can_refresh": can(request.user, Cap.REVIEW),
            "page_url": stored.page_url(filters) if filters else "",
            **context,
        },
        status=status,
    )
