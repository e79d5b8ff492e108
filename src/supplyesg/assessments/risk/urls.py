"""Risk assessment pages; the project's URL map includes them at /risk/ (namespace "risk")."""

from django.urls import path

from supplyesg.assessments.risk import views

app_name = "risk"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("recompute/", views.recompute, name="recompute"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist/bulk/close/", views.bulk_close_worklist, name="bulk_close_worklist"),
    path("worklist/bulk/export/", views.bulk_export_worklist, name="bulk_export_worklist"),
    path("worklist/<int:worklist_pk>/close/", views.close_worklist_item, name="close_worklist_item"),
    path("suppliers/<int:pk>/", views.supplier_risk, name="supplier"),
    path("suppliers/<int:pk>/assess/", views.assess, name="assess"),
    path("suppliers/<int:pk>/override/", views.override, name="override"),
]
