"""Reporting pages of the snapshots part: the catalogue, a period (definitions, taking a snapshot), a snapshot
(figures by framework, year over year, publish), a figure's rows, the GRI content index and the downloads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supplyesg.audits.access import get_action_for_user, get_audit_for_user
from supplyesg.core import exports
from supplyesg.core.access import Cap, can
from supplyesg.core.forms_errors import attach_errors
from supplyesg.grievances.access import get_report_for_user
from supplyesg.reporting.access import get_figure_for_user, get_period_for_user, get_snapshot_for_user, require_reporting
from supplyesg.reporting.exporting import content
from supplyesg.reporting.exporting.outputs import build_output, gri_index
from supplyesg.reporting.forms import DefinitionsForm, SnapshotForm
from supplyesg.reporting.models import Framework
from supplyesg.reporting.services import snapshot_jobs, snapshots
from supplyesg.reporting.services.catalogue import current_catalogue
from supplyesg.suppliers.access import get_supplier_for_user

ROWS_PAGE_SIZE = 50
# A frozen row links to its object while it exists and the user may open it: kind -> (URL name, kwarg, access).
ROW_LINKS = {
    "suppliers.supplier": ("suppliers:detail", "pk", get_supplier_for_user),
    "audits.audit": ("audits:detail", "audit_pk", get_audit_for_user),
    "audits.correctiveaction": ("corrective:detail", "action_pk", get_action_for_user),
    "grievances.report": ("grievances:detail", "report_pk", get_report_for_user),
}


def _language(request) -> str:
    return get_language() or "en"


def _public(request) -> bool:
    return request.GET.get("public") == "1"


@require_GET
def catalogue(request):
    require_reporting(request.user)
    current = current_catalogue()
    groups = []
    if current is not None:
        items = list(current.items.order_by("order", "code"))
        for code, label in Framework.choices:
            chosen = [i for i in items if i.framework == code]
            if chosen:
                groups.append((label, chosen))
    return render(request, "reporting/catalogue.html", {"catalogue": current, "groups": groups})


@require_http_methods(["GET", "POST"])
def period(request, year):
    period = get_period_for_user(request.user, year, write=request.method == "POST")
    form = DefinitionsForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            # The form changed `period` in memory; the service compares with the stored definitions.
            stored = get_period_for_user(request.user, year, write=True)
            snapshots.change_definitions(actor=request.user, period=stored, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("reporting:period", year=period.year)
    period.refresh_from_db()
    return _period_page(request, period, form=form, snapshot_form=SnapshotForm(), status=400 if form.errors else 200)


def _period_page(request, period, *, form, snapshot_form, status=200):
    return render(
        request,
        "reporting/period.html",
        {
            "period": period,
            "form": form,
            "snapshot_form": snapshot_form,
            "snapshots": period.snapshots.select_related("created_by").order_by("-number"),
            "job": snapshot_jobs.latest_job(period),
            "can_change": can(request.user, Cap.REVIEW),
            "catalogue": current_catalogue(),
        },
        status=status,
    )


@require_POST
def take_snapshot(request, year):
    period = get_period_for_user(request.user, year, write=True)
    form = SnapshotForm(request.POST)
    if form.is_valid():
        try:
            snapshot_jobs.start_snapshot(
                actor=request.user, period=period, filters=form.filters(), note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect(f"{reverse('reporting:period', kwargs={'year': period.year})}#snapshot-job")
    return _period_page(request, period, form=DefinitionsForm(instance=period), snapshot_form=form, status=400)


@require_GET
def snapshot(request, snapshot_pk):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk)
    report = content.report(snapshot, language=_language(request))
    previous = snapshots.previous_snapshot(snapshot)
    before = dict(previous.figures.values_list("code", "value")) if previous else {}
    groups = [(label, [_line(report, f, before) for f in figures]) for _code, label, figures in report.frameworks()]
    return render(
        request,
        "reporting/snapshot.html",
        {
            "snapshot": snapshot,
            "groups": groups,
            "previous": previous,
            "definitions": report.definitions(),
            "check_job": snapshot_jobs.latest_check(snapshot),
            "can_check": can(request.user, Cap.REVIEW),
            "has_gri": any(f["framework"] == Framework.GRI for f in report.figures),
            "can_publish": can(request.user, Cap.REVIEW) and snapshot.status != snapshot.Status.PUBLISHED,
        },
    )


def _line(report, figure: dict, before: dict) -> dict:
    """A figure as the snapshot page lists it, with the previous period's value for the same code."""
    previous = content.as_text(before[figure["code"]]) if figure["code"] in before else None
    return {
        **figure,
        "display_title": report.title_of(figure),
        "display_value": content.as_text(figure["value"]),
        "unit_label": content.unit_label(figure["unit"]),
        "previous": previous,
    }


@require_POST
def publish_snapshot(request, snapshot_pk):
    """Queue publishing: the worker hashes the stored figures once more under the snapshot's lock, then publishes."""
    return _start_check(request, snapshot_pk, publish=True)


@require_POST
def check_snapshot(request, snapshot_pk):
    """Queue hashing the stored figures again; the snapshot page shows the job's progress and then its outcome."""
    return _start_check(request, snapshot_pk, publish=False)


def _start_check(request, snapshot_pk, *, publish: bool):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk, write=True)
    try:
        snapshot_jobs.start_check(actor=request.user, snapshot=snapshot, publish=publish)
    except ValidationError as exc:
        context = {"snapshot": snapshot, "errors": exc.messages, "publish": publish}
        return render(request, "reporting/snapshot_refused.html", context, status=409)
    return redirect(f"{reverse('reporting:snapshot', kwargs={'snapshot_pk': snapshot.pk})}#check-job")


def _row_link(user, kind: str, pk):
    link = ROW_LINKS.get(kind)
    if link is None or pk is None:
        return None
    name, kwarg, access = link
    try:
        access(user, pk)
    except (Http404, PermissionDenied):
        return None
    return reverse(name, kwargs={kwarg: pk})


@require_GET
def figure(request, snapshot_pk, figure_code):
    figure = get_figure_for_user(request.user, snapshot_pk, figure_code)
    page = Paginator(snapshots.FrozenRows(figure), ROWS_PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    rows = [{"cells": r.get("cells") or [], "url": _row_link(user, r.get("kind"), r.get("pk"))} for r in page]
    chinese = _language(request).lower().startswith("zh")
    return render(
        request,
        "reporting/figure.html",
        {
            "figure": figure,
            "snapshot": figure.snapshot,
            "title": figure.title_zh if chinese and figure.title_zh else figure.title,
            "value": content.as_text(figure.value),
            "unit_label": content.unit_label(figure.unit),
            "columns": [_(str(c)) for c in figure.columns],
            "flags": [_(str(f)) for f in figure.flags],
            "rows": rows,
            "page": page,
        },
    )


@require_GET
def content_index(request, snapshot_pk):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk)
    entries = gri_index(snapshot, language=_language(request), public=_public(request))
    return render(request, "reporting/content_index.html", {"snapshot": snapshot, "entries": entries, "public": _public(request)})


OUTPUT_LABELS = {"xlsx": _lazy("Annual report (.xlsx)"), "pdf": _lazy("Annual report (PDF)"), "index": _lazy("GRI content index")}


def _download(request, snapshot_pk, kind):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk)
    rows = snapshot.figures.aggregate(n=Sum("row_count"))["n"] or 0
    if rows > exports.IN_REQUEST_ROWS:  # prepared by the worker: 275 s for the workbook at 100,000 suppliers
        label = _("%(output)s of snapshot %(year)s #%(number)s: %(rows)s rows behind its figures") % {
            "output": OUTPUT_LABELS[kind], "year": snapshot.period.year, "number": snapshot.number, "rows": f"{rows:,}"
        }  # fmt: skip
        job = exports.start_export(
            actor=request.user,
            name="reporting_snapshot",
            params={"snapshot_id": snapshot.pk, "kind": kind, "public": _public(request)},
            label=label,
        )
        return redirect("core:export", pk=job.pk)
    output = build_output(snapshot, kind, language=_language(request), public=_public(request))
    response = HttpResponse(output.data, content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{output.filename}"'
    return response


@require_GET
def snapshot_xlsx(request, snapshot_pk):
    return _download(request, snapshot_pk, "xlsx")


@require_GET
def snapshot_pdf(request, snapshot_pk):
    return _download(request, snapshot_pk, "pdf")


@require_GET
def content_index_xlsx(request, snapshot_pk):
    return _download(request, snapshot_pk, "index")
