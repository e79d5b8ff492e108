"""Reporting pages: the snapshots part (included by reporting/urls/__init__.py)."""

from django.urls import path

from supplyesg.reporting.views import snapshots as views

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("periods/<int:year>/", views.period, name="period"),
    path("periods/<int:year>/snapshot/", views.take_snapshot, name="take_snapshot"),
    path("snapshots/<int:snapshot_pk>/", views.snapshot, name="snapshot"),
    path("snapshots/<int:snapshot_pk>/publish/", views.publish_snapshot, name="publish_snapshot"),
    path("snapshots/<int:snapshot_pk>/check/", views.check_snapshot, name="check_snapshot"),
    path("snapshots/<int:snapshot_pk>/figures/<str:figure_code>/", views.figure, name="figure"),
    path("snapshots/<int:snapshot_pk>/gri-index/", views.content_index, name="content_index"),
    path("snapshots/<int:snapshot_pk>/gri-index.xlsx", views.content_index_xlsx, name="content_index_xlsx"),
    path("snapshots/<int:snapshot_pk>/report.xlsx", views.snapshot_xlsx, name="snapshot_xlsx"),
    path("snapshots/<int:snapshot_pk>/report.pdf", views.snapshot_pdf, name="snapshot_pdf"),
]
