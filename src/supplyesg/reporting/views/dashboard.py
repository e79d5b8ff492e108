"""The KPI dashboard over live data: GET filters → panels. Bad filter values give the form back with the message."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supplyesg.reporting import dashboard
from supplyesg.reporting.access import require_reporting


@require_GET
def dashboard_page(request):
    require_reporting(request.user)
    today = timezone.localdate()
    form = dashboard.DashboardFilterForm(request.GET, today=today)
    board = dashboard.build(form.filters(), today) if form.is_valid() else None
    return render(
        request,
        "reporting/dashboard.html",
        {"form": form, "board": board, "country": dashboard.country_name(board.filters.country) if board else ""},
        status=200 if board is not None else 400,
    )
