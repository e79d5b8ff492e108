"""Risk pages: the overview of a year with "Recompute all", the worklist, and a supplier's risk with its
explanation, history, override and "assess now". Internal roles read; Cap.REVIEW writes."""

from urllib.parse import urlencode

import pycountry
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from supplyesg.assessments.models import Response as QuestionnaireResponse
from supplyesg.assessments.models import RiskAssessment, RiskCategory, RiskLevel, WorklistItem
from supplyesg.assessments.risk import jobs, rules
from supplyesg.assessments.risk import queries as risk_queries
from supplyesg.assessments.risk import services as risk
from supplyesg.core import bulk
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.models import AuditEvent, Job, PolicySettings
from supplyesg.suppliers import queries as supplier_queries
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.models import Supplier
from supplyesg.suppliers.models.compliance import DocumentType

PAGE_SIZE = 50


# ---------------------------------------------------------------- forms


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=risk.MIN_YEAR, max_value=2100)


class OptionalYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=risk.MIN_YEAR, max_value=2100, required=False)


class OverrideForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=risk.MIN_YEAR, max_value=2100)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=RiskLevel.choices)
    justification = forms.CharField(
        label=gettext_lazy("Justification"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why the computed level does not fit. Recorded in the supplier's history."),
    )


class CloseItemForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OverviewFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    tier = forms.TypedChoiceField(label=gettext_lazy("Tier"), coerce=int, required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, data, *, years, countries=()):
        super().__init__(data)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["level"].choices = [("", _("All levels")), *RiskLevel.choices]
        self.fields["tier"].choices = [("", _("All tiers")), *Supplier.Tier.choices]
        self.fields["country"].choices = [("", _("All countries")), *countries]

    def cleaned(self, default_year: int) -> dict:
        """The valid filters (an invalid one is ignored rather than dropping the others)."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in ("", None)}
        data.setdefault("year", default_year)
        return data


class BulkCloseForm(bulk.SelectionForm):
    """The worklist's bulk bar: one note for every selected item."""

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].label = gettext_lazy("Note")
        self.fields["reason"].error_messages["required"] = gettext_lazy("say how the selected items were handled.")


class WorklistFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["status"].choices = WorklistItem.Status.choices
        self.fields["kind"].choices = [("", _("All kinds")), *WorklistItem.Kind.choices]


# ---------------------------------------------------------------- showing an explanation

FACTOR_LABELS = {
    "country": gettext_lazy("Country"),
    "category": gettext_lazy("Commodity / process"),
    "questionnaire": gettext_lazy("Self-assessment questionnaire"),
    "audit": gettext_lazy("Audit result and corrective actions"),
    "grievances": gettext_lazy("Open grievances"),
    "minerals": gettext_lazy("Minerals flags"),
    "documents": gettext_lazy("Mandatory documents"),
    "knockout": gettext_lazy("Knock-out"),
    "level": gettext_lazy("Level"),
}
DOCUMENT_STATUS_LABELS = {
    "missing": gettext_lazy("missing"),
    "expired": gettext_lazy("expired"),
    "not_renewed": gettext_lazy("not renewed within a year"),
}


def _translated_params(line: dict) -> dict:
    params = dict(line.get("params") or {})
    factor = line.get("factor")
    data = line.get("input") or {}
    if factor == "documents" and data.get("documents"):
        params["documents"] = ", ".join(
            f"{_label(DocumentType, d.get('doc_type'))} ({DOCUMENT_STATUS_LABELS.get(d.get('status'), '')})"
            for d in data["documents"]
        )
    elif factor == "minerals" and data.get("flags"):
        from supplyesg.minerals.aggregation import FLAG_LABELS

        params["flags"] = ", ".join(str(FLAG_LABELS.get(code, code)) for code in data["flags"])
    elif factor == "questionnaire" and params.get("status") not in (None, "-"):
        params["status"] = _label(QuestionnaireResponse.Status, params["status"])
    elif factor in ("knockout", "level"):
        params["level"] = _label(RiskLevel, params.get("level"))
        if factor == "level":
            left_out = line.get("left_out") or []
            params["left_out"] = ", ".join(str(FACTOR_LABELS.get(f, f)) for f in left_out) or "-"
    return params


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def explanation_rows(assessment: RiskAssessment | None) -> list[dict]:
    """The stored explanation in the reader's language: label, sentence, and the numbers."""
    if assessment is None:
        return []
    rows = []
    for line in assessment.explanation or []:
        if not isinstance(line, dict):
            continue
        try:
            sentence = _(line["msgid"]) % _translated_params(line)
        except (KeyError, TypeError, ValueError):
            sentence = line.get("note", "")
        rows.append(
            {
                **line,
                "label": FACTOR_LABELS.get(line.get("factor"), line.get("factor", "")),
                "sentence": sentence,
                "category_labels": [_label(RiskCategory, c) for c in line.get("categories") or []],
            }
        )
    return rows


def category_rows(assessment: RiskAssessment | None, policy: rules.Policy | None = None) -> list[dict]:
    """Scores per risk category in the catalogue's order, with the level each score would have on its own;
    categories no factor with data fed show no score."""
    scores = (assessment.category_scores or {}) if assessment else {}
    policy = policy or risk.policy_from_settings(PolicySettings.current())
    rows = []
    for category in RiskCategory:
        score = rules.to_decimal(scores.get(category.value))
        rows.append(
            {
                "code": category.value,
                "label": category.label,
                "score": score,
                "level": rules.level_for(score, policy) if score is not None else None,
            }
        )
    return rows


# ---------------------------------------------------------------- helpers


def _is_htmx(request) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def _flash_form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else name
        for error in errors:
            messages.error(request, f"{label}: {error}" if name != "__all__" else error)


def _flash(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _years(asked: str = "", assessed: list[int] | None = None) -> list[int]:
    """Years to choose from: those assessed, this year, and the one asked for when it is a possible year."""
    this_year = timezone.localdate().year
    years = set(risk_queries.assessed_years() if assessed is None else assessed) | {this_year}
    if asked.isdigit() and risk.MIN_YEAR <= int(asked) <= this_year + risk.MAX_YEAR_AHEAD:
        years.add(int(asked))
    return sorted(years, reverse=True)


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def _default_year(assessed: list[int] | None = None) -> int:
    years = risk_queries.assessed_years() if assessed is None else assessed
    return years[0] if years else timezone.localdate().year


def _risk_job(request, year: int):
    """The job named in ?job= (a risk recomputation), else the one running for the year, if any."""
    recomputes = Job.objects.filter(kind=jobs.JOB_KIND)
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        job = recomputes.filter(pk=int(job_id)).first()
        if job is not None:
            return job
    return recomputes.filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING), result__year=year).first()


# ---------------------------------------------------------------- overview and recompute


def _overview(request, *, status: int = 200, year_form=None):
    countries = [(code, _country_name(code)) for code in supplier_queries.countries_in_use()]
    assessed = risk_queries.assessed_years()  # read once: each reading walks the assessments
    form = OverviewFilterForm(request.GET, years=_years(request.GET.get("year", ""), assessed), countries=countries)
    filters = form.cleaned(_default_year(assessed))
    year = filters["year"]
    counts = risk_queries.level_counts(year)
    rows = risk_queries.latest_assessments(year)
    if filters.get("level"):
        rows = rows.filter(risk_level=filters["level"])
    if filters.get("tier"):
        rows = rows.filter(supplier__tier=filters["tier"])
    if filters.get("country"):
        rows = rows.filter(supplier__country=filters["country"])
    # The level counts give the number of rows unless the tier or country narrows them.
    known = None if filters.get("tier") or filters.get("country") else (
        counts.get(filters["level"], 0) if filters.get("level") else sum(counts.values())
    )  # fmt: skip
    page = risk_queries.overview_page(
        rows.order_by("-overall_score", "supplier__legal_name", "pk"), request.GET.get("page"), per_page=PAGE_SIZE, count=known
    )
    htmx = _is_htmx(request) and status == 200
    context = {
        "form": form,
        "year": year,
        "page": page,
        "htmx": htmx,
        "counts": counts,
        "not_assessed": risk_queries.not_assessed_count(year),
        "can_review": can(request.user, Cap.REVIEW),
        "year_form": year_form or YearForm(initial={"year": year}),
        "job": _risk_job(request, year),
    }
    template = "assessments/_risk_rows.html" if htmx else "assessments/risk_overview.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET"])
def overview(request):
    require_internal(request.user)
    return _overview(request)


@require_http_methods(["POST"])
def recompute(request):
    require_internal(request.user, Cap.REVIEW)
    form = YearForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _overview(request, status=400, year_form=form)
    try:
        job = jobs.start_recompute(form.cleaned_data["year"], actor=request.user)
    except ValidationError as exc:
        _flash(request, exc)
        return _overview(request, status=400, year_form=form)
    messages.success(request, _("Recomputing the risk of every supplier for %(year)s.") % {"year": job.result["year"]})
    return redirect(f"{reverse('risk:overview')}?year={job.result['year']}&job={job.pk}")


# ---------------------------------------------------------------- worklist


def _worklist_items(item_status: str, kind: str = ""):
    items = WorklistItem.objects.filter(status=item_status).select_related("supplier", "assessment", "closed_by")
    if kind in WorklistItem.Kind.values:
        items = items.filter(kind=kind)
    return items.order_by("-year", "kind", "supplier__legal_name", "pk")


def _worklist(request, *, status: int = 200):
    form = WorklistFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    item_status = filters.get("status") or WorklistItem.Status.OPEN
    items = _worklist_items(item_status, filters.get("kind", ""))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    notes = {}
    if item_status == WorklistItem.Status.DONE:
        closed = AuditEvent.objects.filter(
            action="worklist.closed",
            target_type="assessments.worklistitem",
            target_id__in=[str(item.pk) for item in page],
        ).values_list("target_id", "reason")
        notes = {int(pk): reason for pk, reason in closed}
    rows = [{"item": item, "note": notes.get(item.pk, "")} for item in page]
    return render(
        request,
        "assessments/risk_worklist.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "status": item_status,
            "can_review": can(request.user, Cap.REVIEW),
            "close_form": CloseItemForm(),
            "bulk_filters": [("kind", filters["kind"])] if filters.get("kind") else [],
        },
        status=status,
    )


@require_http_methods(["GET"])
def worklist(request):
    require_internal(request.user)
    return _worklist(request)


@require_http_methods(["POST"])
def close_worklist_item(request, worklist_pk):
    require_internal(request.user, Cap.REVIEW)
    item = get_object_or_404(WorklistItem.objects.select_related("supplier"), pk=worklist_pk)
    form = CloseItemForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _worklist(request, status=400)
    try:
        risk.close_worklist_item(item, note=form.cleaned_data["note"], actor=request.user)
    except ValidationError as exc:
        _flash(request, exc)
        return _worklist(request, status=400)
    messages.success(
        request,
        _("%(kind)s for %(supplier)s is done.") % {"kind": item.get_kind_display(), "supplier": item.supplier.legal_name},
    )
    return redirect("risk:worklist")


@require_http_methods(["POST"])
def bulk_close_worklist(request):
    """Mark every selected open item done with one note, each through `close_worklist_item` (audited) in a
    transaction of its own."""
    require_internal(request.user, Cap.REVIEW)
    form = BulkCloseForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _worklist_back(request)
    try:
        items = bulk.selection(form, _worklist_items(WorklistItem.Status.OPEN, request.POST.get("kind", "")))
    except ValidationError as exc:
        _flash(request, exc)
        return _worklist_back(request)
    data = form.cleaned_data
    bulk.run_each(
        items,
        lambda item: risk.close_worklist_item(item, note=data["reason"], actor=request.user),
        label=lambda item: f"{item.supplier.code} {item.supplier.legal_name} ({item.get_kind_display()} {item.year})",
        verb=_("done"),
        asked=None if data.get("scope") == bulk.SelectionForm.ALL else len(set(data["ids"])),
    ).flash(request)
    return _worklist_back(request)


@require_http_methods(["POST"])
def bulk_export_worklist(request):
    require_internal(request.user)
    form = bulk.SelectionForm(request.POST)
    item_status = request.POST.get("status", "")
    if item_status not in WorklistItem.Status.values:
        item_status = WorklistItem.Status.OPEN
    try:
        if not form.is_valid():
            raise ValidationError(form.non_field_errors())
        items = bulk.selection(form, _worklist_items(item_status, request.POST.get("kind", "")))
    except ValidationError as exc:
        _flash(request, exc)
        return _worklist_back(request)
    headers = [_("Supplier code"), _("Supplier"), _("Year"), _("What"), _("Level"), _("Reason"), _("Status")]
    rows = (
        [
            i.supplier.code,
            i.supplier.legal_name,
            i.year,
            i.get_kind_display(),
            str(RiskLevel(i.assessment.level).label) if i.assessment_id and i.assessment.level else "",
            i.reason,
            i.get_status_display(),
        ]
        for i in items
    )
    return bulk.xlsx_response("risk-worklist-selection.xlsx", _("Worklist"), headers, rows, text_columns=(0,))


def _worklist_back(request):
    kept = {k: request.POST[k] for k in ("status", "kind") if request.POST.get(k)}
    url = reverse("risk:worklist")
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


# ---------------------------------------------------------------- one supplier


def _supplier_page(request, supplier, *, status: int = 200, override_form=None):
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    assessment = risk_queries.current_assessment(supplier, year)
    history = list(
        risk_queries.with_level(RiskAssessment.objects.filter(supplier=supplier))
        .select_related("overridden_by")
        .order_by("-year", "-computed_at")[:100]
    )
    shown_year = assessment.year if assessment else (year or timezone.localdate().year)
    context = {
        "supplier": supplier,
        "risk": assessment,
        "year": shown_year,
        "categories": category_rows(assessment),
        "explanation": explanation_rows(assessment),
        "history": history,
        "worklist": WorklistItem.objects.filter(supplier=supplier).order_by("-year", "kind"),
        "can_review": can(request.user, Cap.REVIEW),
        "override_form": override_form
        or OverrideForm(initial={"year": shown_year, "level": assessment.level if assessment else RiskLevel.LOW}),
        "this_year": timezone.localdate().year,
    }
    return render(request, "assessments/risk_supplier.html", context, status=status)


@require_http_methods(["GET"])
def supplier_risk(request, pk):
    require_internal(request.user)
    return _supplier_page(request, get_supplier_for_user(request.user, pk))


@require_http_methods(["POST"])
def assess(request, pk):
    require_internal(request.user, Cap.REVIEW)
    supplier = get_supplier_for_user(request.user, pk, write=True, capability=Cap.REVIEW)
    form = OptionalYearForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _supplier_page(request, supplier, status=400)
    year = form.cleaned_data["year"] or timezone.localdate().year
    try:
        assessment = risk.assess_supplier(supplier, year=year, actor=request.user)
    except ValidationError as exc:
        _flash(request, exc)
        return _supplier_page(request, supplier, status=400)
    messages.success(
        request,
        _("%(supplier)s was assessed for %(year)s: %(level)s risk.")
        % {
            "supplier": supplier.legal_name,
            "year": year,
            "level": assessment.get_computed_level_display()
            if not assessment.override_level
            else assessment.get_override_level_display(),
        },
    )
    return redirect(f"{reverse('risk:supplier', args=[supplier.pk])}?year={year}")


@require_http_methods(["POST"])
def override(request, pk):
    require_internal(request.user, Cap.REVIEW)
    supplier = get_supplier_for_user(request.user, pk, write=True, capability=Cap.REVIEW)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _supplier_page(request, supplier, status=400, override_form=form)
    year = form.cleaned_data["year"]
    assessment = risk_queries.current_assessment(supplier, year)
    if assessment is None:
        form.add_error(
            None,
            _("There is no assessment for %(year)s to override; assess the supplier first.") % {"year": year},
        )
        return _supplier_page(request, supplier, status=400, override_form=form)
    try:
        assessment = risk.override_level(
            assessment,
            level=form.cleaned_data["level"],
            justification=form.cleaned_data["justification"],
            actor=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, list(exc.messages))
        return _supplier_page(request, supplier, status=400, override_form=form)
    messages.success(
        request,
        _("The risk level of %(supplier)s for %(year)s is now %(level)s.")
        % {"supplier": supplier.legal_name, "year": year, "level": RiskLevel(assessment.level).label},
    )
    return redirect(f"{reverse('risk:supplier', args=[supplier.pk])}?year={year}")
