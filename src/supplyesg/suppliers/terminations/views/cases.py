"""Termination of cooperation: the queue of recommendations procurement decides, the history, one case with the
decide and lift forms, recommending a termination by hand, and the panel on a supplier's page.

Internal roles read; confirming, overriding and lifting need Cap.DECIDE_ORDERS; a recommendation by hand needs
Cap.LIFECYCLE."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from supplyesg.core import bulk
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.bulk import SelectionForm
from supplyesg.core.forms_errors import attach_errors
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.models import Suspension, TerminationCase
from supplyesg.suppliers.terminations import services as terminations
from supplyesg.suppliers.terminations.access import get_termination_for_user, terminations_with_related

PAGE_SIZE = 50
Status = TerminationCase.Status
DECIDED = (Status.CONFIRMED, Status.OVERRIDDEN, Status.LIFTED)

# Where a source reference points: "minerals_case:4" -> the risk case page. A page not (yet) mounted is no link.
SOURCE_LINKS = {
    "minerals_case": ("risk_cases:detail", "risk_case_pk"),
    "audit": ("audits:detail", "audit_pk"),
}


# ---------------------------------------------------------------- access and reading


def source_link(case: TerminationCase) -> str | None:
    """The page of what raised the recommendation, when there is one."""
    kind, sep, ref = (case.source_ref or "").partition(":")
    if kind == "rating" and sep:  # "rating:2026Q3": the supplier's grade history
        try:
            return reverse("ratings:supplier", kwargs={"supplier_pk": case.supplier_id})
        except NoReverseMatch:
            return None
    target = SOURCE_LINKS.get(kind)
    if not (sep and target and ref.isdigit()):
        return None
    name, kwarg = target
    try:
        return reverse(name, kwargs={kwarg: int(ref)})
    except NoReverseMatch:
        return None


def _with_links(cases) -> list:
    cases = list(cases)
    for case in cases:
        case.source_url = source_link(case)
    return cases


# ---------------------------------------------------------------- forms


def _reason_field(label, help_text=""):
    return forms.CharField(label=label, max_length=2000, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("confirm", gettext_lazy("Confirm: terminate cooperation, orders stop")),
            ("override", gettext_lazy("Override: cooperation continues")),
        ],
        widget=forms.RadioSelect,
    )
    reason = _reason_field(gettext_lazy("Reason"), gettext_lazy("Recorded with the decision."))


class LiftForm(forms.Form):
    reason = _reason_field(gettext_lazy("Reason"), gettext_lazy("Why cooperation resumes."))


class RecommendForm(forms.Form):
    reason = _reason_field(
        gettext_lazy("Reason"), gettext_lazy("Why cooperation should end. Procurement confirms or overrides it.")
    )


# ---------------------------------------------------------------- lists


def _filtered(request, cases):
    return _filtered_source(request.GET.get("source", ""), cases)


def _filtered_source(source, cases):
    if source in TerminationCase.Source.values:
        cases = cases.filter(source=source)
    else:
        source = ""
    return cases, source


@require_http_methods(["GET"])
def queue(request):
    require_internal(request.user)
    cases, source = _filtered(request, terminations_with_related().pending().order_by("recommended_at", "pk"))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "suppliers/termination_queue.html",
        {
            "page": page,
            "rows": _with_links(page),
            "source": source,
            "sources": TerminationCase.Source.choices,
            "bulk_filters": [("source", source)] if source else [],
            "can_decide": can(request.user, Cap.DECIDE_ORDERS),
            "suspensions": _with_links(
                Suspension.objects.in_force().select_related("supplier").order_by("started_at", "pk")[:PAGE_SIZE]
            ),
            "suspension_count": Suspension.objects.in_force().count(),
        },
    )


@require_http_methods(["GET"])
def history(request):
    require_internal(request.user)
    cases = terminations_with_related().filter(status__in=DECIDED)
    status = request.GET.get("status", "")
    if status in DECIDED:
        cases = cases.filter(status=status)
    cases, source = _filtered(request, cases.order_by("-decided_at", "-pk"))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "suppliers/termination_history.html",
        {
            "page": page,
            "rows": _with_links(page),
            "status": status,
            "statuses": [(s.value, s.label) for s in DECIDED],
            "source": source,
            "sources": TerminationCase.Source.choices,
        },
    )


# ---------------------------------------------------------------- one case


def _detail(request, case, *, status=200, bound=None):
    """The case page; `bound` is a refused decide or lift form, shown again with its errors (or, when the case
    no longer offers that form, its errors on top)."""
    can_decide = can(request.user, Cap.DECIDE_ORDERS)
    decide_form = DecideForm() if can_decide and case.status == Status.RECOMMENDED else None
    lift_form = LiftForm() if can_decide and case.status == Status.CONFIRMED else None
    errors = []
    if isinstance(bound, DecideForm) and decide_form is not None:
        decide_form = bound
    elif isinstance(bound, LiftForm) and lift_form is not None:
        lift_form = bound
    elif bound is not None:
        errors = [error for field_errors in bound.errors.values() for error in field_errors]
    context = {
        "case": case,
        "source_url": source_link(case),
        "can_decide": can_decide,
        "decide_form": decide_form,
        "lift_form": lift_form,
        "errors": errors,
        "others": terminations_with_related().filter(supplier=case.supplier).exclude(pk=case.pk)[:20],
    }
    return render(request, "suppliers/termination_detail.html", context, status=status)


@require_http_methods(["GET"])
def detail(request, termination_pk):
    return _detail(request, get_termination_for_user(request.user, termination_pk))


@require_http_methods(["POST"])
def decide(request, termination_pk):
    case = get_termination_for_user(request.user, termination_pk, write=True)
    form = DecideForm(request.POST)
    if form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            case = terminations.decide_termination(case, actor=request.user, confirm=confirm, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            text = (
                _("Termination of cooperation with %(supplier)s is confirmed: purchase orders are blocked.")
                if confirm
                else _("The recommendation is overridden: cooperation with %(supplier)s continues.")
            )
            messages.success(request, text % {"supplier": case.supplier.legal_name})
            return redirect("terminations:detail", termination_pk=case.pk)
    return _detail(request, case, status=400, bound=form)


@require_http_methods(["POST"])
def lift(request, termination_pk):
    case = get_termination_for_user(request.user, termination_pk, write=True)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            case = terminations.lift_termination(case, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The termination is lifted: cooperation with %(supplier)s may resume.")
                % {"supplier": case.supplier.legal_name},
            )
            return redirect("terminations:detail", termination_pk=case.pk)
    return _detail(request, case, status=400, bound=form)


# ---------------------------------------------------------------- a supplier


@require_http_methods(["GET", "POST"])
def recommend(request, supplier_pk):
    require_internal(request.user, Cap.LIFECYCLE)
    supplier = get_supplier_for_user(request.user, supplier_pk, write=True, capability=Cap.LIFECYCLE)
    form = RecommendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = terminations.recommend_termination(
                supplier, actor=request.user, source=TerminationCase.Source.MANUAL, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Termination of cooperation with %(supplier)s is recommended; procurement confirms or overrides it.")
                % {"supplier": supplier.legal_name},
            )
            return redirect("terminations:detail", termination_pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/termination_form.html", {"supplier": supplier, "form": form}, status=status)


@require_http_methods(["GET"])
def supplier_panel(request, supplier_pk):
    require_internal(request.user)
    supplier = get_supplier_for_user(request.user, supplier_pk)
    open_cases = list(
        terminations_with_related()
        .filter(supplier=supplier, status__in=(Status.RECOMMENDED, Status.CONFIRMED))
        .order_by("-recommended_at", "-pk")
    )
    return render(
        request,
        "suppliers/_termination_supplier_panel.html",
        {
            "supplier": supplier,
            "in_force": [c for c in open_cases if c.status == Status.CONFIRMED],
            "suspensions": _with_links(Suspension.objects.in_force().filter(supplier=supplier).order_by("started_at", "pk")),
            "pending": _with_links(c for c in open_cases if c.status == Status.RECOMMENDED),
            "can_decide": can(request.user, Cap.DECIDE_ORDERS),
            "can_recommend": can(request.user, Cap.LIFECYCLE),
        },
    )


# ---------------------------------------------------------------- bulk decisions on the queue


class BulkDecideForm(SelectionForm):
    """The queue's bulk bar: confirm or override every selected recommendation, with one reason for all."""

    verdict = forms.ChoiceField(choices=[("confirm", "confirm"), ("override", "override")])

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = gettext_lazy(
            "reason: say why you confirm or override the selected recommendations."
        )


def _queue_back(request):
    source = request.POST.get("source", "")
    url = reverse("terminations:queue")
    return redirect(f"{url}?source={source}" if source in TerminationCase.Source.values else url)


@require_http_methods(["POST"])
def bulk_decide(request):
    """Each selected recommendation through `decide_termination` (audited), in a transaction of its own."""
    require_internal(request.user, Cap.DECIDE_ORDERS)
    form = BulkDecideForm(request.POST)
    if not form.is_valid():
        for error in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        return _queue_back(request)
    pending, _source = _filtered_post(request)
    try:
        cases = bulk.selection(form, pending)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _queue_back(request)
    data = form.cleaned_data
    confirm = data["verdict"] == "confirm"
    bulk.run_each(
        cases,
        lambda case: terminations.decide_termination(case, actor=request.user, confirm=confirm, reason=data["reason"]),
        label=lambda case: f"{case.supplier.code} {case.supplier.legal_name}",
        verb=_("confirmed") if confirm else _("overridden"),
        asked=None if data.get("scope") == SelectionForm.ALL else len(set(data["ids"])),
    ).flash(request)
    return _queue_back(request)


@require_http_methods(["POST"])
def bulk_export(request):
    require_internal(request.user)
    form = SelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select at least one item."))
        return _queue_back(request)
    pending, _source = _filtered_post(request)
    try:
        cases = bulk.selection(form, pending)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _queue_back(request)
    headers = [_("Supplier code"), _("Supplier"), _("Source"), _("Reference"), _("Recommended"), _("Reason")]
    rows = (
        [c.supplier.code, c.supplier.legal_name, c.get_source_display(), c.source_ref,
         timezone.localtime(c.recommended_at) if c.recommended_at else None, c.reason]
        for c in cases
    )
    return bulk.xlsx_response("termination-recommendations.xlsx", _("Recommendations"), headers, rows, text_columns=(0,))


def _filtered_post(request):
    """The queue as the user saw it (the source filter is posted with the selection)."""
    pending = terminations_with_related().pending().order_by("recommended_at", "pk")
    return _filtered_source(request.POST.get("source", ""), pending)
