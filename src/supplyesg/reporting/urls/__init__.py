"""Reporting pages at /reporting/ (namespace "reporting"). Each part keeps its own list in this package."""

from django.urls import path

from supplyesg.reporting.urls import dashboard, inputs, minerals, snapshots
from supplyesg.reporting.views import home

app_name = "reporting"

urlpatterns = [
    path("", home.home, name="home"),
    *snapshots.urlpatterns,
    *dashboard.urlpatterns,
    *inputs.urlpatterns,
    *minerals.urlpatterns,
]
