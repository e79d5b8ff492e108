"""Pages for the figures the company brings in: the accounts-payable records (ESRS G1-6) and the own-workforce
figures per year, each with its import and template."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can
from supplyesg.core.forms_errors import attach_errors
from supplyesg.reporting.access import require_reporting
from supplyesg.reporting.forms import AnnualFiguresForm, ImportForm, PaymentFilterForm
from supplyesg.reporting.models import AnnualFigures
from supplyesg.reporting.services import inputs

SHOWN_ROWS = 500
SHOWN_ERRORS = 200


def _import_context(result) -> dict:
    return {
        "result": result,
        "errors": result.errors[:SHOWN_ERRORS] if result else [],
        "more_errors": max(0, len(result.errors) - SHOWN_ERRORS) if result else 0,
    }


def _run_import(request, form, importer):
    """(result, status) of the uploaded file's import; a success message when it was applied."""
    if not form.is_valid():
        return None, 400
    result = importer(form.cleaned_data["file"], actor=request.user)
    if result.ok:
        messages.success(
            request,
            _("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
    return result, 200 if result.ok else 400


@require_http_methods(["GET", "POST"])
def payments(request):
    require_reporting(request.user, write=request.method == "POST")
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = _run_import(request, form, inputs.import_payments) if request.method == "POST" else (None, 200)
    filters = PaymentFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    records = inputs.payments_list(
        year=data.get("year"), supplier_code=data.get("supplier_code") or "", state=data.get("state") or ""
    )
    context = {
        "form": form,
        "filters": filters,
        "records": records[:SHOWN_ROWS],
        "totals": inputs.payments_totals(records),
        "shown": SHOWN_ROWS,
        "columns": inputs.PAYMENT_COLUMNS,
        "can_change": can(request.user, Cap.REVIEW),
        **_import_context(result),
    }
    return render(request, "reporting/payments.html", context, status=status)


@require_http_methods(["GET"])
def payments_template(request):
    require_reporting(request.user)
    return FileResponse(
        inputs.payments_template(), as_attachment=True, filename="payments-template.xlsx", content_type=inputs.XLSX
    )


def _workforce_page(request, form, import_form, result=None, status=200):
    context = {
        "years": AnnualFigures.objects.select_related("updated_by").order_by("-year"),
        "form": form,
        "import_form": import_form,
        "columns": inputs.WORKFORCE_COLUMNS,
        "can_change": can(request.user, Cap.REVIEW),
        **_import_context(result),
    }
    return render(request, "reporting/workforce.html", context, status=status)


@require_http_methods(["GET", "POST"])
def workforce(request):
    require_reporting(request.user, write=request.method == "POST")
    instance = None
    if request.method == "GET" and request.GET.get("year", "").isdigit():
        instance = AnnualFigures.objects.filter(year=int(request.GET["year"])).first()
    form = AnnualFiguresForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "year"}
        try:
            figures = inputs.save_annual_figures(actor=request.user, year=form.cleaned_data["year"], **values)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The own-workforce figures for %(year)d were saved.") % {"year": figures.year})
            return redirect("reporting:workforce")
    return _workforce_page(request, form, ImportForm(), status=400 if form.errors else 200)


@require_http_methods(["POST"])
def workforce_import(request):
    require_reporting(request.user, write=True)
    import_form = ImportForm(request.POST, request.FILES)
    result, status = _run_import(request, import_form, inputs.import_workforce)
    return _workforce_page(request, AnnualFiguresForm(), import_form, result, status)


@require_http_methods(["GET"])
def workforce_template(request):
    require_reporting(request.user)
    return FileResponse(
        inputs.workforce_template(), as_attachment=True, filename="workforce-template.xlsx", content_type=inputs.XLSX
    )
