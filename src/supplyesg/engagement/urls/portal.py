"""Training in the supplier portal, at /portal/training/ (namespace "engagement_portal")."""

from django.urls import path

from supplyesg.engagement.views import portal

app_name = "engagement_portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("invitations/<int:invitation_pk>/", portal.invitation, name="invitation"),
    path("invitations/<int:invitation_pk>/decline/", portal.decline, name="decline"),
    path("sessions/<int:session_pk>/survey/", portal.survey, name="survey"),
    path("cascade/", portal.cascade, name="cascade"),
    path("announcements/<int:announcement_pk>/", portal.announcement, name="announcement"),
]
