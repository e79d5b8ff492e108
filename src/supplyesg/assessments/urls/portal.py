"""Questionnaires in the supplier portal, at /portal/assessments/ (namespace "assessments_portal")."""

from django.urls import path

from supplyesg.assessments.views import portal as portal_views

app_name = "assessments_portal"

urlpatterns = [
    path("", portal_views.response_list, name="responses"),
    path("responses/<int:response_pk>/", portal_views.response_fill, name="fill"),
    path(
        "responses/<int:response_pk>/sections/<str:section_code>/",
        portal_views.response_section,
        name="section",
    ),
    path("responses/<int:response_pk>/workbook/", portal_views.response_workbook, name="workbook"),
    path("responses/<int:response_pk>/upload/", portal_views.response_upload, name="upload"),
    path(
        "responses/<int:response_pk>/evidence/<int:answer_pk>/",
        portal_views.response_evidence,
        name="evidence",
    ),
]
