"""Internal corrective-action pages at /corrective-actions/ (namespace "corrective"): the list with its clocks,
one action with its plan, files, history and review forms, the per-audit fragment the audit page loads with
htmx, and supplier training. Reading needs any internal role; every change needs Cap.AUDIT."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.audits import access
from supplyesg.audits.forms.corrective import (
    ActionFilterForm,
    ApproveForm,
    CloseForm,
    CompletionReasonForm,
    PlanForm,
    ReasonForm,
    TrainingFilterForm,
    TrainingForm,
)
from supplyesg.audits.models import CorrectiveAction
from supplyesg.audits.services import corrective
from supplyesg.core import history
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.engagement.models import RequiredTraining
from supplyesg.engagement.services import required as training
from supplyesg.suppliers.access import get_supplier_for_user

S = CorrectiveAction.Status
STATUS_BADGE = {
    S.AWAITING_PLAN: "",
    S.SUBMITTED: "warn",
    S.REJECTED: "bad",
    S.APPROVED: "warn",
    S.COMPLETED: "warn",
    S.CLOSED: "good",
}
TRAINING_BADGE = {
    RequiredTraining.Status.ASSIGNED: "warn",
    RequiredTraining.Status.COMPLETED: "good",
    RequiredTraining.Status.CANCELLED: "",
}


def reminder_days() -> int:
    return PolicySettings.current().reminder_days_before_due


def decorate(action, today, days):
    action.clock = corrective.clock_state(action, today, days)
    action.badge = STATUS_BADGE.get(action.status, "")
    action.is_escalated = bool(action.plan_escalated_on or action.remediation_escalated_on)
    return action


def audit_url(audit) -> str | None:
    """The audit's own page, when the audits pages offer one."""
    try:
        return reverse("audits:detail", kwargs={"audit_pk": audit.pk})
    except NoReverseMatch:
        return None


def history_rows(obj) -> list:
    """The object's audit-trail rows, newest first, as translated sentences (core.history)."""
    return history.describe_all(AuditEvent.objects.for_object(obj).select_related("actor")[:200])


def serve_file(record):
    if not record.file or not record.file.name:
        raise Http404
    try:
        handle = record.file.storage.open(record.file.name, "rb")
    except OSError:
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=record.original_name or "evidence")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- corrective actions


@require_http_methods(["GET"])
def action_list(request):
    require_internal(request.user)
    form = ActionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    qs = corrective.filter_actions(
        access.actions_visible_to(request.user),
        on=today,
        status=filters.get("status", ""),
        overdue=filters.get("overdue", False),
        escalated_only=filters.get("escalated", False),
        supplier=filters.get("supplier", ""),
        severity=filters.get("severity", ""),
    )
    page = Paginator(corrective.with_related(qs).order_by("plan_due", "pk"), 50).get_page(request.GET.get("page"))
    days = reminder_days()
    for action in page.object_list:
        decorate(action, today, days)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audits/ca_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _detail_page(request, action, *, status=200, **forms):
    today = timezone.localdate()
    decorate(action, today, reminder_days())
    candidates = corrective.follow_up_candidates(action)
    context = {
        "action": action,
        "audit_url": audit_url(action.audit),
        "files": list(action.files.select_related("uploaded_by")),
        "history": history_rows(action),
        "can_audit": can(request.user, Cap.AUDIT),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or ReasonForm(),
        "reject_completion_form": forms.get("reject_completion_form") or CompletionReasonForm(),
        "close_form": forms.get("close_form") or CloseForm(candidates=candidates),
        "plan_form": forms.get("plan_form") or PlanForm.for_action(action),
        "plan_open": action.status in corrective.PLAN_OPEN,
        "has_candidates": candidates.exists(),
        "trainings": action.required_trainings.select_related("course"),
    }
    return render(request, "audits/ca_detail.html", context, status=status)


@require_http_methods(["GET"])
def action_detail(request, action_pk):
    require_internal(request.user)
    return _detail_page(request, access.get_action_for_user(request.user, action_pk))


def _writable(request, action_pk):
    require_internal(request.user, Cap.AUDIT)
    return access.get_action_for_user(request.user, action_pk, write=True)


def _decide(request, action_pk, form_class, form_name, call, done_message):
    """One review decision: form → service → redirect, or the detail page again with the errors."""
    action = _writable(request, action_pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(action, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done_message)
            return redirect("corrective:detail", action_pk=action.pk)
    return _detail_page(request, action, status=400, **{form_name: form})


@require_http_methods(["POST"])
def approve_plan(request, action_pk):
    return _decide(
        request,
        action_pk,
        ApproveForm,
        "approve_form",
        lambda action, data: corrective.approve_plan(
            action, actor=request.user, comment=data["comment"], completion_date=data.get("completion_date")
        ),
        _("Plan approved; the supplier was told and the remediation clock runs."),
    )


@require_http_methods(["POST"])
def reject_plan(request, action_pk):
    return _decide(
        request,
        action_pk,
        ReasonForm,
        "reject_form",
        lambda action, data: corrective.reject_plan(action, actor=request.user, reason=data["reason"]),
        _("Plan rejected; the supplier sees your reasons and resubmits."),
    )


@require_http_methods(["POST"])
def reject_completion(request, action_pk):
    return _decide(
        request,
        action_pk,
        CompletionReasonForm,
        "reject_completion_form",
        lambda action, data: corrective.reject_completion(action, actor=request.user, reason=data["reason"]),
        _("Evidence not accepted; the action is back with the supplier."),
    )


@require_http_methods(["POST"])
def close_action(request, action_pk):
    action = _writable(request, action_pk)
    form = CloseForm(request.POST, candidates=corrective.follow_up_candidates(action))
    if form.is_valid():
        try:
            corrective.close_action(
                action,
                actor=request.user,
                closure=form.cleaned_data["closure"],
                follow_up_audit=form.cleaned_data["follow_up_audit"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Corrective action closed."))
            return redirect("corrective:detail", action_pk=action.pk)
    return _detail_page(request, action, status=400, close_form=form)


@require_http_methods(["POST"])
def enter_plan(request, action_pk):
    """Staff enter a plan the supplier sent another way; the same checks as in the portal."""
    action = _writable(request, action_pk)
    form = PlanForm.for_action(action, request.POST)
    if form.is_valid():
        try:
            corrective.submit_plan(action, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The plan was entered on the supplier's behalf and awaits review."))
            return redirect("corrective:detail", action_pk=action.pk)
    return _detail_page(request, action, status=400, plan_form=form)


@require_http_methods(["GET"])
def action_file(request, action_pk, file_pk):
    require_internal(request.user)
    action = access.get_action_for_user(request.user, action_pk)
    record = action.files.filter(pk=file_pk).first()
    if record is None:
        raise Http404
    return serve_file(record)


@require_http_methods(["GET"])
def audit_actions(request, audit_pk):
    """htmx fragment for the audit page: the audit's corrective actions with status and clocks."""
    require_internal(request.user)
    audit = access.get_audit_for_user(request.user, audit_pk)
    today, days = timezone.localdate(), reminder_days()
    actions = [
        decorate(a, today, days)
        for a in corrective.with_related(access.actions_visible_to(request.user).filter(audit=audit)).order_by("plan_due", "pk")
    ]
    return render(
        request,
        "audits/ca_audit_actions.html",
        {"audit": audit, "actions": actions, "can_audit": can(request.user, Cap.AUDIT)},
    )


# ---------------------------------------------------------------- training


@require_http_methods(["GET"])
def training_list(request):
    require_internal(request.user)
    form = TrainingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = training.filter_trainings(
        RequiredTraining.objects.select_related("supplier", "audit"),
        status=filters.get("status", ""),
        supplier=filters.get("supplier", ""),
    )
    page = Paginator(qs.order_by("status", "due_date", "pk"), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for row in page.object_list:
        row.badge = TRAINING_BADGE.get(row.status, "")
        row.late = row.status == RequiredTraining.Status.ASSIGNED and row.due_date < today
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audits/training_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_audit": can(request.user, Cap.AUDIT),
        },
    )


def _training_source(request):
    """The supplier, audit and corrective action a training is assigned from (?supplier=<pk>, ?audit=<pk> or
    ?action=<pk>), each access-checked."""
    action_pk = request.GET.get("action")
    audit_pk = request.POST.get("audit") or request.GET.get("audit")
    supplier_pk = request.GET.get("supplier")
    if action_pk:
        action = access.get_action_for_user(request.user, action_pk)
        return action.audit.supplier, action.audit, action
    if audit_pk:
        audit = access.get_audit_for_user(request.user, audit_pk)
        return audit.supplier, audit, None
    if supplier_pk:
        return get_supplier_for_user(request.user, supplier_pk), None, None
    return None, None, None


@require_http_methods(["GET", "POST"])
def assign_training(request):
    require_internal(request.user, Cap.AUDIT)
    supplier, audit, action = _training_source(request)
    initial = {"supplier_code": supplier.code if supplier else "", "audit": audit.pk if audit else None}
    if audit is not None and audit.scope:
        initial["area"] = audit.scope[0]
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if audit is not None and form.supplier.pk != audit.supplier_id:
            form.add_error("supplier_code", _("The audit is of another supplier."))
        else:
            try:
                training.assign_training(
                    form.supplier,
                    actor=request.user,
                    topic=form.cleaned_data["topic"],
                    area=form.cleaned_data["area"],
                    due_date=form.cleaned_data["due_date"],
                    audit=audit,
                    corrective_action=action,
                    course=form.cleaned_data["course"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request, _("Training assigned to %(name)s; they were told.") % {"name": form.supplier.legal_name}
                )
                return redirect("corrective:detail", action_pk=action.pk) if action else redirect("corrective:trainings")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "supplier": supplier, "audit": audit, "action": action}
    return render(request, "audits/training_form.html", context, status=status)


def _training_write(request, training_pk, call, done_message):
    require_internal(request.user, Cap.AUDIT)
    record = access.get_training_for_user(request.user, training_pk, write=True)
    try:
        call(record)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message)
    return redirect("corrective:trainings")


@require_http_methods(["POST"])
def complete_training(request, training_pk):
    return _training_write(
        request,
        training_pk,
        lambda record: training.complete_training(record, actor=request.user, attendee=request.POST.get("attendee", "")),
        _("Training marked attended."),
    )


@require_http_methods(["POST"])
def cancel_training(request, training_pk):
    return _training_write(
        request,
        training_pk,
        lambda record: training.cancel_training(record, actor=request.user, reason=request.POST.get("reason", "")),
        _("Training cancelled."),
    )
