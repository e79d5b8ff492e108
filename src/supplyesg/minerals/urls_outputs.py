"""Dashboard, company smelter list and the company's own CMRT/EMRT, included in the "minerals" namespace."""

from django.urls import path

from supplyesg.minerals.views import outputs as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("company-smelters/", views.company_smelters, name="company_smelters"),
    path("company-smelters/export/", views.company_smelters_export, name="company_smelters_export"),
    path("declaration/<int:year>/<str:template>/", views.company_declaration, name="declaration"),
    path(
        "declaration/<int:year>/<str:template>/export/", views.export_declaration, name="declaration_export"
    ),
]
