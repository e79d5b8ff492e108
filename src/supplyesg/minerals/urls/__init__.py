"""Minerals pages at /minerals/ (namespace "minerals"): smelter reference data, outputs, and the campaigns' pages."""

from django.urls import include, path

from supplyesg.minerals.views import outputs, smelters

app_name = "minerals"

urlpatterns = [
    path("smelters/", smelters.smelter_list, name="smelters"),
    path("smelters/load-template/", smelters.load_template, name="load_template"),
    path("smelters/load-rmap/", smelters.load_rmap, name="load_rmap"),
    path("", include("supplyesg.minerals.campaigns.urls")),
    path("dashboard/", outputs.dashboard, name="dashboard"),
    path("company-smelters/", outputs.company_smelters, name="company_smelters"),
    path("company-smelters/export/", outputs.company_smelters_export, name="company_smelters_export"),
    path("declaration/<int:year>/<str:template>/", outputs.company_declaration, name="declaration"),
    path(
        "declaration/<int:year>/<str:template>/export/", outputs.export_declaration, name="declaration_export"
    ),
]
