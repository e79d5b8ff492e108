"""Log-in required everywhere except the allow-list; the user's chosen language wins over the browser's."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from supplyesg.core import second_factor

# Paths an anonymous visitor may reach: log-in, password reset, portal invitations, the public grievance form, static files,
# the language switch, and the API (which answers 401 itself).
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accounts/reset/",
    "/accounts/invitation/",
    "/static/",
    "/i18n/",
    "/grievance/",
    "/api/",
)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.headers.get("HX-Request"):
                return JsonResponse({"detail": "Authentication required."}, status=401)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Put the user's saved language in front of the browser's, before LocaleMiddleware decides."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.session.get("user_language") if hasattr(request, "session") else None
        if lang and translation.check_for_language(lang):
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.get_response(request)


# Reachable half-way through log-in: the second-factor pages check the session themselves.
SECOND_FACTOR_OPEN = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/i18n/")


class SecondFactorMiddleware:
    """After the password: a user with a second factor proves it before anything else, and an internal
    user whose policy requires one (PolicySettings) enrols first. The step owed is put in the session at
    log-in; token-authenticated API calls are unaffected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = request.session.get(second_factor.SESSION_STEP) if hasattr(request, "session") else None
        if not step or not request.user.is_authenticated or request.path.startswith(SECOND_FACTOR_OPEN):
            return self.get_response(request)
        if request.user.is_verified():
            del request.session[second_factor.SESSION_STEP]
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # A half-finished log-in is no session for the API (a token still works).
            request.user = AnonymousUser()
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            return JsonResponse({"detail": "Second factor required."}, status=401)
        target = "core:verify_second_factor" if step == "verify" else "core:two_factor"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class ApiErrorMiddleware:
    """Under /api/ every error is JSON in the API's one shape, also those answered before the API is reached:
    an unknown path (404) and a method the path does not take (405, keeping its `Allow` header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = "Not found." if response.status_code == 404 else f"Method {request.method} is not allowed here."
            json_response = JsonResponse({"detail": detail, "errors": []}, status=response.status_code)
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
