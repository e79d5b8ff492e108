"""Request bodies are limited while they stream in, not after they were read whole.

``RequestBodyLimitMiddleware`` answers 413 at once when Content-Length is over the limit of the URL, and
parses multipart and form bodies itself (before the CSRF check would) with ``BodyLimitUploadHandler``
counting the bytes as they arrive, so a body without a Content-Length (chunked) or lying about it is cut
off at the limit too. The limit is MAX_UPLOAD_MB plus room for the form's other fields, or a larger one
for the URL names in UPLOAD_LIMITS (the bulk zip). The reverse proxy should refuse bigger bodies first
(nginx ``client_max_body_size``, see the README).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

FORM_OVERHEAD = 1024 * 1024  # the other fields and the multipart boundaries


class UploadTooLarge(Exception):
    pass


def body_limit(request) -> int:
    """The largest body accepted for this request's URL, in bytes."""
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        name = ""
    setting = getattr(settings, "UPLOAD_LIMITS", {}).get(name, "MAX_UPLOAD_BYTES")
    return int(getattr(settings, setting, settings.MAX_UPLOAD_BYTES)) + FORM_OVERHEAD


class BodyLimitUploadHandler(FileUploadHandler):
    """First upload handler: counts the bytes of the multipart body and stops at the request's limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = getattr(request, "body_limit", None) or settings.MAX_UPLOAD_BYTES + FORM_OVERHEAD
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit:
            raise UploadTooLarge

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_response(request, limit: int):
    megabytes = max(1, (limit - FORM_OVERHEAD) // (1024 * 1024))
    message = _("The request is too large: the limit is %(limit)d MB per file.") % {"limit": megabytes}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": []}, status=413)
    return render(request, "core/request_too_large.html", {"message": message}, status=413)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH"):
            limit = request.body_limit = body_limit(request)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return self._refuse(request, limit)
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
                try:
                    request.POST  # noqa: B018 - parse now, while a refusal can still be a clean 413
                    request.FILES  # noqa: B018
                except (UploadTooLarge, RequestDataTooBig):
                    return self._refuse(request, limit)
        return self.get_response(request)

    def _refuse(self, request, limit: int):
        request._mark_post_parse_error()  # empty POST and FILES: never parsed again further down
        return too_large_response(request, limit)
