"""Termination pages; the project's URL map includes them at /terminations/ (namespace "terminations")."""

from django.urls import path

from supplyesg.suppliers.views import terminations

app_name = "terminations"

urlpatterns = [
    path("", terminations.queue, name="queue"),
    path("history/", terminations.history, name="history"),
    path("<int:termination_pk>/", terminations.detail, name="detail"),
    path("<int:termination_pk>/decide/", terminations.decide, name="decide"),
    path("<int:termination_pk>/lift/", terminations.lift, name="lift"),
    path("suppliers/<int:supplier_pk>/recommend/", terminations.recommend, name="recommend"),
    path("suppliers/<int:supplier_pk>/panel/", terminations.supplier_panel, name="supplier_panel"),
]
