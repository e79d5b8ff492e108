"""Log-in required everywhere except the allow-list; the user's chosen language wins over the browser's."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils import translation

# Paths an anonymous visitor may reach: log-in, password reset, the public grievance form, static files,
# the language switch, and the API (which answers 401 itself).
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accounts/reset/",
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
