"""Minerals outputs: the dashboard, the company smelter list (and its export), the company's own CMRT/EMRT.

Any internal role reads; saving the company declaration needs Cap.REVIEW. Supplier users get 404.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import aggregation, declaration
from supplyesg.minerals.forms.outputs import (
    BlankTemplateForm,
    CompanySmelterFilterForm,
    DeclarationForm,
    OutputFilterForm,
    RedFlagFilterForm,
)
from supplyesg.minerals.models import Campaign, TemplateType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _selection(request, form_class=OutputFilterForm):
    """The chosen year and template; defaults are the latest campaign year and CMRT."""
    years = sorted(set(Campaign.objects.values_list("reporting_year", flat=True)), reverse=True)
    form = form_class(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("year") or (years[0] if years else timezone.localdate().year)
    template = filters.get("template") or TemplateType.CMRT
    return year, template, form, filters, years


def _xlsx(data: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


@require_http_methods(["GET"])
def dashboard(request):
    """The stored figures of the year and template (kept up to date by the worker) and one page of red flags."""
    require_internal(request.user)
    year, template, _form, _filters, years = _selection(request)
    snapshot = aggregation.stored_snapshot(year, template)
    form = RedFlagFilterForm(request.GET or None, countries=aggregation.red_flag_countries(snapshot))
    filters = form.cleaned_data if form.is_valid() else {}
    red_flags = aggregation.red_flag_page(snapshot, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "minerals/dashboard.html",
        {
            "form": form,
            "year": year,
            "template": template,
            "years": years,
            "figures": aggregation.stored_figures(snapshot),
            "snapshot": snapshot,
            "red_flags": red_flags,
            "filtered": any(filters.get(k) for k in ("kind", "metal", "supplier", "country")),
            "page_query": query.urlencode(),
        },
    )


def _company_smelter_rows(request):
    year, template, form, filters, years = _selection(request, CompanySmelterFilterForm)
    # The list the worker keeps with the dashboard's figures when it is up to date; computed now while a change
    # waits for its refresh (aggregating every counted declaration's smelter rows: 250 ms at 8,500 declarations).
    snapshot = aggregation.fresh_snapshot(year, template)
    if snapshot is not None:
        figures = aggregation.stored_figures(snapshot)
        smelters, unresolved = figures.smelters, figures.unresolved
    else:
        smelters, unresolved = aggregation.company_smelters(year, template), aggregation.unresolved_names(year, template)
    if filters.get("metal"):
        smelters = [s for s in smelters if s.metal == filters["metal"]]
        unresolved = [u for u in unresolved if u.metal == filters["metal"]]
    if filters.get("concern"):
        smelters = [s for s in smelters if s.of_concern]
    return year, template, form, years, smelters, unresolved


@require_http_methods(["GET"])
def company_smelters(request):
    require_internal(request.user)
    year, template, form, years, smelters, unresolved = _company_smelter_rows(request)
    query = request.GET.urlencode()
    return render(
        request,
        "minerals/company_smelters.html",
        {
            "form": form,
            "year": year,
            "template": template,
            "years": years,
            "smelters": smelters,
            "unresolved": unresolved,
            "query": query,
        },
    )


@require_http_methods(["GET"])
def company_smelters_export(request):
    require_internal(request.user)
    year, template, _form, _years, smelters, unresolved = _company_smelter_rows(request)
    data = aggregation.smelters_workbook(smelters, unresolved)
    return _xlsx(data, f"company-smelters-{template}-{year}.xlsx")


def _check_template(year: int, template: str) -> None:
    if template not in declaration.DECLARED_TEMPLATES or not declaration.MIN_YEAR <= year <= declaration.MAX_YEAR:
        raise Http404


def _render_declaration(request, year, template, *, form=None, blank_form=None, errors=(), status=200):
    effective = form.effective if form else declaration.effective_declaration(year, template)
    form = form or DeclarationForm(effective=effective)
    can_edit = can(request.user, Cap.REVIEW)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    configured = declaration.blank_template_setting(template)
    return render(
        request,
        "minerals/declaration_form.html",
        {
            "year": year,
            "template": template,
            "effective": effective,
            "form": form,
            "blank_form": blank_form or BlankTemplateForm(),
            "blank_configured": configured,
            "problems": declaration.declaration_problems(effective),
            "export_errors": errors,
            "can_edit": can_edit,
            "smelters_by_metal": _count_by_metal(effective),
        },
        status=status,
    )


def _count_by_metal(effective):
    counts = {metal: 0 for metal in effective.metals if effective.in_scope(metal)}
    for smelter in effective.smelters:
        counts[smelter.metal] = counts.get(smelter.metal, 0) + 1
    return [(aggregation.metal_label(metal), n) for metal, n in sorted(counts.items())]


@require_http_methods(["GET", "POST"])
def company_declaration(request, year: int, template: str):
    require_internal(request.user, Cap.REVIEW if request.method == "POST" else Cap.VIEW)
    _check_template(year, template)
    if request.method == "GET":
        return _render_declaration(request, year, template)
    effective = declaration.effective_declaration(year, template)
    form = DeclarationForm(request.POST, effective=effective)
    if form.is_valid():
        try:
            declaration.save_company_declaration(year, template, form.to_data(), actor=request.user)
        except RuleViolation as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The company declaration is saved."))
            return redirect("minerals:declaration", year=year, template=template)
    return _render_declaration(request, year, template, form=form, status=400)


@require_http_methods(["GET", "POST"])
def export_declaration(request, year: int, template: str):
    """GET: write into the configured blank template. POST: into the blank template uploaded with the form."""
    require_internal(request.user)
    _check_template(year, template)
    blank_form = None
    if request.method == "POST":
        blank_form = BlankTemplateForm(request.POST, request.FILES)
        if not blank_form.is_valid():
            return _render_declaration(request, year, template, blank_form=blank_form, status=400)
        source = blank_form.cleaned_data["blank"].read()
    else:
        source = declaration.blank_template_setting(template)
    try:
        data = declaration.export_declaration(year, template, source)
    except RuleViolation as exc:
        return _render_declaration(
            request, year, template, blank_form=blank_form, errors=exc.messages, status=400
        )
    return _xlsx(data, declaration.export_file_name(year, template))
