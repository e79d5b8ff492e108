"""Supplier import (upload, preview, confirm), the import template, and the export of the filtered list."""

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core import exports
from supplyesg.core.access import Cap, require_internal
from supplyesg.core.models import Job
from supplyesg.core.services import start_job
from supplyesg.suppliers import exporting, importing, queries
from supplyesg.suppliers.forms.io import ImportConfirmForm, ImportUploadForm
from supplyesg.suppliers.forms.registry import SupplierFilterForm
from supplyesg.suppliers.tasks import apply_supplier_import

XLSX = exporting.XLSX
SESSION_KEY = "suppliers_import"
STAGING_MAX_AGE = 24 * 3600
SHOWN_ERRORS = 500
SHOWN_CHANGES = 200


# ---------------------------------------------------------------- the checked file, kept between the two steps


def _staging_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "import-staging"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _stage(request, data: bytes, name: str) -> str:
    """Keep the checked bytes server-side under a random name known only to this session."""
    now = time.time()
    for old in _staging_dir().glob("*.upload"):
        try:
            if now - old.stat().st_mtime > STAGING_MAX_AGE:
                old.unlink()
        except OSError:
            pass
    _discard(request)
    token = secrets.token_hex(16)
    fd = os.open(_staging_dir() / f"{token}.upload", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    request.session[SESSION_KEY] = {"token": token, "name": os.path.basename(name)[:200],
                                    "sha256": hashlib.sha256(data).hexdigest()}
    return token


def _staged(request, token: str) -> tuple[bytes, str] | None:
    info = request.session.get(SESSION_KEY) or {}
    if not hmac.compare_digest(str(info.get("token", "")), token):
        return None
    try:
        data = (_staging_dir() / f"{token}.upload").read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != info.get("sha256"):
        return None
    return data, info["name"]


def _discard(request) -> None:
    info = request.session.pop(SESSION_KEY, None)
    if info and isinstance(info.get("token"), str) and info["token"].isalnum():
        try:
            (_staging_dir() / f"{info['token']}.upload").unlink()
        except OSError:
            pass


# ---------------------------------------------------------------- views


def _render_result(request, result, token: str | None, status: int):
    errors = result.errors
    return render(request, "suppliers/import_result.html", {
        "result": result,
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": max(0, len(errors) - SHOWN_ERRORS),
        "changes": result.changes[:SHOWN_CHANGES],
        "more_changes": max(0, len(result.changes) - SHOWN_CHANGES),
        "confirm_form": ImportConfirmForm(initial={"token": token}) if token else None,
    }, status=status)


@require_http_methods(["GET", "POST"])
def import_suppliers(request):
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    if request.method == "POST" and "token" in request.POST:
        return _apply(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        data = upload.read()
        result = importing.plan_import(data, upload.name)
        token = _stage(request, data, upload.name) if result.ok and result.changes else None
        return _render_result(request, result, token, status=200 if result.ok else 400)
    return render(request, "suppliers/import_form.html", {"form": form, "columns": importing.COLUMNS},
                  status=400 if form.errors else 200)


def _apply(request):
    form = ImportConfirmForm(request.POST)
    staged = _staged(request, form.cleaned_data["token"]) if form.is_valid() else None
    if staged is None:
        messages.error(request, _("The checked file is no longer available; please upload it again."))
        return redirect("suppliers:import")
    data, name = staged
    token = form.cleaned_data["token"]
    planned = importing.plan_import(data, name)
    if planned.ok and len(planned.changes) > settings.IMPORT_INLINE_ROWS:
        return _apply_in_background(request, token, name, len(planned.changes), form.cleaned_data["confirm_different"])
    result = importing.apply_import(data, name, actor=request.user,
                                    confirm_duplicates=form.cleaned_data["confirm_different"])
    if result.applied:
        _discard(request)
        messages.success(request, _("Import finished: %(created)d created, %(updated)d updated, %(skipped)d unchanged.")
                         % {"created": result.created, "updated": result.updated, "skipped": result.skipped})
        return redirect("suppliers:list")
    if result.confirmation_missing:
        messages.error(request, _("Some rows may be suppliers that are already registered or appear twice in the file. "
                                  "Check them, then confirm that they are different companies."))
        return _render_result(request, result, form.cleaned_data["token"], status=400)
    _discard(request)
    return _render_result(request, result, None, status=400)


def _apply_in_background(request, token: str, name: str, rows: int, confirm: bool):
    """Large files are written by the background worker; the page shows its progress."""
    job = start_job(kind="supplier_import", total=rows, actor=request.user)
    request.session.pop(SESSION_KEY, None)  # the task owns the staged file from here on
    path = str(_staging_dir() / f"{token}.upload")
    transaction.on_commit(lambda: apply_supplier_import.enqueue(job.pk, path, name, request.user.pk, confirm))
    return redirect("suppliers:import_job", pk=job.pk)


@require_http_methods(["GET"])
def import_job(request, pk):
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    job = get_object_or_404(Job.objects.filter(kind="supplier_import"), pk=pk)
    return render(request, "suppliers/import_job.html", {"job": job})


@require_http_methods(["GET"])
def import_template(request):
    require_internal(request.user)
    return FileResponse(exporting.template_file(), as_attachment=True, filename="supplier-import-template.xlsx",
                        content_type=XLSX)


@require_http_methods(["GET"])
def export_suppliers(request):
    """The suppliers the list page shows for the same query string, as .xlsx (default) or ?format=csv."""
    require_internal(request.user)
    kind = request.GET.get("format") or "xlsx"
    if kind not in ("xlsx", "csv"):
        messages.error(request, _("format: choose xlsx or csv."))
        return redirect("suppliers:list")
    filters = SupplierFilterForm(request.GET, countries=queries.countries_in_use()).filters()
    sort = filters.pop("sort", None)
    name = f"suppliers-{timezone.localdate().isoformat()}.{kind}"
    count = queries.supplier_list_count(filters)
    if count > exports.IN_REQUEST_ROWS:  # prepared by the worker: 21 s for 100,000 suppliers
        job = exports.start_export(
            actor=request.user,
            name="suppliers",
            params={"filters": exporting.export_filters(filters), "sort": sort, "format": kind, "filename": name},
            label=_("Supplier list export: %(count)s suppliers (%(name)s)") % {"count": f"{count:,}", "name": name},
            total=count,
        )
        return redirect("core:export", pk=job.pk)
    queryset = queries.supplier_list_queryset(filters, sort)
    if kind == "csv":
        response = StreamingHttpResponse(exporting.csv_chunks(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(exporting.xlsx_file(queryset), as_attachment=True, filename=name, content_type=XLSX)
