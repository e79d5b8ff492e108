"""Minerals risk case pages; the project's URL map includes them at /minerals/risk-cases/ (namespace "risk_cases")."""

from django.urls import path

from supplyesg.minerals.cases import views as views_cases

app_name = "risk_cases"

urlpatterns = [
    path("", views_cases.case_list, name="list"),
    path("open/", views_cases.open_case, name="open"),
    path("proposals/", views_cases.proposals, name="proposals"),
    path("proposals/dismiss/", views_cases.dismiss_proposal, name="dismiss_proposal"),
    path("<int:risk_case_pk>/", views_cases.case_detail, name="detail"),
    path("<int:risk_case_pk>/adopt-plan/", views_cases.adopt_plan, name="adopt_plan"),
    path("<int:risk_case_pk>/review/", views_cases.review_plan, name="review_plan"),
    path("<int:risk_case_pk>/disengage/", views_cases.disengage, name="disengage"),
    path("<int:risk_case_pk>/revise-plan/", views_cases.revise_plan, name="revise_plan"),
    path("<int:risk_case_pk>/resume/", views_cases.resume_trade, name="resume_trade"),
    path("<int:risk_case_pk>/close/", views_cases.close_case, name="close"),
    path("suppliers/<int:supplier_pk>/panel/", views_cases.supplier_panel, name="supplier_panel"),
]
