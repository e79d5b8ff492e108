"""Rating pages: a quarter's overview with "Compute", a supplier's rating history with its trend, reasons and the
decision, business-score entry and import, the QBR export, and the panel on the supplier page.
Internal roles read; Cap.RATE enters, imports and computes; Cap.DECIDE_ORDERS decides."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core import bulk, exports
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import Job, PolicySettings
from supplyesg.core.paging import keyed_page
from supplyesg.engagement.services.required import training_status
from supplyesg.ratings import exporting, importing, queries, services
from supplyesg.ratings.access import get_rating_for_user
from supplyesg.ratings.forms import BulkDecisionForm, BusinessScoreForm, ComputeForm, DecisionForm, ImportForm, OverviewFilterForm
from supplyesg.ratings.models import Action, BusinessScore, ImprovementAction, Rating
from supplyesg.ratings.quarters import Quarter, QuarterError, parse_quarter
from supplyesg.suppliers.access import get_supplier_for_user

MISSING_SHOWN = 20
HISTORY_SHOWN = 40
SHOWN_ERRORS = 500
BULK_FILTERS = ("grade", "decision", "esg", "sort")  # besides the quarter, posted along with a selection


def _flash(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _job(request, period: Quarter):
    """The job named in ?job= (a rating computation), else the one running for the quarter, if any."""
    jobs = Job.objects.filter(kind=services.JOB_KIND)
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        job = jobs.filter(pk=int(job_id)).first()
        if job is not None:
            return job
    return jobs.filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING), result__period=str(period)).first()


def _bands() -> dict:
    s = PolicySettings.current()
    return {"A": s.grade_a_from, "B": s.grade_b_from, "C": s.grade_c_from}


# ---------------------------------------------------------------- the quarter


def _overview(request, *, status: int = 200, compute_form=None):
    form = OverviewFilterForm(request.GET)
    filters = form.filters()
    computed, scored = queries.computed_quarters(), queries.scored_quarters()
    period = filters.get("quarter") or queries.default_quarter(computed=computed, scored=scored)
    sort = queries.normalise_sort(filters.get("sort"))
    rows = queries.quarter_ratings(
        period, grade=filters.get("grade", ""), decision=filters.get("decision", ""), esg=filters.get("esg", ""), sort=sort
    )
    counts = queries.quarter_counts(period)
    # The page's ids sorted first, then only those ratings read: sorting the quarter's whole rows (their reasons and
    # inputs) cost PostgreSQL 137 of the page's 330 ms at 100,000 suppliers. The count, when the quarter's counts
    # have it: no second COUNT over the quarter's ratings.
    page = keyed_page(rows, request.GET.get("page"), per_page=queries.PAGE_SIZE, count=_known_count(counts, filters))
    missing = queries.suppliers_missing_scores(period)
    missing_count = missing.count()
    context = {
        "form": form,
        "period": period,
        "quarters": queries.quarter_choices(period, computed=computed, scored=scored),
        "page": page,
        "sort": sort,
        "columns": [
            {
                "key": key,
                "label": label,
                "next": "-" + key if sort == key else key,
                "on": sort.lstrip("-") == key,
                "desc": sort.startswith("-"),
            }
            for key, label in queries.SORT_LABELS.items()
        ],
        "counts": counts["grades"],
        "rated": sum(counts["grades"].values()),
        "decisions": counts["decisions"],
        "no_esg_count": counts["no_esg"],
        # Not read when none is missing: the first suppliers by name of an empty set is a walk over every one.
        "missing": list(missing[:MISSING_SHOWN]) if missing_count else [],
        "missing_count": missing_count,
        "can_rate": can(request.user, Cap.RATE),
        "can_decide": can(request.user, Cap.DECIDE_ORDERS),
        "compute_form": compute_form or ComputeForm(initial={"quarter": str(period)}),
        "job": _job(request, period),
        "bulk_filters": [("quarter", period.label), *((k, filters[k]) for k in BULK_FILTERS if k in filters)],
        "actions": Action.choices,
        "bulk_form": BulkDecisionForm(None),
    }
    return render(request, "ratings/overview.html", context, status=status)


def _known_count(counts: dict, filters: dict) -> int | None:
    """The number of ratings the table lists, when the quarter's counts have it (no filter, or one)."""
    grade, decision, esg = filters.get("grade", ""), filters.get("decision", ""), filters.get("esg", "")
    if sum(map(bool, (grade, decision, esg))) > 1:
        return None
    if grade:
        return counts["grades"].get(grade, 0)
    if decision:
        return counts["decisions"].get(decision, 0)
    if esg == "none":
        return counts["no_esg"]
    return None if esg else sum(counts["grades"].values())


@require_http_methods(["GET"])
def overview(request):
    require_internal(request.user)
    return _overview(request)


@require_http_methods(["POST"])
def compute(request):
    require_internal(request.user, Cap.RATE)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        return _overview(request, status=400, compute_form=form)
    period = form.cleaned_data["quarter"]
    try:
        job = services.start_compute(period.year, period.quarter, actor=request.user)
    except ValidationError as exc:
        attach_errors(form, exc)
        return _overview(request, status=400, compute_form=form)
    messages.success(request, _("Computing the ratings of %(quarter)s.") % {"quarter": period})
    return redirect(f"{services.overview_url(period)}&job={job.pk}")


# ---------------------------------------------------------------- one supplier


def _selected(ratings: list[Rating], asked: str) -> Rating | None:
    if asked:
        try:
            period = parse_quarter(asked)
        except QuarterError:
            period = None
        for rating in ratings:
            if period and rating.year == period.year and rating.quarter == period.quarter:
                return rating
    return ratings[-1] if ratings else None


def _supplier_page(request, supplier, *, status: int = 200, decision_form=None, selected=None):
    ratings = list(queries.supplier_ratings(supplier.pk))
    rating = selected or _selected(ratings, request.GET.get("quarter", ""))
    previous = None
    if rating is not None:
        earlier = [r for r in ratings if (r.year, r.quarter) < (rating.year, rating.quarter)]
        previous = earlier[-1] if earlier else None
    context = {
        "supplier": supplier,
        "ratings": list(reversed(ratings))[:HISTORY_SHOWN],
        "rating": rating,
        "previous": previous,
        "trend": queries.trend(previous.grade if previous else None, rating.grade) if rating else None,
        "trend_labels": queries.TREND_LABELS,
        "reasons": queries.reason_texts(rating.reasons) if rating else [],
        "chart": queries.trend_chart(ratings[-12:], _bands()),
        "scores": BusinessScore.objects.filter(supplier=supplier).select_related("updated_by")[:12],
        "can_rate": can(request.user, Cap.RATE),
        "can_decide": can(request.user, Cap.DECIDE_ORDERS),
        "decision_form": decision_form or DecisionForm(initial={"decision": DecisionForm.CONFIRM}),
        "terminate": Action.TERMINATE,
        "improvement": _improvement_of(rating),
        # Training the supplier must attend (engagement): shown beside the grade, as the issue asks.
        "training": training_status(supplier, timezone.localdate()),
    }
    return render(request, "ratings/supplier.html", context, status=status)


def _improvement_of(rating):
    if rating is None:
        return None
    return ImprovementAction.objects.filter(rating=rating).select_related("owner", "training", "closed_by").first()


@require_http_methods(["GET"])
def supplier_ratings(request, supplier_pk):
    require_internal(request.user)
    return _supplier_page(request, get_supplier_for_user(request.user, supplier_pk))


@require_http_methods(["POST"])
def decide(request, rating_pk):
    require_internal(request.user, Cap.DECIDE_ORDERS)
    rating = get_rating_for_user(request.user, rating_pk, write=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _supplier_page(request, rating.supplier, status=400, decision_form=form, selected=rating)
    data = form.cleaned_data
    try:
        rating = services.decide_rating(
            rating,
            actor=request.user,
            confirm=data["decision"] == DecisionForm.CONFIRM,
            action=data["action"] or None,
            reason=data["reason"],
            owner=data.get("owner"),
            due_date=data.get("due_date"),
            description=data.get("description", ""),
            training_topic=data.get("training_topic", ""),
        )
    except ValidationError as exc:
        attach_errors(form, exc)
        return _supplier_page(request, rating.supplier, status=400, decision_form=form, selected=rating)
    messages.success(
        request,
        _("%(supplier)s, %(quarter)s: %(action)s (%(status)s).")
        % {
            "supplier": rating.supplier.legal_name,
            "quarter": rating.period,
            "action": rating.get_decided_action_display(),
            "status": rating.get_decision_status_display(),
        },
    )
    return redirect(f"{reverse('ratings:supplier', args=[rating.supplier_id])}?quarter={rating.period}")


@require_http_methods(["POST"])
def close_improvement(request, rating_pk):
    rating = get_rating_for_user(request.user, rating_pk, write=True)
    improvement = get_object_or_404(ImprovementAction, rating=rating)
    try:
        services.close_improvement_action(improvement, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The improvement action is closed."))
    return redirect(f"{reverse('ratings:supplier', args=[rating.supplier_id])}?quarter={rating.period}")


@require_http_methods(["GET"])
def supplier_panel(request, supplier_pk):
    """A fragment for the supplier page: the latest grade, its trend and the decision state."""
    require_internal(request.user)
    supplier = get_supplier_for_user(request.user, supplier_pk)
    ratings = list(queries.supplier_ratings(supplier.pk))[-8:]
    rating = ratings[-1] if ratings else None
    previous = ratings[-2] if len(ratings) > 1 else None
    context = {
        "supplier": supplier,
        "rating": rating,
        "previous": previous,
        "trend": queries.trend(previous.grade if previous else None, rating.grade) if rating else None,
        "trend_labels": queries.TREND_LABELS,
        "chart": queries.trend_chart(ratings, _bands(), width=320, height=110),
        "reasons": queries.reason_texts(rating.reasons) if rating else [],
    }
    return render(request, "ratings/_supplier_panel.html", context)


# ---------------------------------------------------------------- business scores


def _score_initial(request) -> dict:
    this = Quarter.of(timezone.localdate())
    initial = {"year": this.year, "quarter": this.quarter}
    code = request.GET.get("supplier", "")
    if code:
        initial["supplier"] = code[:30]
    try:
        asked = parse_quarter(request.GET.get("quarter", ""))
        initial.update(year=asked.year, quarter=asked.quarter)
    except QuarterError:
        pass
    return initial


@require_http_methods(["GET", "POST"])
def enter_score(request):
    require_internal(request.user, Cap.RATE)
    form = BusinessScoreForm(request.POST or None, initial=_score_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        supplier = data["supplier"]
        try:
            score = services.save_business_score(
                supplier,
                actor=request.user,
                year=data["year"],
                quarter=data["quarter"],
                quality=data["quality"],
                delivery=data["delivery"],
                cost=data["cost"],
                service=data["service"],
                note=data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The business scores of %(supplier)s for %(quarter)s were saved.")
                % {"supplier": supplier.legal_name, "quarter": f"{score.year}Q{score.quarter}"},
            )
            return redirect("ratings:supplier", supplier_pk=supplier.pk)
    return render(request, "ratings/score_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def import_scores(request):
    require_internal(request.user, Cap.RATE)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = importing.import_business_scores(form.cleaned_data["file"], actor=request.user)
            status = 200 if result.ok else 400
            if result.ok:
                messages.success(
                    request,
                    _("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
        else:
            status = 400
    context = {
        "form": form,
        "result": result,
        "errors": result.errors[:SHOWN_ERRORS] if result else [],
        "more_errors": max(0, len(result.errors) - SHOWN_ERRORS) if result else 0,
        "columns": importing.COLUMNS,
    }
    return render(request, "ratings/import.html", context, status=status)


@require_http_methods(["GET"])
def import_template(request):
    require_internal(request.user)
    period = Quarter.of(timezone.localdate())
    return FileResponse(
        exporting.template_file(period),
        as_attachment=True,
        filename="business-scores-template.xlsx",
        content_type=exporting.XLSX,
    )


@require_http_methods(["GET"])
def export_qbr(request):
    """The quarterly business review workbook for the quarter in ?quarter= (default: the latest rated)."""
    require_internal(request.user)
    try:
        period = parse_quarter(request.GET.get("quarter", ""))
    except QuarterError:
        period = queries.default_quarter()
    rated = sum(queries.quarter_counts(period)["grades"].values())
    if rated > exports.IN_REQUEST_ROWS:  # prepared by the worker: 48 s for 73,000 ratings
        job = exports.start_export(
            actor=request.user,
            name="ratings_qbr",
            params={"quarter": str(period)},
            label=_("Quarterly business review %(quarter)s: %(count)s suppliers") % {"quarter": period, "count": f"{rated:,}"},
            total=rated,
        )
        return redirect("core:export", pk=job.pk)
    return FileResponse(
        exporting.qbr_file(period), as_attachment=True, filename=exporting.qbr_filename(period), content_type=exporting.XLSX
    )


# ---------------------------------------------------------------- bulk decisions on the overview


def _bulk_selection(request, form):
    """The selected ratings inside the overview's filtered list (the filters are posted with the selection)."""
    filters = OverviewFilterForm(request.POST).filters()
    period = filters.get("quarter") or queries.default_quarter()
    rows = queries.quarter_ratings(
        period, grade=filters.get("grade", ""), decision=filters.get("decision", ""), esg=filters.get("esg", ""),
        sort=filters.get("sort"),
    )
    return period, bulk.selection(form, rows)


def _back(request, period):
    """Back to the list the user acted on: same quarter and filters."""
    kept = urlencode({k: request.POST[k] for k in BULK_FILTERS if request.POST.get(k)})
    return redirect(f"{services.overview_url(period)}{'&' + kept if kept else ''}#rating-rows")


@require_http_methods(["POST"])
def bulk_decide(request):
    """Confirm the recommended action of every selected rating, or override them all with one action and reason;
    each rating goes through `decide_rating` (audited) in its own transaction."""
    require_internal(request.user, Cap.DECIDE_ORDERS)
    form = BulkDecisionForm(request.POST)
    period = OverviewFilterForm(request.POST).filters().get("quarter") or queries.default_quarter()
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return _back(request, period)
    try:
        period, ratings = _bulk_selection(request, form)
    except ValidationError as exc:
        _flash(request, exc)
        return _back(request, period)
    data = form.cleaned_data
    confirm = data["verdict"] == BulkDecisionForm.CONFIRM
    result = bulk.run_each(
        ratings,
        lambda rating: services.decide_rating(
            rating, actor=request.user, confirm=confirm, action=data["action"] or None, reason=data["reason"],
            owner=data["owner"], due_date=data["due_date"], description=data["description"],
        ),
        label=lambda rating: f"{rating.supplier.code} {rating.supplier.legal_name}",
        verb=_("confirmed") if confirm else _("overridden"),
        asked=None if data.get("scope") == BulkDecisionForm.ALL else len(set(data["ids"])),
    )
    result.flash(request)
    return _back(request, period)


@require_http_methods(["POST"])
def bulk_export(request):
    """The selected ratings as a workbook (any internal role may read them)."""
    require_internal(request.user)
    form = BulkDecisionForm({**request.POST.dict(), "ids": request.POST.getlist("ids"), "verdict": BulkDecisionForm.CONFIRM})
    period = OverviewFilterForm(request.POST).filters().get("quarter") or queries.default_quarter()
    if not form.is_valid():
        messages.error(request, _("Select at least one item."))
        return _back(request, period)
    try:
        period, ratings = _bulk_selection(request, form)
    except ValidationError as exc:
        _flash(request, exc)
        return _back(request, period)
    headers = [
        _("Supplier code"), _("Supplier"), _("Quarter"), _("Business score"), _("ESG score"), _("Total"), _("Grade"),
        _("Recommended action"), _("Decision"), _("Decided action"), _("Reason"),
    ]
    rows = (
        [
            r.supplier.code, r.supplier.legal_name, str(r.period), r.business_score, r.esg_score, r.total, r.grade,
            r.get_recommended_action_display(), r.get_decision_status_display(),
            r.get_decided_action_display() if r.decided_action else "", r.decision_reason,
        ]
        for r in ratings
    )
    return bulk.xlsx_response(f"ratings-{period}-selection.xlsx", str(period), headers, rows, text_columns=(0,))
