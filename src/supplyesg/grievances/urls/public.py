from django.urls import path

from supplyesg.grievances.views import public

app_name = "grievance"

urlpatterns = [
    path("", public.report_form, name="report"),
    path("follow/", public.follow, name="follow"),
    path("rules/<slug:key>/", public.rules, name="rules"),
]
