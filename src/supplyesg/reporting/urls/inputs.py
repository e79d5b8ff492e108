"""Reporting pages: the inputs part (included by reporting/urls/__init__.py): accounts payable, own-workforce
figures, management reviews."""

from django.urls import path

from supplyesg.reporting.views import inputs, reviews

urlpatterns = [
    path("payments/", inputs.payments, name="payments"),
    path("payments/template.xlsx", inputs.payments_template, name="payments_template"),
    path("workforce/", inputs.workforce, name="workforce"),
    path("workforce/import/", inputs.workforce_import, name="workforce_import"),
    path("workforce/template.xlsx", inputs.workforce_template, name="workforce_template"),
    path("periods/<int:year>/reviews/", reviews.reviews, name="reviews"),
    path("reviews/<int:management_review_pk>/", reviews.review, name="review"),
    path("review-actions/<int:review_action_pk>/", reviews.change_action, name="review_action"),
]
