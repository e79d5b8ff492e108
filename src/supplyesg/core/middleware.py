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
