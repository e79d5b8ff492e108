"""Reporting pages: the dashboard part (included by reporting/urls/__init__.py)."""

from django.urls import path

from supplyesg.reporting.views import dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("dashboard/refresh/", dashboard.refresh_dashboard, name="refresh_dashboard"),
]
