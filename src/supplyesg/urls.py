from django.contrib import admin
from django.urls import include, path

from supplyesg.api import api

urlpatterns = [
    path("", include("supplyesg.core.urls")),
    path("suppliers/", include("supplyesg.suppliers.urls")),
    path("portal/", include("supplyesg.suppliers.portal_urls")),
    path("minerals/", include("supplyesg.minerals.urls")),
    path("portal/minerals/", include("supplyesg.minerals.portal_urls")),
    path("assessments/", include("supplyesg.assessments.urls")),
    path("portal/assessments/", include("supplyesg.assessments.portal_urls")),
    path("risk/", include("supplyesg.assessments.risk_urls")),
    path("audits/", include("supplyesg.audits.urls")),
    path("corrective-actions/", include("supplyesg.audits.ca_urls")),
    path("portal/audits/", include("supplyesg.audits.portal_urls")),
    path("ratings/", include("supplyesg.ratings.urls")),
    path("portal/ratings/", include("supplyesg.ratings.portal_urls")),
    path("minerals/risk-cases/", include("supplyesg.minerals.cases_urls")),
    path("terminations/", include("supplyesg.suppliers.terminations_urls")),
    path("sanctions/", include("supplyesg.suppliers.sanctions.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
