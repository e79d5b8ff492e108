"""Corrective actions and supplier training, at /corrective-actions/ (namespace "corrective")."""

from django.urls import path

from supplyesg.audits.views import corrective as views

app_name = "corrective"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("<int:action_pk>/", views.action_detail, name="detail"),
    path("<int:action_pk>/approve/", views.approve_plan, name="approve"),
    path("<int:action_pk>/reject/", views.reject_plan, name="reject"),
    path("<int:action_pk>/reject-completion/", views.reject_completion, name="reject_completion"),
    path("<int:action_pk>/close/", views.close_action, name="close"),
    path("<int:action_pk>/enter-plan/", views.enter_plan, name="enter_plan"),
    path("<int:action_pk>/files/<int:file_pk>/", views.action_file, name="file"),
    path("audits/<int:audit_pk>/", views.audit_actions, name="audit_actions"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.assign_training, name="assign_training"),
    path("trainings/<int:training_pk>/complete/", views.complete_training, name="complete_training"),
    path("trainings/<int:training_pk>/cancel/", views.cancel_training, name="cancel_training"),
]
