from django.urls import path

from supplyesg.suppliers.views import portal as portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("profile/", portal_views.profile, name="profile"),
    path("documents/", portal_views.documents, name="documents"),
    path("agreements/", portal_views.agreements, name="agreements"),
    path("agreements/<int:type_pk>/sign/", portal_views.sign_agreement, name="sign_agreement"),
    path("admission/submit/", portal_views.submit_admission, name="submit_admission"),
    path("qualification/<int:item_pk>/evidence/", portal_views.qualification_evidence, name="qualification_evidence"),
]
