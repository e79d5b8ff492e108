"""Questionnaire campaigns and the review of responses, at /assessments/ (namespace "assessments")."""

from django.urls import path

from supplyesg.assessments.views import campaigns as views

app_name = "assessments"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:questionnaire_campaign_pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:questionnaire_campaign_pk>/open/", views.campaign_open, name="campaign_open"),
    path("campaigns/<int:questionnaire_campaign_pk>/close/", views.campaign_close, name="campaign_close"),
    path(
        "campaigns/<int:questionnaire_campaign_pk>/send-newcomers/",
        views.campaign_send_newcomers,
        name="campaign_send_newcomers",
    ),
    path(
        "campaigns/<int:questionnaire_campaign_pk>/add-supplier/",
        views.campaign_add_supplier,
        name="campaign_add_supplier",
    ),
    path("responses/<int:response_pk>/", views.response_detail, name="response_detail"),
    path("responses/<int:response_pk>/accept/", views.response_accept, name="response_accept"),
    path("responses/<int:response_pk>/return/", views.response_return, name="response_return"),
    path("responses/<int:response_pk>/recompute/", views.response_recompute, name="response_recompute"),
    path("responses/<int:response_pk>/workbook/", views.response_workbook, name="response_workbook"),
    path("responses/<int:response_pk>/upload/", views.response_upload, name="response_upload"),
    path(
        "responses/<int:response_pk>/evidence/<int:answer_pk>/",
        views.response_evidence,
        name="response_evidence",
    ),
]
