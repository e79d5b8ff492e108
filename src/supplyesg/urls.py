from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp_webauthn import urls as passkey_urls

from supplyesg.api import api
from supplyesg.core.views import CompletePasskeyRegistrationView

# django-otp-webauthn's endpoints, with registration recorded in the audit trail.
passkey_urlpatterns = [
    path("registration/complete/", CompletePasskeyRegistrationView.as_view(), name="credential-registration-complete"),
    *[p for p in passkey_urls.urlpatterns if p.name != "credential-registration-complete"],
]

urlpatterns = [
    path("", include("supplyesg.core.urls")),
    path("suppliers/", include("supplyesg.suppliers.urls")),
    path("portal/", include("supplyesg.suppliers.urls.portal")),
    path("accounts/invitation/", include("supplyesg.suppliers.urls.invitation")),
    path("minerals/", include("supplyesg.minerals.urls")),
    path("portal/minerals/", include("supplyesg.minerals.urls.portal")),
    path("assessments/", include("supplyesg.assessments.urls")),
    path("portal/assessments/", include("supplyesg.assessments.urls.portal")),
    path("risk/", include("supplyesg.assessments.risk.urls")),
    path("audits/", include("supplyesg.audits.urls")),
    path("corrective-actions/", include("supplyesg.audits.urls.corrective")),
    path("portal/audits/", include("supplyesg.audits.urls.portal")),
    path("ratings/", include("supplyesg.ratings.urls")),
    path("portal/ratings/", include("supplyesg.ratings.urls.portal")),
    path("training/", include("supplyesg.engagement.urls")),
    path("portal/training/", include("supplyesg.engagement.urls.portal")),
    path("traceability/", include("supplyesg.traceability.urls")),
    path("portal/traceability/", include("supplyesg.traceability.urls.portal")),
    path("minerals/risk-cases/", include("supplyesg.minerals.cases.urls")),
    path("terminations/", include("supplyesg.suppliers.terminations.urls")),
    path("sanctions/", include("supplyesg.suppliers.sanctions.urls")),
    path("grievances/", include("supplyesg.grievances.urls")),
    path("grievance/", include("supplyesg.grievances.urls.public")),
    path("reporting/", include("supplyesg.reporting.urls")),
    path("api/", api.urls),
    # One log-in page for everyone, with its throttle and second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="core:login", query_string=True), name="admin_login"),
    path("accounts/two-factor/passkeys/", include((passkey_urlpatterns, "otp_webauthn"))),
    path("admin/", admin.site.urls),
]
