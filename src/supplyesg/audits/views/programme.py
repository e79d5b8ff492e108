"""Programme pages: the list of a year's audits with filters, a month calendar, generating the programme,
planning, editing and cancelling an audit, the disclosure summary and the supplier page's audit panel.
Every internal role reads; Cap.AUDIT writes."""

import calendar
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.audits import reports
from supplyesg.audits.access import get_audit_for_user
from supplyesg.audits.forms.audits import AuditFieldsForm, CalendarForm, CancelForm, PlanAuditForm, ProgrammeFilterForm, YearForm
from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.audits.services import programme
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import PolicySettings
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.models import Supplier

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_htmx(request) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def flash_errors(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def flash_form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


# ---------------------------------------------------------------- list and calendar


def _programme(request, *, status: int = 200, generate_form=None):
    today = timezone.localdate()
    form = ProgrammeFilterForm(request.GET)
    filters = form.filters(today.year)
    year = filters["year"]
    audits = Audit.objects.for_year(year)
    counts = {row["status"]: row["n"] for row in audits.values("status").annotate(n=Count("pk")).order_by()}
    overdue_count = audits.overdue(today).count()
    if filters.get("status"):
        audits = audits.filter(status=filters["status"])
    if filters.get("kind"):
        audits = audits.filter(kind=filters["kind"])
    if filters.get("reason"):
        audits = audits.filter(reason=filters["reason"])
    if filters.get("q"):
        audits = audits.filter(supplier__in=Supplier.objects.search(filters["q"]))
    if filters.get("overdue"):
        audits = audits.overdue(today)
    rows = (
        audits.with_overdue(today)
        .select_related("supplier", "lead_auditor")
        .order_by("planned_start", "supplier__legal_name", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    htmx = is_htmx(request) and status == 200
    context = {
        "form": form,
        "year": year,
        "page": page,
        "counts": [(value, label, counts.get(value, 0)) for value, label in Audit.Status.choices],
        "overdue_count": overdue_count,
        "can_audit": can(request.user, Cap.AUDIT),
        "generate_form": generate_form or YearForm(initial={"year": year}),
    }
    response = render(request, "audits/_programme_rows.html" if htmx else "audits/programme.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET"])
def programme_list(request):
    require_internal(request.user)
    return _programme(request)


def _month(request) -> tuple[int, int]:
    today = timezone.localdate()
    form = CalendarForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return data.get("year") or today.year, data.get("month") or today.month


@require_http_methods(["GET"])
def audit_calendar(request):
    require_internal(request.user)
    year, month = _month(request)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    audits = (
        Audit.objects.exclude(status=Audit.Status.CANCELLED)
        .filter(planned_start__lte=last)
        .filter(Q(planned_end__gte=first) | Q(planned_end__isnull=True, planned_start__gte=first))
        .select_related("supplier")
        .order_by("planned_start", "pk")
    )
    by_day: dict[date, list] = {}
    for audit in audits:
        day, end = max(audit.planned_start, first), min(audit.planned_end or audit.planned_start, last)
        while day <= end:
            by_day.setdefault(day, []).append(audit)
            day += timedelta(days=1)
    previous = date(year, month, 1) - timedelta(days=1)
    following = date(year, month, 28) + timedelta(days=7)
    context = {
        "year": year,
        "month": month,
        "month_start": date(year, month, 1),
        "weeks": [[{"day": d, "in_month": d.month == month, "audits": by_day.get(d, [])} for d in week] for week in weeks],
        "weekdays": [date(2024, 1, 1) + timedelta(days=n) for n in range(7)],
        "previous": previous,
        "next": following.replace(day=1),
        "today": timezone.localdate(),
    }
    template = "audits/_calendar.html" if is_htmx(request) else "audits/calendar.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["POST"])
def generate(request):
    require_internal(request.user, Cap.AUDIT)
    form = YearForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _programme(request, status=400, generate_form=form)
    try:
        result = programme.generate_programme(form.cleaned_data["year"], actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return _programme(request, status=400, generate_form=form)
    messages.success(
        request,
        _(
            "Programme %(year)s: %(created)s audits planned (%(onsite)s on site, %(desk)s desk reviews), %(upgraded)s "
            "planned audits turned into on-site audits for high risk, %(existing)s suppliers already had an audit."
        )
        % {
            "year": result.year,
            "created": result.created,
            "onsite": result.by_kind.get(Audit.Kind.ONSITE, 0),
            "desk": result.by_kind.get(Audit.Kind.DESK, 0),
            "upgraded": result.upgraded,
            "existing": result.already_planned,
        },
    )
    if result.over_capacity:
        messages.warning(
            request,
            _(
                "%(count)s audits did not fit in the auditors' weekly capacity (%(capacity)s) for the rest of the year "
                "and were added to the least-loaded weeks; move them or raise the capacity in the policy settings."
            )
            % {"count": result.over_capacity, "capacity": PolicySettings.current().audit_capacity_per_week},
        )
    return redirect(f"{reverse('audits:programme')}?year={result.year}")


# ---------------------------------------------------------------- plan, edit, cancel


def _fields(data: dict) -> dict:
    return {name: data.get(name) for name in programme.EDIT_FIELDS if name in data} | {
        "audit_firm": data.get("audit_firm") or "",
        "scope": data.get("scope") or [],
    }


@require_http_methods(["GET", "POST"])
def plan(request):
    require_internal(request.user, Cap.AUDIT)
    form = PlanAuditForm(request.POST or None, initial={"year": request.GET.get("year") or timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = programme.plan_audit(actor=request.user, supplier=form.supplier, year=data["year"], **_fields(data))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The audit of %(supplier)s is planned.") % {"supplier": audit.supplier.legal_name})
            return redirect("audits:detail", audit_pk=audit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "audits/audit_form.html", {"form": form, "audit": None}, status=status)


@require_http_methods(["GET", "POST"])
def edit(request, audit_pk):
    require_internal(request.user, Cap.AUDIT)
    audit = get_audit_for_user(request.user, audit_pk, write=True)
    if audit.status not in programme.EDITABLE_STATUSES:
        messages.error(request, _("A reported, closed or cancelled audit can no longer be changed."))
        return redirect("audits:detail", audit_pk=audit.pk)
    initial = {name: getattr(audit, name) for name in programme.EDIT_FIELDS}
    form = AuditFieldsForm(request.POST or None, initial=initial, supplier=audit.supplier)
    if request.method == "POST" and form.is_valid():
        try:
            programme.update_audit(audit, actor=request.user, **_fields(form.cleaned_data))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The audit is changed."))
            return redirect("audits:detail", audit_pk=audit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "audits/audit_form.html", {"form": form, "audit": audit}, status=status)


@require_http_methods(["POST"])
def cancel(request, audit_pk):
    require_internal(request.user, Cap.AUDIT)
    audit = get_audit_for_user(request.user, audit_pk, write=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        from supplyesg.audits.views.conduct import render_detail

        return render_detail(request, audit, status=400, cancel_form=form)
    try:
        programme.cancel_audit(audit, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The audit is cancelled."))
    return redirect("audits:detail", audit_pk=audit.pk)


# ---------------------------------------------------------------- disclosure and the supplier panel


def _year(request) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


@require_http_methods(["GET"])
def disclosure(request):
    require_internal(request.user)
    year = _year(request)
    return render(request, "audits/disclosure.html", {"year": year, "summary": reports.disclosure_summary(year)})


@require_http_methods(["GET"])
def disclosure_xlsx(request):
    require_internal(request.user)
    year = _year(request)
    response = HttpResponse(reports.disclosure_xlsx(year, translation.get_language()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="audit-disclosure-{year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def _count_by_audit(actions) -> dict[int, int]:
    return dict(actions.order_by().values("audit_id").annotate(n=Count("pk")).values_list("audit_id", "n"))


@require_http_methods(["GET"])
def supplier_panel(request, supplier_pk):
    """A fragment for the supplier page: the supplier's audits, their results and corrective actions."""
    require_internal(request.user)
    supplier = get_supplier_for_user(request.user, supplier_pk)
    today = timezone.localdate()
    audits = list(
        Audit.objects.filter(supplier=supplier)
        .with_overdue(today)
        .select_related("lead_auditor")
        .order_by("-year", "-planned_start", "-pk")[:20]
    )
    actions = CorrectiveAction.objects.filter(audit_id__in=[a.pk for a in audits])
    open_counts = _count_by_audit(actions.open())
    overdue_counts = _count_by_audit(actions.overdue(today))
    for audit in audits:
        audit.open_actions = open_counts.get(audit.pk, 0)
        audit.overdue_actions = overdue_counts.get(audit.pk, 0)
    context = {
        "supplier": supplier,
        "audits": audits,
        "open_actions": sum(a.open_actions for a in audits),
        "overdue_actions": sum(a.overdue_actions for a in audits),
        "can_audit": can(request.user, Cap.AUDIT),
    }
    return render(request, "audits/_supplier_panel.html", context)
