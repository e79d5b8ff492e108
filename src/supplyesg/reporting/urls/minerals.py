"""Reporting pages: the minerals part (included by reporting/urls/__init__.py): the draft Form SD and Conflict
Minerals Report of a snapshot."""

from django.urls import path

from supplyesg.reporting.views import minerals

urlpatterns = [
    path("snapshots/<int:snapshot_pk>/form-sd/", minerals.formsd_draft, name="formsd"),
    path("snapshots/<int:snapshot_pk>/form-sd.txt", minerals.formsd_text, name="formsd_text"),
    path("snapshots/<int:snapshot_pk>/form-sd.xlsx", minerals.formsd_xlsx, name="formsd_xlsx"),
]
