"""Minerals risk case pages: the list, opening a case, a case with its prescribed mitigation, timeline and the
steps allowed now, and the panel on a supplier's page. Internal roles read; Cap.REVIEW writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.minerals.cases import proposals as case_proposals
from supplyesg.minerals.cases import rules
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.forms import (
    AdoptPlanForm,
    CaseFilterForm,
    DisengageForm,
    DismissProposalForm,
    NoteForm,
    OpenCaseForm,
    ReviewPlanForm,
    RevisePlanForm,
)
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.models import Supplier, TerminationCase

PAGE_SIZE = 50
FINISHED = (RiskCase.Status.CLOSED, RiskCase.Status.TERMINATED)
# Per status, the steps whose refusal the case page explains ("the plan is reviewed on ... at the earliest").
EXPLAINED = {
    RiskCase.Status.OPEN: (rules.TERMINATE,),
    RiskCase.Status.PLAN: (rules.REVIEW_PLAN,),
    RiskCase.Status.SUSPENDED: (rules.RESUME_TRADE, rules.TERMINATE),
}

# Step -> (form class, prefix). The disengage form carries both suspend and terminate.
STEP_FORMS = {
    rules.ADOPT_PLAN: (AdoptPlanForm, "adopt"),
    rules.REVIEW_PLAN: (ReviewPlanForm, "review"),
    "disengage": (DisengageForm, "disengage"),
    rules.REVISE_PLAN: (RevisePlanForm, "revise"),
    rules.RESUME_TRADE: (NoteForm, "resume"),
    rules.CLOSE_CASE: (NoteForm, "close"),
}


# ---------------------------------------------------------------- list and open


@require_http_methods(["GET"])
def case_list(request):
    require_internal(request.user)
    today = timezone.localdate()
    form = CaseFilterForm(request.GET)
    rows = form.filter(cases.cases_with_related(), today=today)
    page = Paginator(rows.order_by("-opened_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "minerals/case_list.html",
        {"form": form, "page": page, "today": today, "can_review": can(request.user, Cap.REVIEW)},
    )


@require_http_methods(["GET", "POST"])
def open_case(request):
    require_internal(request.user, Cap.REVIEW)
    supplier = None
    if request.GET.get("supplier"):
        supplier = get_supplier_for_user(request.user, request.GET["supplier"])
    initial = {"supplier": supplier.code if supplier else "", "smelter_cid": request.GET.get("smelter", "")[:12]}
    if initial["smelter_cid"]:
        initial["source"] = _("CMRT red flag: smelter %(cid)s") % {"cid": initial["smelter_cid"]}
    form = OpenCaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.open_case(
                data["supplier"],
                actor=request.user,
                risk_type=data["risk_type"],
                description=data["description"],
                source=data["source"],
                smelter=data["smelter_cid"],
                plan=data["plan"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Case opened for %(supplier)s: %(mitigation)s")
                % {"supplier": case.supplier.legal_name, "mitigation": case.get_mitigation_display()},
            )
            if case.status == RiskCase.Status.SUSPENDED:
                messages.warning(request, _suspended_message(case))
            return redirect("risk_cases:detail", risk_case_pk=case.pk)
    status = 400 if request.method == "POST" else 200
    explanations = [(value, label, cases.mitigation_text(value)) for value, label in RiskCase.RiskType.choices]
    return render(
        request,
        "minerals/case_form.html",
        {"form": form, "supplier": supplier, "explanations": explanations},
        status=status,
    )


# ---------------------------------------------------------------- one case


def _detail(request, case, *, status=200, bound=None):
    """The case page; `bound` = (step key, form) re-shown with its errors after a refused post."""
    answers = cases.step_answers(case)
    allowed = {a.step for a in answers if a.allowed}
    explained = EXPLAINED.get(case.status, ())
    refused = [cases.translated_reason(a) for a in answers if not a.allowed and a.step in explained]
    forms = {}
    if can(request.user, Cap.REVIEW):
        for key, (form_class, prefix) in STEP_FORMS.items():
            if key == "disengage":
                modes = [m for m in ("suspend", "terminate") if m in allowed]
                if modes:
                    forms[key] = DisengageForm(prefix=prefix, modes=modes)
            elif key in allowed:
                forms[key] = form_class(prefix=prefix)
    errors = []
    if bound is not None and bound[0] in forms:
        forms[bound[0]] = bound[1]
    elif bound is not None:  # the step is no longer offered: say why on top
        errors = [error for field_errors in bound[1].errors.values() for error in field_errors]
    termination = None
    if case.status == RiskCase.Status.TERMINATED:
        termination = (
            TerminationCase.objects.for_source(TerminationCase.Source.MINERALS, f"minerals_case:{case.pk}")
            .order_by("-recommended_at")
            .first()
        )
    context = {
        "case": case,
        "mitigation_text": cases.mitigation_text(case),
        "steps": case.steps.select_related("actor"),
        "forms": forms,
        "errors": errors,
        "refused": refused if can(request.user, Cap.REVIEW) else [],
        "today": timezone.localdate(),
        "termination": termination,
        "suspension": cases.suspension_in_force(case) if case.status == RiskCase.Status.SUSPENDED else None,
        "can_review": can(request.user, Cap.REVIEW),
        "can_suspend": rules.SUSPEND in allowed,
    }
    return render(request, "minerals/case_detail.html", context, status=status)


@require_http_methods(["GET"])
def case_detail(request, risk_case_pk):
    return _detail(request, cases.get_case_for_user(request.user, risk_case_pk))


def _step(request, risk_case_pk, key, perform, done):
    """One step: access helper -> form -> service -> redirect, or the case page with the errors (400)."""
    case = cases.get_case_for_user(request.user, risk_case_pk, write=True)
    form_class, prefix = STEP_FORMS[key]
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            case = perform(case, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done(case))
            return redirect("risk_cases:detail", risk_case_pk=case.pk)
    return _detail(request, case, status=400, bound=(key, form))


def _suspended_message(case) -> str:
    if case.suspended_until:
        return _("Trade with %(supplier)s is suspended at least until %(date)s.") % {
            "supplier": case.supplier.legal_name,
            "date": date_format(case.suspended_until, "SHORT_DATE_FORMAT"),
        }
    return _("Trade with %(supplier)s is suspended until procurement confirms a termination or lifts the suspension.") % {
        "supplier": case.supplier.legal_name
    }


@require_http_methods(["POST"])
def adopt_plan(request, risk_case_pk):
    return _step(
        request,
        risk_case_pk,
        rules.ADOPT_PLAN,
        lambda case, data: cases.adopt_plan(case, actor=request.user, plan=data["plan"]),
        lambda case: _("Plan adopted; it is reviewed on %(date)s.") % {"date": date_format(case.review_due, "SHORT_DATE_FORMAT")},
    )


@require_http_methods(["POST"])
def review_plan(request, risk_case_pk):
    def done(case):
        if case.status == RiskCase.Status.CLOSED:
            return _("The plan is working: the case is closed.")
        return _suspended_message(case)

    return _step(
        request,
        risk_case_pk,
        rules.REVIEW_PLAN,
        lambda case, data: cases.review_plan(case, actor=request.user, effective=data["effective"], note=data["note"]),
        done,
    )


@require_http_methods(["POST"])
def disengage(request, risk_case_pk):
    def done(case):
        if case.status == RiskCase.Status.TERMINATED:
            return _(
                "Termination of cooperation with %(supplier)s is recommended; procurement confirms or overrides it. "
                "This case is finished."
            ) % {"supplier": case.supplier.legal_name}
        return _suspended_message(case)

    return _step(
        request,
        risk_case_pk,
        "disengage",
        lambda case, data: cases.disengage(case, actor=request.user, mode=data["mode"], note=data["note"]),
        done,
    )


@require_http_methods(["POST"])
def revise_plan(request, risk_case_pk):
    return _step(
        request,
        risk_case_pk,
        rules.REVISE_PLAN,
        lambda case, data: cases.revise_plan(case, actor=request.user, plan=data["plan"], targets=data["targets"]),
        lambda case: _("Plan revised with targets (revision %(n)s).") % {"n": case.plan_revision},
    )


@require_http_methods(["POST"])
def resume_trade(request, risk_case_pk):
    def done(case):
        review = date_format(case.review_due, "SHORT_DATE_FORMAT")
        text = _("Trade resumes under the plan; it is reviewed on %(date)s.") % {"date": review}
        if case.supplier.status == Supplier.Status.SUSPENDED:
            text += " " + _("The supplier stays suspended: another case or decision keeps it so.")
        return text

    return _step(
        request,
        risk_case_pk,
        rules.RESUME_TRADE,
        lambda case, data: cases.resume_trade(case, actor=request.user, note=data["note"]),
        done,
    )


@require_http_methods(["POST"])
def close_case(request, risk_case_pk):
    return _step(
        request,
        risk_case_pk,
        rules.CLOSE_CASE,
        lambda case, data: cases.close_case(case, actor=request.user, note=data["note"]),
        lambda case: _("The case is closed."),
    )


# ---------------------------------------------------------------- cases proposed by CMRT red flags


@require_http_methods(["GET"])
def proposals(request):
    require_internal(request.user)
    return render(
        request,
        "minerals/case_proposals.html",
        {
            "proposals": case_proposals.case_proposals(),
            "can_review": can(request.user, Cap.REVIEW),
            "form": DismissProposalForm(),
        },
    )


@require_http_methods(["POST"])
def dismiss_proposal(request):
    require_internal(request.user, Cap.REVIEW)
    form = DismissProposalForm(request.POST)
    if form.is_valid():
        supplier = get_supplier_for_user(request.user, form.cleaned_data["supplier"], write=True, capability=Cap.REVIEW)
        try:
            case_proposals.dismiss_case_proposal(
                supplier, cid=form.cleaned_data["cid"], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Proposal dismissed: no risk case for %(cid)s.") % {"cid": form.cleaned_data["cid"]})
            return redirect("risk_cases:proposals")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return render(
        request,
        "minerals/case_proposals.html",
        {"proposals": case_proposals.case_proposals(), "can_review": True, "form": DismissProposalForm()},
        status=400,
    )


# ---------------------------------------------------------------- the panel on a supplier's page


@require_http_methods(["GET"])
def supplier_panel(request, supplier_pk):
    require_internal(request.user)
    supplier = get_supplier_for_user(request.user, supplier_pk)
    supplier_cases = list(supplier.minerals_risk_cases.select_related("smelter").order_by("-opened_at", "-pk")[:20])
    return render(
        request,
        "minerals/_case_supplier_panel.html",
        {
            "supplier": supplier,
            "open_cases": [c for c in supplier_cases if c.status not in FINISHED],
            "past_cases": [c for c in supplier_cases if c.status in FINISHED],
            "today": timezone.localdate(),
            "can_review": can(request.user, Cap.REVIEW),
        },
    )
