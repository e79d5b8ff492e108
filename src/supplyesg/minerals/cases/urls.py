"""Minerals risk case pages; the project's URL map includes them at /minerals/risk-cases/ (namespace "risk_cases")."""

from django.urls import path

from supplyesg.minerals.cases import views

app_name = "risk_cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/", views.open_case, name="open"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/dismiss/", views.dismiss_proposal, name="dismiss_proposal"),
    path("<int:risk_case_pk>/", views.case_detail, name="detail"),
    path("<int:risk_case_pk>/adopt-plan/", views.adopt_plan, name="adopt_plan"),
    path("<int:risk_case_pk>/review/", views.review_plan, name="review_plan"),
    path("<int:risk_case_pk>/disengage/", views.disengage, name="disengage"),
    path("<int:risk_case_pk>/revise-plan/", views.revise_plan, name="revise_plan"),
    path("<int:risk_case_pk>/resume/", views.resume_trade, name="resume_trade"),
    path("<int:risk_case_pk>/close/", views.close_case, name="close"),
    path("suppliers/<int:supplier_pk>/panel/", views.supplier_panel, name="supplier_panel"),
]
