"""The JSON API: one NinjaAPI, one router per app, token or session auth, one error format."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from supplyesg.core.api_auth import AUTHENTICATE_HEADER, DEFAULT_AUTH, staff_docs
from supplyesg.core.errors import RuleViolation


class ApiDocs(Swagger):
    """Swagger UI from django-ninja's static files, in a page that names its language (core/api_docs.html)."""

    template = "core/api_docs.html"


class Api(NinjaAPI):
    """Builds its OpenAPI document once per path prefix and language, not on every request for it: building it reads
    every operation's schemas, about half a second (bench/every_page.py). The operations are fixed when the URLs
    load, so the document cannot go stale in a running process. Callers read it and do not change it."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, translation.get_language())
        cache = self.__dict__.setdefault("_openapi_documents", {})
        if key not in cache:
            cache[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return cache[key]


api = Api(
    title="SupplyESG API",
    version="1",
    description="Suppliers, lifecycle, documents, agreements, blacklist and the can-order check for ERPs. "
    "Authenticate with `Authorization: Bearer <token>` (tokens are created on the Account page).",
    auth=DEFAULT_AUTH,
    urls_namespace="api",
    docs=ApiDocs(),
    docs_url="/docs",
    # The documentation is for internal users, signed in or holding a token.
    docs_decorator=staff_docs,
)


def _error(request, status, detail, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


# Where pydantic says a value came from; the field name alone is what a person needs.
_UNION_TAG = re.compile(r"[\w-]+\[.*\]")
_LOCATIONS = {"body", "payload", "query", "path", "form", "header", "cookie", "details", "filters", "paging"}


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc):
    errors = []
    for err in exc.errors:
        # Union members add tags such as "str-enum[SupplierStatus]" or "literal['open']" to the location.
        loc = [str(p) for p in err.get("loc", []) if p not in _LOCATIONS and not _UNION_TAG.fullmatch(str(p))]
        errors.append({"field": ".".join(loc), "message": err.get("msg", "")})
    return _error(request, 422, "The request is not valid.", errors)


@api.exception_handler(RuleViolation)
def on_rule(request, exc):
    return _error(request, 409, exc.messages[0], [{"field": "", "message": m} for m in exc.messages])


@api.exception_handler(ValidationError)
def on_django_validation(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return _error(request, 400, errors[0]["message"] if errors else "Invalid input.", errors)


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    response = _error(request, 401, "Authentication required: send a valid API token.")
    response["WWW-Authenticate"] = AUTHENTICATE_HEADER
    return response


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    return _error(request, 403, "Your role does not allow this.")


@api.exception_handler(Http404)
def on_missing(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def on_http(request, exc):
    return _error(request, exc.status_code, str(exc))


def _register_routers():
    from supplyesg.assessments.api import router as assessments_router
    from supplyesg.audits.api.audits import router as audits_router
    from supplyesg.audits.api.corrective import router as corrective_router
    from supplyesg.engagement.api import router as engagement_router
    from supplyesg.grievances.api import router as grievances_router
    from supplyesg.minerals.campaigns.api import router as minerals_router
    from supplyesg.minerals.cases.api import router as minerals_cases_router
    from supplyesg.ratings.api import router as ratings_router
    from supplyesg.reporting.api import router as reporting_router
    from supplyesg.suppliers.api import router as suppliers_router
    from supplyesg.suppliers.sanctions.api import router as sanctions_router
    from supplyesg.suppliers.terminations.api import router as terminations_router
    from supplyesg.traceability.api import router as traceability_router

    api.add_router("/", suppliers_router)
    api.add_router("/", terminations_router)
    api.add_router("/", sanctions_router)
    api.add_router("/", minerals_router)
    api.add_router("/", minerals_cases_router)
    api.add_router("/", assessments_router)
    api.add_router("/", audits_router)
    api.add_router("/", corrective_router)
    api.add_router("/", ratings_router)
    api.add_router("/", grievances_router)
    api.add_router("/", engagement_router)
    api.add_router("/", traceability_router)
    api.add_router("/", reporting_router)


_register_routers()
