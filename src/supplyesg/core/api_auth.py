"""API authentication: a token (Bearer or X-API-Key header) or the browser session, and role checks that
run before the request body is read, so a read-only user learns nothing about a write endpoint's schema."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from supplyesg.core.access import require_internal
from supplyesg.core.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        user = user_for_token(key)
        if user is not None:
            request.user = user
        return user


DEFAULT_AUTH = [BearerToken(), HeaderToken(), django_auth]


class InternalWith:
    """Authenticate like DEFAULT_AUTH, then require an internal role holding `capability`
    (404 for supplier users, 403 for roles without it)."""

    def __init__(self, capability: str):
        self.capability = capability

    def __call__(self, request):
        for method in DEFAULT_AUTH:
            user = method(request)
            if user:
                require_internal(request.user, self.capability)
                return user
        return None


def needs(capability: str) -> list:
    return [InternalWith(capability)]


def staff_docs(view):
    """Docs and schema need an internal user's session (integrators read them signed in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_internal:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
