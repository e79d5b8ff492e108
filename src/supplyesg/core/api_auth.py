"""API authentication: a token (Bearer or X-API-Key header) or the browser session, and role checks that
run before the request body is read, so a read-only user learns nothing about a write endpoint's schema.

Every operation lists the same three security schemes in the OpenAPI document; `needs(capability)` adds the
role check to each of them. A request without a valid token and without a signed-in session answers 401 with
`WWW-Authenticate: Bearer` whatever its method: the CSRF check applies only to a signed-in browser session.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer

from supplyesg.core.access import require_internal
from supplyesg.core.services import user_for_token

AUTHENTICATE_HEADER = 'Bearer realm="SupplyESG API"'


class _RoleCheck:
    """Who may call the operation: `capability` (None: any internal role and, scoped by the access helpers,
    supplier users), `suppliers_too` (supplier users as well, for their own objects), `suppliers_only` (the
    supplier's own users; internal roles get 403). The permission matrix reads these to know what to expect."""

    def __init__(self, capability: str | None = None, suppliers_too: bool = False, suppliers_only: bool = False):
        self.capability = capability
        self.suppliers_too = suppliers_too
        self.suppliers_only = suppliers_only
        super().__init__()

    def authorise(self, user):
        """The user when the role check passes; raises Http404 (supplier users, strangers) or PermissionDenied."""
        if self.suppliers_only and not user.is_supplier_user:
            require_internal(user)
            raise PermissionDenied
        if self.capability is not None and not (self.suppliers_too and user.is_supplier_user):
            require_internal(user, self.capability)
        return user


class BearerToken(_RoleCheck, HttpBearer):
    openapi_description = "A token from the Account page: `Authorization: Bearer <token>`."

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return self.authorise(user)


class HeaderToken(_RoleCheck, APIKeyHeader):
    param_name = "X-API-Key"
    openapi_description = "The same token in an `X-API-Key` header."

    def authenticate(self, request, key):
        user = user_for_token(key)
        if user is None:
            return None
        request.user = user
        return self.authorise(user)


class SessionCookie(_RoleCheck, APIKeyCookie):
    """The signed-in browser session (the documentation page); writes need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "A signed-in browser session; writes also need the CSRF token."

    def _get_key(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: the answer is 401, not a complaint about CSRF
        return super()._get_key(request)

    def authenticate(self, request, key):
        if key is None or not request.user.is_authenticated:
            return None
        return self.authorise(request.user)


def needs(capability: str | None = None, *, suppliers_too: bool = False, suppliers_only: bool = False) -> list:
    """Auth for an operation: any of the three schemes, then an internal role holding `capability` (404 for
    supplier users unless `suppliers_too`, 403 for roles without it)."""
    return [scheme(capability, suppliers_too, suppliers_only) for scheme in (BearerToken, HeaderToken, SessionCookie)]


DEFAULT_AUTH = needs()


def token_user(request):
    """The user of a valid token in the request's headers, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        return user_for_token(raw.strip())
    key = request.headers.get("X-API-Key", "")
    return user_for_token(key.strip()) if key.strip() else None


def error_json(status: int, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"detail": detail, "errors": []}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def unauthorised() -> JsonResponse:
    return error_json(401, "Authentication required: send a valid API token.", WWW_Authenticate=AUTHENTICATE_HEADER)


def staff_docs(view):
    """The OpenAPI document and the docs page, for internal users signed in or holding a token. Anonymous
    visitors of the docs page are sent to log in, of the document get 401; supplier users 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = token_user(request)
        if user is not None:
            request.user = user
        else:
            user = request.user
        if not user.is_authenticated:
            if request.resolver_match and request.resolver_match.url_name == "openapi-json":
                return unauthorised()
            return redirect_to_login(request.get_full_path())
        if not user.is_internal:
            return error_json(404, "Not found.")
        return view(request, *args, **kwargs)

    return wrapper
