"""Home, account settings and API tokens, language, and background-job progress."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

from supplyesg.core import services
from supplyesg.core.forms import ApiTokenForm, LanguageForm
from supplyesg.core.models import Job


@require_http_methods(["GET", "POST"])
def account(request):
    language_form = LanguageForm(request.POST or None, initial={"language": request.user.language}, prefix="lang")
    if request.method == "POST" and language_form.is_valid():
        services.set_user_language(request.user, language=language_form.cleaned_data["language"], actor=request.user)
        if language_form.cleaned_data["language"]:
            request.session["user_language"] = language_form.cleaned_data["language"]
        else:
            request.session.pop("user_language", None)
        messages.success(request, _("Your settings were saved."))
        return redirect("core:account")
    tokens = request.user.api_tokens.all()
    return render(
        request, "core/account_settings.html", {"language_form": language_form, "token_form": ApiTokenForm(), "tokens": tokens}
    )


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
            "language_form": LanguageForm(initial={"language": request.user.language}, prefix="lang"),
            "token_form": ApiTokenForm(),
            "tokens": tokens,
            "new_token": raw,
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
    return render(request, "core/_job_progress.html", {"job": job})


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.language:
            self.request.session["user_language"] = self.request.user.language
        return response


@require_http_methods(["POST"])
def set_language(request):
    """Django's language switch, remembered for the session so it beats the saved preference."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if hasattr(request, "session") and language:
        request.session["user_language"] = language
    return response
