"""Home, account settings and API tokens, language, background-job progress, and the log-in steps:
password (throttled), second factor, password change and reset (which revoke API tokens); the idle-session clock."""

import json
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialRegistrationView

from supplyesg.core import exports, policy_sources, second_factor, services, throttle
from supplyesg.core.access import Cap, require_internal
from supplyesg.core.forms import ApiTokenForm, LanguageForm, MailedPasswordResetForm, SecondFactorCodeForm
from supplyesg.core.middleware import IDLE_SEEN, idle_seconds_left
from supplyesg.core.models import Job, MailDigest, PolicySettings


@require_http_methods(["GET", "POST"])
def account(request):
    initial = {"language": request.user.language, "mail_digest": request.user.mail_digest}
    language_form = LanguageForm(request.POST or None, initial=initial, prefix="lang")
    if request.method == "POST" and language_form.is_valid():
        with transaction.atomic():
            services.set_user_language(request.user, language=language_form.cleaned_data["language"], actor=request.user)
            services.set_mail_digest(
                request.user, digest=language_form.cleaned_data["mail_digest"] or MailDigest.OFF, actor=request.user
            )
        if language_form.cleaned_data["language"]:
            request.session["user_language"] = language_form.cleaned_data["language"]
        else:
            request.session.pop("user_language", None)
        messages.success(request, _("Your settings were saved."))
        return redirect("core:account")
    tokens = request.user.api_tokens.all()
    context = {"language_form": language_form, "token_form": ApiTokenForm(), "tokens": tokens}
    return render(request, "core/account_settings.html", {**context, "downloads": exports.recent_for(request.user)})


@require_http_methods(["POST"])
def create_token(request):
    if not request.user.is_internal:
        raise Http404
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("name: a token name is required."))
        return redirect("core:account")
    _token, raw = services.create_api_token(user=request.user, name=form.cleaned_data["name"], actor=request.user)
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "core/account_settings.html",
        {
            "language_form": LanguageForm(
                initial={"language": request.user.language, "mail_digest": request.user.mail_digest}, prefix="lang"
            ),
            "token_form": ApiTokenForm(),
            "tokens": tokens,
            "new_token": raw,
            "downloads": exports.recent_for(request.user),
        },
    )


@require_http_methods(["POST"])
def revoke_token(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    services.revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("core:account")


def job_status(request, pk):
    """A progress fragment, polled by htmx while the job runs. Users see their own jobs; staff see all."""
    jobs = Job.objects.all() if request.user.is_internal else Job.objects.filter(created_by=request.user)
    job = get_object_or_404(jobs, pk=pk)
    if job.status in (Job.Status.QUEUED, Job.Status.RUNNING) and services.fail_stale_jobs(kind=job.kind):
        job.refresh_from_db()  # its worker died: show it failed instead of polling for ever
    return render(request, "core/_job_progress.html", {"job": job})


def policy_conformance(request):
    """Administrators see each seed-policy rule, the settings carrying it, and where a current value departs."""
    require_internal(request.user, Cap.ADMINISTER)
    current = PolicySettings.current()
    labels = {f.name: str(f.verbose_name) for f in PolicySettings._meta.concrete_fields if f.name not in ("id", "updated_at")}
    rules = policy_sources.conformance(current, labels)
    context = {
        "rules": rules,
        "settings_rows": policy_sources.setting_rows(current, labels),
        "departures": sum(row.departs for row in rules),
        "settings_pk": current.pk,
    }
    return render(request, "core/policy_conformance.html", context)


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        auth_login(self.request, form.get_user())
        user = self.request.user
        if user.language:
            self.request.session["user_language"] = user.language
        url = self.get_success_url()
        step = second_factor.step_after_password(user)
        if step:
            self.request.session[second_factor.SESSION_STEP] = step
        if step == "verify":
            url = f"{reverse('core:verify_second_factor')}?{urlencode({'next': url})}"
        return HttpResponseRedirect(url)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.revoke_all_api_tokens(form.user, actor=form.user, reason=_("Password changed"))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Reset e-mails are limited per address and per client address; the same answer whether or not an
    account has the address, so the limit tells nothing about who is registered."""

    form_class = MailedPasswordResetForm

    def form_valid(self, form):
        email, ip = form.cleaned_data["email"], throttle.client_ip(self.request)
        if throttle.reset_is_throttled(email, ip):
            form.add_error(
                None,
                _("Too many password-reset requests for this address or from your network. Try again in %(minutes)s minutes.")
                % {"minutes": settings.PASSWORD_RESET_WINDOW_MINUTES},
            )
            return self.form_invalid(form)
        throttle.record_reset_request(email, ip)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.revoke_all_api_tokens(form.user, actor=form.user, reason=_("Password reset"))
        return response


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def verify_second_factor(request):
    """Step two of log-in: a code from the authenticator app, a recovery code, or a passkey."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_verified() or not second_factor.has_second_factor(user):
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify_code(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not valid. Wait for a new code, or try again in a few seconds."))
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    context = {"form": form, "next": _next_url(request), "has_passkey": has_passkey}
    return render(request, "core/second_factor_verify.html", context)


def _may_manage_factors(request) -> bool:
    """Only a session that passed its second factor (or a user without one) may add or remove factors."""
    return request.user.is_verified() or not second_factor.has_second_factor(request.user)


def _two_factor_page(request, *, code_form=None, recovery_codes=None, status=200):
    user = request.user
    pending = second_factor.pending_totp(user)
    context = {
        "factors": second_factor.factors(user),
        "recovery_codes_left": second_factor.recovery_codes_left(user),
        "recovery_codes": recovery_codes or request.session.pop("new_recovery_codes", None),
        "totp_secret": pending.key and _base32(pending),
        "totp_qr": second_factor.qr_svg(pending.config_url),
        "code_form": code_form or SecondFactorCodeForm(),
        "required": user.second_factor_required,
        "next": _next_url(request),
    }
    return render(request, "core/two_factor.html", context, status=status)


def _base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


@require_http_methods(["GET"])
def two_factor(request):
    if not _may_manage_factors(request):
        return redirect(f"{reverse('core:verify_second_factor')}?{urlencode({'next': request.get_full_path()})}")
    return _two_factor_page(request)


@require_http_methods(["POST"])
def confirm_totp(request):
    if not _may_manage_factors(request):
        raise Http404
    form = SecondFactorCodeForm(request.POST)
    device, codes = second_factor.pending_totp(request.user), None
    if form.is_valid():
        codes = second_factor.confirm_totp(device, form.cleaned_data["code"], actor=request.user)
        if codes is None:
            form.add_error("code", _("This code does not match the app. Check the time on your phone and try again."))
    if codes is None:
        return _two_factor_page(request, code_form=form, status=400)
    if not request.user.is_verified():
        django_otp.login(request, device)  # the user just proved the new app works
    messages.success(request, _("Your authenticator app was added."))
    return _two_factor_page(request, recovery_codes=codes)


@require_http_methods(["POST"])
def new_recovery_codes(request):
    if not _may_manage_factors(request) or not second_factor.has_second_factor(request.user):
        raise Http404
    codes = second_factor.generate_recovery_codes(request.user, actor=request.user)
    return _two_factor_page(request, recovery_codes=codes)


@require_http_methods(["POST"])
def remove_factor(request, kind, pk):
    if not _may_manage_factors(request):
        raise Http404
    model = {"totp": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        raise Http404
    device = get_object_or_404(model.objects.filter(user=request.user, confirmed=True), pk=pk)
    if request.user.second_factor_required and len(second_factor.factors(request.user)) == 1:
        messages.error(request, _("Your role must use a second factor: add another one before removing this one."))
        return redirect("core:two_factor")
    second_factor.remove_factor(device, actor=request.user)
    messages.success(request, _("The second factor was removed."))
    return redirect("core:two_factor")


class CompletePasskeyRegistrationView(CompleteCredentialRegistrationView):
    """django-otp-webauthn's registration, recorded in the audit trail; first recovery codes wait in the session."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            credential = WebAuthnCredential.objects.get(pk=_json(response)["id"], user=self.request.user)
            codes = second_factor.record_passkey_added(credential, actor=self.request.user)
            if codes:
                self.request.session["new_recovery_codes"] = codes
        return response


def _json(response: JsonResponse) -> dict:
    return json.loads(response.content)


@require_http_methods(["POST"])
def set_language(request):
    """Django's language switch, remembered for the session so it beats the saved preference."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if hasattr(request, "session") and language:
        request.session["user_language"] = language
    return response


@require_http_methods(["GET", "POST"])
def session_status(request):
    """How long the signed-in session has left (GET: asking is not activity) or, POSTed from the warning's
    "Stay signed in", a fresh idle period. Anyone may ask: a visitor without a session is told so."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0})
    if request.method == "POST":
        request.session[IDLE_SEEN] = int(timezone.now().timestamp())
    return JsonResponse({"signed_in": True, "seconds_left": idle_seconds_left(request)})
