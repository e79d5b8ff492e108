"""The supplier's own lots in the portal, at /portal/traceability/ (namespace "traceability_portal")."""

from django.urls import path

from supplyesg.traceability.views import portal as views

app_name = "traceability_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("lots/<int:lot_pk>/", views.lot, name="lot"),
    path("receive/", views.receive, name="receive"),
    path("transform/", views.transform, name="transform"),
    path("ship/", views.ship, name="ship"),
    path("origin-documents/new/", views.upload_origin, name="upload_origin"),
]
