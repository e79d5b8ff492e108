"""Traceability pages; the project's URL map includes them at /traceability/ (namespace "traceability")."""

from django.urls import path

from supplyesg.traceability.views import internal as views

app_name = "traceability"

urlpatterns = [
    path("", views.lots, name="lots"),
    path("lots/<int:lot_pk>/", views.lot_detail, name="lot"),
    path("lots/<int:lot_pk>/epcis/", views.epcis_export, name="epcis_export"),
    path("trace/", views.trace, name="trace"),
    path("forward/", views.forward, name="forward"),
    path("coverage/", views.coverage, name="coverage"),
    path("materials/", views.materials, name="materials"),
    path("origin-documents/", views.origin_documents, name="origin_documents"),
    path("origin-documents/<int:origin_pk>/review/", views.review_origin_document, name="review_origin_document"),
    path("origin-documents/<int:origin_pk>/file/", views.origin_document_file, name="origin_document_file"),
    path("events/<int:event_pk>/declare-error/", views.declare_error, name="declare_error"),
    path("epcis/import/", views.epcis_import, name="epcis_import"),
]
