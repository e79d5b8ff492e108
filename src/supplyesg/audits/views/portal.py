"""Audits and corrective actions in the supplier portal: a supplier user sees its own supplier's reported audits
with their findings and corrective actions, submits (or resubmits after a rejection) each plan, sends completion
evidence, downloads its own files and confirms its trainings. Anything else answers 404."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.audits import access
from supplyesg.audits.forms.corrective import AttendForm, CompletionForm, PlanForm
from supplyesg.audits.models import CorrectiveAction, Finding
from supplyesg.audits.services import corrective
from supplyesg.audits.views.corrective import STATUS_BADGE, TRAINING_BADGE, reminder_days, serve_file
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.portal import PortalSection
from supplyesg.engagement.models import RequiredTraining
from supplyesg.engagement.services import required as training
from supplyesg.suppliers.access import get_own_supplier
from supplyesg.suppliers.views.portal import STATUS_BADGE as SUPPLIER_BADGE

S = CorrectiveAction.Status


def _decorate(action, today, days):
    action.clock = corrective.clock_state(action, today, days)
    action.badge = STATUS_BADGE.get(action.status, "")
    action.plan_open = action.status in corrective.PLAN_OPEN
    action.completion_open = action.status == S.APPROVED
    return action


def _base(supplier) -> dict:
    return {"supplier": supplier, "status_badge": SUPPLIER_BADGE.get(supplier.status, "")}


@require_http_methods(["GET"])
def audit_list(request):
    """Reported audits, newest first, each with its findings and their corrective actions."""
    supplier = get_own_supplier(request.user)
    today, days = timezone.localdate(), reminder_days()
    audits = list(access.audits_visible_to(request.user).order_by("-report_date", "-pk"))
    findings = (
        Finding.objects.filter(audit__in=[a.pk for a in audits])
        .select_related("corrective_action", "requirement")
        .order_by("audit_id", "pk")
    )
    by_audit = defaultdict(list)
    todo = []
    for finding in findings:
        action = getattr(finding, "corrective_action", None)
        if action is not None:
            _decorate(action, today, days)
            if action.plan_open or action.completion_open:
                action.finding = finding
                todo.append(action)
        finding.action = action
        by_audit[finding.audit_id].append(finding)
    for audit in audits:
        audit.finding_rows = by_audit.get(audit.pk, [])
    todo.sort(key=lambda a: (a.clock.due or today, a.pk))
    trainings_open = RequiredTraining.objects.filter(supplier_id=supplier.pk, status=RequiredTraining.Status.ASSIGNED).count()
    return render(
        request,
        "audits/portal_list.html",
        {**_base(supplier), "audits": audits, "todo": todo, "trainings_open": trainings_open},
    )


def _action_page(request, supplier, action, *, status=200, plan_form=None, completion_form=None):
    _decorate(action, timezone.localdate(), reminder_days())
    context = {
        **_base(supplier),
        "action": action,
        "files": list(action.files.all()),
        "plan_form": plan_form or PlanForm.for_action(action),
        "completion_form": completion_form or CompletionForm(),
    }
    return render(request, "audits/portal_action.html", context, status=status)


@require_http_methods(["GET", "POST"])
def action_plan(request, action_pk):
    """One corrective action: where it stands, the reviewer's reasons, and the plan form while it is open."""
    supplier = get_own_supplier(request.user)
    action = access.get_action_for_user(request.user, action_pk, write=request.method == "POST")
    if request.method == "GET":
        return _action_page(request, supplier, action)
    form = PlanForm.for_action(action, request.POST)
    if form.is_valid():
        try:
            corrective.submit_plan(action, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your plan was submitted for review."))
            return redirect("audits_portal:action", action_pk=action.pk)
    return _action_page(request, supplier, action, status=400, plan_form=form)


@require_http_methods(["POST"])
def action_complete(request, action_pk):
    """The plan was carried out: what was done, with evidence files."""
    supplier = get_own_supplier(request.user)
    action = access.get_action_for_user(request.user, action_pk, write=True)
    form = CompletionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            corrective.submit_completion(
                action, actor=request.user, note=form.cleaned_data["note"], files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your evidence was sent for review."))
            return redirect("audits_portal:action", action_pk=action.pk)
    return _action_page(request, supplier, action, status=400, completion_form=form)


@require_http_methods(["GET"])
def action_file(request, action_pk, file_pk):
    get_own_supplier(request.user)
    action = access.get_action_for_user(request.user, action_pk)
    record = action.files.filter(pk=file_pk).first()
    if record is None:
        raise Http404
    return serve_file(record)


@require_http_methods(["GET"])
def training_list(request):
    supplier = get_own_supplier(request.user)
    today = timezone.localdate()
    rows = list(RequiredTraining.objects.filter(supplier_id=supplier.pk).select_related("audit").order_by("status", "due_date"))
    for row in rows:
        row.badge = TRAINING_BADGE.get(row.status, "")
        row.late = row.status == RequiredTraining.Status.ASSIGNED and row.due_date < today
    return render(request, "audits/portal_trainings.html", {**_base(supplier), "rows": rows, "form": AttendForm()})


@require_http_methods(["POST"])
def attend_training(request, training_pk):
    get_own_supplier(request.user)
    record = access.get_training_for_user(request.user, training_pk, write=True)
    form = AttendForm(request.POST)
    if form.is_valid():
        try:
            training.complete_training(record, actor=request.user, attendee=form.cleaned_data["attendee"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you: the training is marked attended."))
    else:
        for message in form.errors.get("attendee", []):
            messages.error(request, f"{form.fields['attendee'].label}: {message}")
    return redirect("audits_portal:trainings")


def portal_section(request, supplier):
    """The portal tab for audits, and the corrective actions and trainings that need the supplier now."""
    today, days = timezone.localdate(), reminder_days()
    actions = (
        access.actions_visible_to(request.user)
        .filter(status__in=[S.AWAITING_PLAN, S.REJECTED, S.APPROVED])
        .select_related("finding")
        .order_by("plan_due", "pk")
    )
    todo = []
    for action in actions:
        state = corrective.clock_state(action, today, days)
        values = {
            "number": action.pk,
            "finding": action.finding.description[:80],
            "date": date_format(state.due, "DATE_FORMAT") if state.due else "",
        }
        if action.status == S.REJECTED:
            todo.append(_("CAP #%(number)s (%(finding)s): your plan was rejected; please revise and resubmit it.") % values)
        elif action.status == S.AWAITING_PLAN and state.overdue:
            todo.append(_("CAP #%(number)s (%(finding)s): the plan was due on %(date)s; please submit it.") % values)
        elif action.status == S.AWAITING_PLAN and state.due_soon:
            todo.append(_("CAP #%(number)s (%(finding)s): please submit the plan by %(date)s.") % values)
        elif action.status == S.APPROVED and action.completion_note:
            todo.append(_("CAP #%(number)s (%(finding)s): your evidence was not accepted; please send it again.") % values)
        elif action.status == S.APPROVED and (state.overdue or state.due_soon):
            todo.append(_("CAP #%(number)s (%(finding)s): please send the completion evidence by %(date)s.") % values)
    for row in training.trainings_due(RequiredTraining.objects.filter(supplier_id=supplier.pk), today, days).order_by(
        "due_date"
    ):
        values = {"topic": row.topic, "date": date_format(row.due_date, "DATE_FORMAT")}
        if row.due_date < today:
            todo.append(_("Training “%(topic)s” was due on %(date)s; please attend and confirm it.") % values)
        else:
            todo.append(_("Training “%(topic)s”: please attend and confirm it by %(date)s.") % values)
    return PortalSection(key="audits", title=_("Audits and corrective actions"), url=reverse("audits_portal:list"), todo=todo)
