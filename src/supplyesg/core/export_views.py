"""The page of a download being prepared by the worker (core/exports.py), and the prepared file."""

from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from supplyesg.core import exports


@require_http_methods(["GET"])
def export_page(request, pk):
    """The job's progress (polled while it runs) and, once the file is built, its download link. Only the user
    who asked for it sees it."""
    job = exports.job_for(request.user, pk)
    return render(request, "core/export.html", {"job": job, "keep_days": exports.KEEP_DAYS})


@require_http_methods(["GET"])
def export_file(request, pk):
    job, handle = exports.file_for(request.user, pk)
    return FileResponse(handle, as_attachment=True, filename=job.result["filename"], content_type=job.result["content_type"])
