"""Risk assessment pages; the project's URL map includes them at /risk/ (namespace "risk")."""

from django.urls import path

from supplyesg.assessments import risk_views

app_name = "risk"

urlpatterns = [
    path("", risk_views.overview, name="overview"),
    path("recompute/", risk_views.recompute, name="recompute"),
    path("worklist/", risk_views.worklist, name="worklist"),
    path("worklist/bulk/close/", risk_views.bulk_close_worklist, name="bulk_close_worklist"),
    path("worklist/bulk/export/", risk_views.bulk_export_worklist, name="bulk_export_worklist"),
    path("worklist/<int:worklist_pk>/close/", risk_views.close_worklist_item, name="close_worklist_item"),
    path("suppliers/<int:pk>/", risk_views.supplier_risk, name="supplier"),
    path("suppliers/<int:pk>/assess/", risk_views.assess, name="assess"),
    path("suppliers/<int:pk>/override/", risk_views.override, name="override"),
]
