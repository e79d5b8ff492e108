"""Campaign, submission, bulk-import and smelter-review pages, included in the "minerals" namespace."""

from django.urls import path

from supplyesg.minerals.campaigns import views
from supplyesg.minerals.views import acceptance as views_acceptance
from supplyesg.minerals.views import reviews as views_reviews

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_pk>/open/", views.campaign_open, name="campaign_open"),
    path("campaigns/<int:campaign_pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:campaign_pk>/send-newcomers/", views.campaign_send_newcomers, name="campaign_send_newcomers"),
    path("campaigns/<int:campaign_pk>/add-supplier/", views.campaign_add_supplier, name="campaign_add_supplier"),
    path("campaigns/<int:campaign_pk>/accept/", views_acceptance.campaign_bulk_accept, name="campaign_bulk_accept"),
    path("campaigns/<int:campaign_pk>/bulk/", views.bulk_upload, name="bulk_upload"),
    path("campaigns/<int:campaign_pk>/bulk/<int:job_pk>/", views.bulk_result, name="bulk_result"),
    path("campaigns/<int:campaign_pk>/bulk/<int:job_pk>/confirm/", views.bulk_confirm, name="bulk_confirm"),
    path("campaigns/<int:campaign_pk>/bulk/<int:job_pk>/retry/", views.bulk_retry, name="bulk_retry"),
    path("requests/<int:campaign_request_pk>/remove/", views.request_remove, name="request_remove"),
    path("requests/<int:campaign_request_pk>/upload/", views.submission_upload, name="submission_upload"),
    path("submissions/<int:submission_pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:submission_pk>/file/", views.submission_file, name="submission_file"),
    path("submissions/<int:submission_pk>/accept/", views.submission_accept, name="submission_accept"),
    path("submissions/<int:submission_pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<int:submission_pk>/company/confirm/", views.submission_confirm_company, name="submission_confirm_company"),
    path("submissions/<int:submission_pk>/company/reassign/", views.submission_reassign, name="submission_reassign"),
    path("smelter-reviews/", views.review_queue, name="review_queue"),
    path("smelter-reviews/bulk/decide/", views_reviews.review_bulk_decide, name="review_bulk_decide"),
    path("smelter-reviews/bulk/export/", views_reviews.review_bulk_export, name="review_bulk_export"),
    path("smelter-reviews/<int:review_pk>/confirm/", views.review_confirm, name="review_confirm"),
    path("smelter-reviews/<int:review_pk>/reject/", views.review_reject, name="review_reject"),
    path("smelter-aliases/", views.alias_list, name="alias_list"),
    path("smelter-aliases/<int:alias_pk>/withdraw/", views.alias_withdraw, name="alias_withdraw"),
]
