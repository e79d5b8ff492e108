"""The invitee's set-password page, at /accounts/invitation/ (public, like the password-reset pages)."""

from django.urls import path

from supplyesg.suppliers.views import portal_users

app_name = "invitations"

urlpatterns = [
    path("<uidb64>/<token>/", portal_users.accept_invitation, name="accept"),
]
