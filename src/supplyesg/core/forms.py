from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from supplyesg.core import throttle
from supplyesg.core.models import MailDigest


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed log-ins. Try again in %(minutes)s minutes or reset your password."),
    }

    def clean(self):
        username = self.data.get("username", "")
        ip = throttle.client_ip(self.request) if self.request else None
        if throttle.is_locked_out(username, ip):
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": settings.LOGIN_LOCKOUT_MINUTES}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, ip)
            raise
        throttle.clear_failures(username)
        return cleaned


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Follow the browser"))] + list(settings.LANGUAGES), required=False,
        help_text=_("Also the language of the e-mails you receive."),
    )
    mail_digest = forms.ChoiceField(label=_("E-mail"), choices=MailDigest.choices, required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. ERP purchase-order check.")
    )


class CampaignScheduleForm(forms.Form):
    """Due date and reminders, shared by every kind of campaign (CMRT requests, questionnaires)."""

    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    remind_days_before = forms.IntegerField(
        label=_("Remind this many days before the due date"),
        min_value=0,
        max_value=365,
        initial=7,
        help_text=_("0: no reminder before."),
    )
    remind_every_days_after = forms.IntegerField(
        label=_("Then remind every this many days when overdue"),
        min_value=0,
        max_value=365,
        initial=7,
        help_text=_("0: no reminder after the due date."),
    )


class MailedPasswordResetForm(PasswordResetForm):
    """The reset e-mail goes through core.mail like every other: in the account holder's language, never held
    for a digest, its link on SITE_URL when set (else the address the request came to)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        from urllib.parse import urlsplit

        from supplyesg.core.mail import Letter, send_now

        site = urlsplit(settings.SITE_URL) if settings.SITE_URL else None
        if site and site.netloc:
            context = {**context, "protocol": site.scheme, "domain": site.netloc + site.path.rstrip("/")}

        def compose():
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            return subject, loader.render_to_string(email_template_name, context)

        send_now([Letter([to_email], compose, digest=False)])
