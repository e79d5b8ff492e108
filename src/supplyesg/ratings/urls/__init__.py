"""Rating pages; the project's URL map includes them at /ratings/ (namespace "ratings")."""

from django.urls import path

from supplyesg.ratings.views import ratings as views

app_name = "ratings"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("compute/", views.compute, name="compute"),
    path("export/", views.export_qbr, name="export"),
    path("bulk/decide/", views.bulk_decide, name="bulk_decide"),
    path("bulk/export/", views.bulk_export, name="bulk_export"),
    path("scores/new/", views.enter_score, name="enter_score"),
    path("scores/import/", views.import_scores, name="import"),
    path("scores/template/", views.import_template, name="import_template"),
    path("suppliers/<int:supplier_pk>/", views.supplier_ratings, name="supplier"),
    path("suppliers/<int:supplier_pk>/panel/", views.supplier_panel, name="supplier_panel"),
    path("<int:rating_pk>/decide/", views.decide, name="decide"),
    path("<int:rating_pk>/improvement/close/", views.close_improvement, name="close_improvement"),
]
