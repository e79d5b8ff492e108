from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from supplyesg.core import export_views, home_views, views
from supplyesg.core.forms import ThrottledAuthenticationForm

app_name = "core"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("dashboard/<slug:panel>/", home_views.home_panel, name="home_panel"),
    path("search/", home_views.search_page, name="search"),
    path("inbox/", home_views.inbox_page, name="inbox"),
    path("header-counts/", home_views.header_counts, name="header_counts"),
    path("notifications/", home_views.notification_list, name="notifications"),
    path("notifications/read/", home_views.mark_notifications_read, name="notifications_read"),
    path(
        "accounts/login/",
        views.LoginView.as_view(
            template_name="core/login.html", authentication_form=ThrottledAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/session/", views.session_status, name="session_status"),
    path(
        "accounts/password-change/",
        views.PasswordChangeView.as_view(
            template_name="core/password_change.html", success_url=reverse_lazy("core:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "accounts/password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "accounts/password-reset/",
        views.PasswordResetView.as_view(
            template_name="core/password_reset.html",
            email_template_name="core/password_reset_email.txt",
            subject_template_name="core/password_reset_subject.txt",
            success_url=reverse_lazy("core:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html", success_url=reverse_lazy("core:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("accounts/two-factor/verify/", views.verify_second_factor, name="verify_second_factor"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/two-factor/app/", views.confirm_totp, name="confirm_totp"),
    path("accounts/two-factor/recovery-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("accounts/two-factor/<slug:kind>/<int:pk>/remove/", views.remove_factor, name="remove_factor"),
    path("account/", views.account, name="account"),
    path("account/tokens/", views.create_token, name="create_token"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("exports/<int:pk>/", export_views.export_page, name="export"),
    path("exports/<int:pk>/file/", export_views.export_file, name="export_file"),
    path("policy/conformance/", views.policy_conformance, name="policy_conformance"),
]
