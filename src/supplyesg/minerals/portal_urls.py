"""Minerals declarations in the supplier portal, at /portal/minerals/."""

from django.urls import path

from supplyesg.minerals.views import portal as portal_views

app_name = "minerals_portal"

urlpatterns = [
    path("", portal_views.request_list, name="requests"),
    path("requests/<int:campaign_request_pk>/", portal_views.request_upload, name="request"),
    path("submissions/<int:submission_pk>/", portal_views.submission_detail, name="submission"),
    path("submissions/<int:submission_pk>/file/", portal_views.submission_file, name="file"),
]
