"""Termination pages; the project's URL map includes them at /terminations/ (namespace "terminations")."""

from django.urls import path

from supplyesg.suppliers.terminations.views import cases, suspensions

app_name = "terminations"

urlpatterns = [
    path("", cases.queue, name="queue"),
    path("bulk/decide/", cases.bulk_decide, name="bulk_decide"),
    path("bulk/export/", cases.bulk_export, name="bulk_export"),
    path("history/", cases.history, name="history"),
    path("<int:termination_pk>/", cases.detail, name="detail"),
    path("<int:termination_pk>/decide/", cases.decide, name="decide"),
    path("<int:termination_pk>/lift/", cases.lift, name="lift"),
    path("suspensions/bulk/", suspensions.bulk_decide, name="suspension_bulk_decide"),
    path("suspensions/<int:suspension_pk>/", suspensions.detail, name="suspension"),
    path("suspensions/<int:suspension_pk>/lift/", suspensions.lift, name="suspension_lift"),
    path("suspensions/<int:suspension_pk>/terminate/", suspensions.terminate, name="suspension_terminate"),
    path("suppliers/<int:supplier_pk>/recommend/", cases.recommend, name="recommend"),
    path("suppliers/<int:supplier_pk>/panel/", cases.supplier_panel, name="supplier_panel"),
]
