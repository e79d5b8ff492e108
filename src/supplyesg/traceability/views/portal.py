"""Traceability in the supplier portal: a supplier user records receipts, transformations and shipments of its own
lots along its tier map, and attaches origin documents. It sees its own lots and events only, never another
supplier's (a lot shipped on leaves its list once the customer receives it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.portal import PortalSection
from supplyesg.suppliers.access import get_own_supplier
from supplyesg.traceability import queries, services
from supplyesg.traceability.access import get_lot_for_user, lots_visible_to
from supplyesg.traceability.forms import OriginDocumentForm, ReceiptForm, ShipmentForm, TransformationForm
from supplyesg.traceability.models import OriginDocument, TraceEvent


@require_http_methods(["GET"])
def home(request):
    supplier = get_own_supplier(request.user)
    lots = list(lots_visible_to(request.user).with_places()[:200])
    held = queries.held_many([lot.pk for lot in lots], supplier.pk)
    return render(
        request,
        "traceability/portal_home.html",
        {
            "supplier": supplier,
            "rows": [(lot, held[lot.pk]) for lot in lots],
            "untraced": list(queries.untraced_lots(supplier.pk)[:20]),
            "documents": OriginDocument.objects.filter(supplier=supplier).select_related("lot")[:50],
        },
    )


@require_http_methods(["GET"])
def lot(request, lot_pk):
    supplier = get_own_supplier(request.user)
    found = get_lot_for_user(request.user, lot_pk)
    events = (
        TraceEvent.objects.filter(lot_links__lot=found, supplier=supplier, declares_error_on__isnull=True)
        .distinct()
        .prefetch_related("documents", "error_declarations")
        .order_by("event_time", "pk")
    )
    return render(
        request,
        "traceability/portal_lot.html",
        {
            "supplier": supplier,
            "lot": found,
            "events": events,
            "held": queries.held(found, supplier.pk),
        },
    )


def _record(request, form_class, template, write):
    supplier = get_own_supplier(request.user)
    form = form_class(request.POST or None, request.FILES or None, supplier=supplier)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                recorded = write(supplier, form)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Recorded: lot %(lot)s.") % {"lot": recorded.lot.identifier})
                for flag in recorded.flags:
                    messages.warning(request, flag)
                return redirect(reverse("traceability_portal:lot", args=[recorded.lot.pk]))
        status = 400
    return render(request, template, {"supplier": supplier, "form": form}, status=status)


def _common(form):
    d = form.cleaned_data
    return {"documents": form.documents(), "assurance": d["assurance"], "evidence": d.get("evidence"), "when": d.get("when")}


@require_http_methods(["GET", "POST"])
def receive(request):
    def write(supplier, form):
        d = form.cleaned_data
        return services.record_receipt(
            actor=request.user,
            supplier=supplier,
            identifier=d["identifier"],
            quantity=d["quantity"],
            material=d.get("material"),
            from_supplier=d.get("from_supplier"),
            party=form.party(),
            site=d.get("site"),
            smelter=d.get("smelter"),
            key_data=d.get("key_values"),
            **_common(form),
        )

    return _record(request, ReceiptForm, "traceability/portal_receive.html", write)


@require_http_methods(["GET", "POST"])
def transform(request):
    def write(supplier, form):
        d = form.cleaned_data
        return services.record_transformation(
            actor=request.user,
            supplier=supplier,
            inputs=d["inputs"],
            material=d["material"],
            identifier=d["identifier"],
            quantity=d["quantity"],
            site=d.get("site"),
            smelter=d.get("smelter"),
            key_data=d.get("key_values"),
            **_common(form),
        )

    return _record(request, TransformationForm, "traceability/portal_transform.html", write)


@require_http_methods(["GET", "POST"])
def ship(request):
    def write(supplier, form):
        d = form.cleaned_data
        return services.record_shipment(
            actor=request.user,
            supplier=supplier,
            lot=d["lot"],
            quantity=d["quantity"],
            to_supplier=d.get("to_supplier"),
            **_common(form),
        )

    return _record(request, ShipmentForm, "traceability/portal_ship.html", write)


@require_http_methods(["GET", "POST"])
def upload_origin(request):
    supplier = get_own_supplier(request.user)
    form = OriginDocumentForm(request.POST or None, request.FILES or None, supplier=supplier)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.attach_origin_document(
                    actor=request.user,
                    supplier=supplier,
                    kind=d["kind"],
                    upload=d["file"],
                    lot=d.get("lot"),
                    country=d.get("country", ""),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Origin document sent for review."))
                return redirect(reverse("traceability_portal:home"))
        status = 400
    return render(request, "traceability/portal_origin.html", {"supplier": supplier, "form": form}, status=status)


def portal_section(request, supplier):
    """The portal tab; rejected origin documents and untraced inputs are things to act on."""
    todo = []
    rejected = OriginDocument.objects.filter(supplier=supplier, status=OriginDocument.Status.REJECTED).count()
    if rejected:
        todo.append(_("%(n)s origin document(s) were rejected: see the note and send a new one.") % {"n": rejected})
    return PortalSection(key="traceability", title=_("Traceability"), url=reverse("traceability_portal:home"), todo=todo)
