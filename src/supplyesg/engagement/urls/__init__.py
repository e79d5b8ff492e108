"""Training pages for internal users, at /training/ (namespace "engagement")."""

from django.urls import path

from supplyesg.engagement.views import staff as views

app_name = "engagement"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/new/", views.create_course, name="create_course"),
    path("courses/<int:course_pk>/", views.course_detail, name="course"),
    path("courses/<int:course_pk>/materials/", views.add_material, name="add_material"),
    path("courses/<int:course_pk>/materials/<int:material_pk>/", views.material_file, name="material_file"),
    path("programmes/new/", views.create_programme, name="create_programme"),
    path("sessions/new/", views.create_session, name="create_session"),
    path("sessions/<int:session_pk>/", views.session_detail, name="session"),
    path("sessions/<int:session_pk>/participants/", views.add_attendee, name="add_attendee"),
    path("sessions/<int:session_pk>/invite/", views.create_campaign, name="create_campaign"),
    path("attendance/<int:attendance_pk>/", views.record_attendance, name="record_attendance"),
    path("invitations/<int:training_campaign_pk>/", views.campaign_detail, name="campaign"),
    path("invitations/<int:training_campaign_pk>/open/", views.open_campaign, name="open_campaign"),
    path("invitations/<int:training_campaign_pk>/close/", views.close_campaign, name="close_campaign"),
    path("figures/", views.figures, name="figures"),
    path("figures/export/", views.export_figures, name="export_figures"),
    path("import/", views.import_completions, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/<int:announcement_pk>/", views.announcement_detail, name="announcement"),
    path("suppliers/<int:supplier_pk>/panel/", views.supplier_panel, name="supplier_panel"),
]
