"""The draft Form SD and Conflict Minerals Report of a snapshot: the page, its text and its tables."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from supplyesg.reporting import formsd
from supplyesg.reporting.access import get_snapshot_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _name(snapshot, ext: str) -> str:
    return f"form-sd-{snapshot.period.year}-{snapshot.number}.{ext}"


@require_http_methods(["GET"])
def formsd_draft(request, snapshot_pk):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk)
    return render(request, "reporting/formsd_draft.html", {"snapshot": snapshot, "draft": formsd.draft_for(snapshot)})


@require_http_methods(["GET"])
def formsd_text(request, snapshot_pk):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk)
    text = formsd.draft_for(snapshot).text()
    return _download(text.encode("utf-8"), "text/plain; charset=utf-8", _name(snapshot, "txt"))


@require_http_methods(["GET"])
def formsd_xlsx(request, snapshot_pk):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk)
    return _download(formsd.draft_xlsx(formsd.draft_for(snapshot)), XLSX, _name(snapshot, "xlsx"))
