"""Minerals declarations in the supplier portal, at /portal/minerals/."""

from django.urls import path

from supplyesg.minerals.views import portal

app_name = "minerals_portal"

urlpatterns = [
    path("", portal.request_list, name="requests"),
    path("requests/<int:campaign_request_pk>/", portal.request_upload, name="request"),
    path("submissions/<int:submission_pk>/", portal.submission_detail, name="submission"),
    path("submissions/<int:submission_pk>/file/", portal.submission_file, name="file"),
]
