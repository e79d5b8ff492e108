"""Audits, corrective actions and training in the supplier portal, at /portal/audits/ (namespace "audits_portal")."""

from django.urls import path

from supplyesg.audits.views import portal

app_name = "audits_portal"

urlpatterns = [
    path("", portal.audit_list, name="list"),
    path("actions/<int:action_pk>/", portal.action_plan, name="action"),
    path("actions/<int:action_pk>/complete/", portal.action_complete, name="complete"),
    path("actions/<int:action_pk>/files/<int:file_pk>/", portal.action_file, name="file"),
    path("trainings/", portal.training_list, name="trainings"),
    path("trainings/<int:training_pk>/attended/", portal.attend_training, name="attend_training"),
]
