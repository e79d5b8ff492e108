"""Traceability pages for internal roles: lots and their genealogy (backward to mine or quartzite, forward to
customer lots), tracing by PO or shipment document, forward trace from a flagged smelter or plant, coverage,
origin-document review, error declarations and EPCIS import/export. Everyone internal reads; Cap.REVIEW reviews
and declares errors; Cap.EDIT_SUPPLIERS imports."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import PolicySettings
from supplyesg.traceability import interchange, queries, services
from supplyesg.traceability.access import get_event_for_user, get_lot_for_user, get_origin_document_for_user, lots_visible_to
from supplyesg.traceability.forms import (
    CoverageForm,
    DeclareErrorForm,
    EpcisImportForm,
    ForwardForm,
    ReviewForm,
    TraceForm,
    lot_filter,
)
from supplyesg.traceability.models import Assurance, Lot, MaterialDefinition, OriginDocument, Party, TraceEvent

PAGE_SIZE = 50
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@require_http_methods(["GET"])
def lots(request):
    require_internal(request.user)
    form = TraceForm(request.GET)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = Paginator(lot_filter(lots_visible_to(request.user).with_places(), q), PAGE_SIZE).get_page(request.GET.get("page"))
    untraced = list(queries.untraced_lots()[:20])
    return render(
        request,
        "traceability/lots.html",
        {"form": form, "page": page, "q": q, "untraced": untraced, "forward_form": ForwardForm()},
    )


def _events_of(lot):
    return (
        TraceEvent.objects.filter(lot_links__lot=lot, declares_error_on__isnull=True)
        .distinct()
        .select_related("supplier", "source_supplier", "destination_supplier")
        .prefetch_related("documents", "error_declarations", "evidence")
        .order_by("event_time", "pk")
    )


@require_http_methods(["GET"])
def lot_detail(request, lot_pk):
    require_internal(request.user)
    lot = get_lot_for_user(request.user, lot_pk)
    backward = queries.backward([lot.pk])
    forward = queries.forward([lot.pk])
    context = {
        "lot": lot,
        "trace": backward,
        "downstream": forward.upstream,
        "customer_lots": [x for x in queries.end_lots(forward) if x.pk != lot.pk],
        "events": _events_of(lot),
        "origin_documents": lot.origin_documents.select_related("supplier", "reviewer"),
        "declare_form": DeclareErrorForm(),
        "can_review": can(request.user, Cap.REVIEW),
        "assurance_choices": Assurance.choices,
    }
    return render(request, "traceability/lot_detail.html", context)


@require_http_methods(["GET"])
def trace(request):
    """Backward trace from a lot number or from a PO, invoice, packing list or bill of lading."""
    require_internal(request.user)
    form = TraceForm(request.GET)
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    result = None
    if q:
        seeds = list(Lot.objects.filter(identifier__iexact=q).values_list("pk", flat=True)) or queries.lots_for_document(q)
        result = queries.backward(seeds) if seeds else None
        if result is None:
            messages.info(request, _("No lot and no document has the reference “%(q)s”.") % {"q": q})
    return render(
        request, "traceability/trace.html", {"form": form, "q": q, "trace": result, "assurance_choices": Assurance.choices}
    )


@require_http_methods(["GET"])
def forward(request):
    """From a flagged smelter (CID) or plant to every lot made from its lots, and the customer lots at the end."""
    require_internal(request.user)
    form = ForwardForm(request.GET)
    result, source = None, ""
    if form.is_valid() and (form.cleaned_data["cid"] or form.cleaned_data["party"]):
        cid, party = form.cleaned_data["cid"].strip().upper(), form.cleaned_data["party"]
        seeds = Lot.objects.filter(smelter__cid=cid) if cid else Lot.objects.filter(party=party)
        source = cid or str(party)
        trace_ = queries.forward(list(seeds.values_list("pk", flat=True)))
        result = {"trace": trace_, "customer_lots": queries.end_lots(trace_)}
    return render(request, "traceability/forward.html", {"form": form, "result": result, "source": source})


@require_http_methods(["GET"])
def coverage(request):
    require_internal(request.user)
    form = CoverageForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or timezone.localdate().year
    quarter = data.get("quarter")
    materials = [data["material"]] if data.get("material") else list(MaterialDefinition.objects.filter(stage__gt=1))
    tolerance = PolicySettings.current().trace_tolerance_percent
    figures = [queries.coverage(m, year, quarter, tolerance) for m in materials]
    figures = [f for f in figures if data.get("material") or f.total_quantity or f.suppliers_in_scope or f.balances]
    return render(
        request,
        "traceability/coverage.html",
        {"form": form, "year": year, "quarter": quarter, "figures": figures, "assurance": dict(_assurance_labels())},
    )


def _assurance_labels():
    return [*Assurance.choices, ("untraced", _("Not traced to origin"))]


@require_http_methods(["GET"])
def origin_documents(request):
    require_internal(request.user)
    status = request.GET.get("status", OriginDocument.Status.PENDING)
    documents = OriginDocument.objects.select_related("supplier", "lot", "reviewer")
    if status in OriginDocument.Status.values:
        documents = documents.filter(status=status)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "traceability/origin_documents.html",
        {"page": page, "status": status, "statuses": OriginDocument.Status.choices, "review_form": ReviewForm()},
    )


@require_http_methods(["POST"])
def review_origin_document(request, origin_pk):
    require_internal(request.user, Cap.REVIEW)
    document = get_origin_document_for_user(request.user, origin_pk, write=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_origin_document(actor=request.user, document=document, **form.cleaned_data)
            label = OriginDocument.Status(form.cleaned_data["status"]).label
            messages.success(request, _("%(document)s: %(status)s.") % {"document": document, "status": label})
            return redirect(reverse("traceability:origin_documents"))
        except ValidationError as exc:
            attach_errors(form, exc)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(reverse("traceability:origin_documents"))


@require_http_methods(["GET"])
def origin_document_file(request, origin_pk):
    require_internal(request.user)
    document = get_origin_document_for_user(request.user, origin_pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


@require_http_methods(["POST"])
def declare_error(request, event_pk):
    require_internal(request.user, Cap.REVIEW)
    event = get_event_for_user(request.user, event_pk, write=True)
    form = DeclareErrorForm(request.POST)
    lot = event.lot_links.values_list("lot_id", flat=True).first()
    target = reverse("traceability:lot", args=[lot]) if lot else reverse("traceability:lots")
    if form.is_valid():
        try:
            services.declare_event_error(actor=request.user, event=event, **form.cleaned_data)
            messages.success(request, _("The event is declared wrong; traces and balances no longer count it."))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    else:
        messages.error(request, _("Choose a reason."))
    return redirect(target)


@require_http_methods(["GET", "POST"])
def epcis_import(request):
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    form = EpcisImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_IMPORT_BYTES:
                    raise ValueError(_("the file is larger than 20 MB"))
                document = json.loads(upload.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                form.add_error("file", _("Not a JSON document: %(why)s") % {"why": str(exc)[:200]})
            else:
                result = interchange.import_epcis(actor=request.user, supplier=form.cleaned_data["supplier"], document=document)
                status = 200 if result.ok else 400
    return render(request, "traceability/epcis_import.html", {"form": form, "result": result}, status=status)


@require_http_methods(["GET"])
def epcis_export(request, lot_pk):
    """The events of a lot's whole backward trace, as an EPCIS 2.0 JSON document."""
    require_internal(request.user)
    lot = get_lot_for_user(request.user, lot_pk)
    document = interchange.export_epcis([x.pk for x in queries.backward([lot.pk]).lots])
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="epcis-{lot.pk}.json"'
    return response


@require_http_methods(["GET"])
def materials(request):
    require_internal(request.user)
    return render(
        request,
        "traceability/materials.html",
        {
            "materials": MaterialDefinition.objects.prefetch_related("made_from"),
            "parties": Party.objects.select_related("smelter")[:200],
        },
    )
