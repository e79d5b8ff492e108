"""Audits, corrective actions and training in the supplier portal, at /portal/audits/ (namespace "audits_portal")."""

from django.urls import path

from supplyesg.audits import portal_views

app_name = "audits_portal"

urlpatterns = [
    path("", portal_views.audit_list, name="list"),
    path("actions/<int:action_pk>/", portal_views.action_plan, name="action"),
    path("actions/<int:action_pk>/complete/", portal_views.action_complete, name="complete"),
    path("actions/<int:action_pk>/files/<int:file_pk>/", portal_views.action_file, name="file"),
    path("trainings/", portal_views.training_list, name="trainings"),
    path("trainings/<int:training_pk>/attended/", portal_views.attend_training, name="attend_training"),
]
