"""Log-in required everywhere except the allow-list; the user's chosen language wins over the browser's; idle
sessions end."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

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
    "/accounts/session/",
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


# The moment of the last request of a signed-in session, in whole seconds since the epoch.
IDLE_SEEN = "_idle_seen"
# Requests within this many seconds of the stored moment do not write the session again (so a session may end
# up to this much sooner than SESSION_IDLE_MINUTES after the very last request; the warning script is told the
# server's own count).
IDLE_STAMP_EVERY = 60
# Asking how long is left (the warning script, from any open tab) is not activity.
IDLE_STATUS_PATHS = ("/accounts/session/",)


def idle_seconds_left(request) -> int | None:
    """Seconds before this signed-in session ends for want of activity, or None outside a session."""
    seen = request.session.get(IDLE_SEEN) if hasattr(request, "session") else None
    if seen is None:
        return None
    return max(0, int(seen + settings.SESSION_IDLE_MINUTES * 60 - timezone.now().timestamp()))


def start_idle_clock(sender, request, user, **kwargs):
    """On log-in (user_logged_in): the idle clock starts with the session, written with it."""
    if hasattr(request, "session"):
        request.session[IDLE_SEEN] = int(timezone.now().timestamp())


class IdleSessionMiddleware:
    """A signed-in session ends after SESSION_IDLE_MINUTES without a request: the next request logs out and
    goes to log-in (with `next` back to the page; htmx and API calls get 401). Enforced here, on the server;
    `core/session.js` only warns before and offers to stay signed in. Each request stamps the session (at most
    every IDLE_STAMP_EVERY seconds, to spare the session store) and answers `X-Session-Seconds-Left`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated or not hasattr(request, "session"):
            return self.get_response(request)
        now = int(timezone.now().timestamp())
        left = idle_seconds_left(request)
        if left == 0:
            return self._expired(request)
        if left is None or (
            not request.path.startswith(IDLE_STATUS_PATHS) and now - request.session[IDLE_SEEN] >= IDLE_STAMP_EVERY
        ):
            request.session[IDLE_SEEN] = now
        # For the warning script (core/_page_scripts.html).
        request.idle_seconds_left = idle_seconds_left(request)
        request.idle_warning_seconds = settings.SESSION_WARNING_MINUTES * 60
        response = self.get_response(request)
        left = idle_seconds_left(request)
        if left is not None:
            response["X-Session-Seconds-Left"] = str(left)
        return response

    def _expired(self, request):
        minutes = settings.SESSION_IDLE_MINUTES
        language = request.session.get("user_language")
        logout(request)
        if language:
            request.session["user_language"] = language  # the log-in page stays in the user's language
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Your session has ended.", "errors": []}, status=401)
        messages.info(
            request,
            ngettext(
                "You were signed out after %(minutes)s minute without activity. Log in again to continue.",
                "You were signed out after %(minutes)s minutes without activity. Log in again to continue.",
                minutes,
            )
            % {"minutes": minutes},
        )
        if request.path.startswith(IDLE_STATUS_PATHS):
            return JsonResponse({"signed_in": False, "seconds_left": 0})
        if request.headers.get("HX-Request"):
            return JsonResponse({"detail": "Your session has ended.", "errors": []}, status=401)
        return redirect_to_login(_page_to_return_to(request), settings.LOGIN_URL)


def _page_to_return_to(request) -> str:
    """The page to come back to after log-in: this one for a GET, the page a form was posted from otherwise."""
    if request.method == "GET":
        return request.get_full_path()
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path:
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"
