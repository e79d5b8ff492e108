"""Termination pages; the project's URL map includes them at /terminations/ (namespace "terminations")."""

from django.urls import path

from supplyesg.suppliers.views import suspensions, terminations

app_name = "terminations"

urlpatterns = [
    path("", terminations.queue, name="queue"),
    path("bulk/decide/", terminations.bulk_decide, name="bulk_decide"),
    path("bulk/export/", terminations.bulk_export, name="bulk_export"),
    path("history/", terminations.history, name="history"),
    path("<int:termination_pk>/", terminations.detail, name="detail"),
    path("<int:termination_pk>/decide/", terminations.decide, name="decide"),
    path("<int:termination_pk>/lift/", terminations.lift, name="lift"),
    path("suspensions/bulk/", suspensions.bulk_decide, name="suspension_bulk_decide"),
    path("suspensions/<int:suspension_pk>/", suspensions.detail, name="suspension"),
    path("suspensions/<int:suspension_pk>/lift/", suspensions.lift, name="suspension_lift"),
    path("suspensions/<int:suspension_pk>/terminate/", suspensions.terminate, name="suspension_terminate"),
    path("suppliers/<int:supplier_pk>/recommend/", terminations.recommend, name="recommend"),
    path("suppliers/<int:supplier_pk>/panel/", terminations.supplier_panel, name="supplier_panel"),
]
