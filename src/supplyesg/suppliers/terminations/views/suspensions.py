"""Suspensions of trade: one suspension with procurement's two decisions (lift it, or confirm the termination it
waits for), both with a reason. Internal roles read; deciding needs Cap.DECIDE_ORDERS."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from supplyesg.core import bulk
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.suppliers.models import Suspension
from supplyesg.suppliers.terminations import services as terminations
from supplyesg.suppliers.terminations.access import get_suspension_for_user
from supplyesg.suppliers.terminations.views.cases import source_link


class DecideSuspensionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        help_text=gettext_lazy("Recorded with the decision."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _detail(request, suspension, *, status=200, bound=None, action=""):
    can_decide = can(request.user, Cap.DECIDE_ORDERS)
    refusal = terminations.lift_refusal(suspension, on=timezone.localdate()) if suspension.ended_at is None else ""
    in_force = suspension.ended_at is None
    lift_form = DecideSuspensionForm(prefix="lift") if can_decide and in_force and not refusal else None
    terminate_form = DecideSuspensionForm(prefix="terminate") if can_decide and in_force else None
    errors = []
    if bound is not None and action == "lift" and lift_form is not None:
        lift_form = bound
    elif bound is not None and action == "terminate" and terminate_form is not None:
        terminate_form = bound
    elif bound is not None:
        errors = [error for field_errors in bound.errors.values() for error in field_errors]
    context = {
        "suspension": suspension,
        "source_url": source_link(suspension),
        "refusal": refusal,
        "lift_form": lift_form,
        "terminate_form": terminate_form,
        "errors": errors,
        "can_decide": can_decide,
    }
    return render(request, "suppliers/suspension_detail.html", context, status=status)


@require_http_methods(["GET"])
def detail(request, suspension_pk):
    return _detail(request, get_suspension_for_user(request.user, suspension_pk))


@require_http_methods(["POST"])
def lift(request, suspension_pk):
    suspension = get_suspension_for_user(request.user, suspension_pk, write=True)
    form = DecideSuspensionForm(request.POST, prefix="lift")
    if form.is_valid():
        try:
            terminations.lift_suspension(suspension, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The suspension is lifted: trade with %(supplier)s may resume.") % {"supplier": suspension.supplier.legal_name},
            )
            return redirect("terminations:suspension", suspension_pk=suspension.pk)
    return _detail(request, suspension, status=400, bound=form, action="lift")


@require_http_methods(["POST"])
def terminate(request, suspension_pk):
    suspension = get_suspension_for_user(request.user, suspension_pk, write=True)
    form = DecideSuspensionForm(request.POST, prefix="terminate")
    if form.is_valid():
        try:
            case = terminations.terminate_suspended(suspension, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Termination of cooperation with %(supplier)s is confirmed: purchase orders are blocked.")
                % {"supplier": suspension.supplier.legal_name},
            )
            return redirect("terminations:detail", termination_pk=case.pk)
    return _detail(request, suspension, status=400, bound=form, action="terminate")


# ---------------------------------------------------------------- bulk decisions on the suspensions in force


class BulkSuspensionForm(bulk.SelectionForm):
    LIFT, TERMINATE = "lift", "terminate"

    verdict = forms.ChoiceField(choices=[(LIFT, LIFT), (TERMINATE, TERMINATE)])

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = gettext_lazy(
            "reason: say why you lift the selected suspensions or terminate cooperation."
        )


@require_http_methods(["POST"])
def bulk_decide(request):
    """Lift the selected suspensions, or confirm the terminations they wait for, with one reason: each through
    `lift_suspension` / `terminate_suspended` (audited) in a transaction of its own; one that may not be lifted
    yet is refused by name with the service's reason."""
    require_internal(request.user, Cap.DECIDE_ORDERS)
    form = BulkSuspensionForm(request.POST)
    if not form.is_valid():
        for error in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        return redirect("terminations:queue")
    try:
        chosen = bulk.selection(form, _in_force())
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("terminations:queue")
    data = form.cleaned_data
    lift = data["verdict"] == BulkSuspensionForm.LIFT
    service = terminations.lift_suspension if lift else terminations.terminate_suspended
    bulk.run_each(
        chosen,
        lambda suspension: service(suspension, actor=request.user, reason=data["reason"]),
        label=lambda suspension: f"{suspension.supplier.code} {suspension.supplier.legal_name}",
        verb=_("lifted") if lift else _("terminated"),
        asked=None if data.get("scope") == bulk.SelectionForm.ALL else len(set(data["ids"])),
    ).flash(request)
    return redirect("terminations:queue")


def _in_force():
    return Suspension.objects.in_force().select_related("supplier").order_by("started_at", "pk")
