"""Conducting an audit: its page (checklist with verdicts, findings, evidence, report, result and clocks), the
writes behind it, report downloads and evidence files. Internal roles read; Cap.AUDIT writes; a supplier
user downloads the files of its own reported audits."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.assessments.models import RiskCategory
from supplyesg.audits import pdf, reports
from supplyesg.audits.access import audits_visible_to, get_audit_for_user
from supplyesg.audits.forms.audits import CancelForm, EvidenceForm, FindingForm, IssueReportForm, ReportFileForm, VerdictForm
from supplyesg.audits.models import Audit, AuditFile, ChecklistItem, Finding, Severity
from supplyesg.audits.services import conduct, programme
from supplyesg.audits.views.programme import XLSX, flash_errors, is_htmx
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors

SEVERITY_BADGE = {Severity.PRIORITY: "bad", Severity.MAJOR: "bad", Severity.MINOR: "warn", Severity.OBSERVATION: ""}
VERDICT_BADGE = {
    ChecklistItem.Verdict.PENDING: "",
    ChecklistItem.Verdict.CONFORMING: "good",
    ChecklistItem.Verdict.NONCONFORMING: "bad",
    ChecklistItem.Verdict.NOT_APPLICABLE: "",
}


def _corrective_url(audit) -> str:
    """The corrective-actions fragment of the audit, when that part of the application is installed."""
    try:
        return reverse("corrective:audit_actions", args=[audit.pk])
    except NoReverseMatch:
        return ""


def _item_rows(items, files_by_item, language, errors=None) -> list[dict]:
    errors = errors or {}
    return [
        {
            "item": item,
            "title": reports.requirement_title(item.requirement, language),
            "badge": VERDICT_BADGE.get(item.verdict, ""),
            "files": files_by_item.get(item.pk, []),
            "error": errors.get(item.pk, ""),
        }
        for item in items
    ]


def render_detail(request, audit: Audit, *, status: int = 200, **forms):
    language = translation.get_language()
    files = list(AuditFile.objects.filter(audit=audit, corrective_action=None).select_related("uploaded_by"))
    by_item, by_finding, general = defaultdict(list), defaultdict(list), []
    for f in files:
        if f.finding_id:
            by_finding[f.finding_id].append(f)
        elif f.checklist_item_id:
            by_item[f.checklist_item_id].append(f)
        else:
            general.append(f)
    items = list(audit.checklist.select_related("requirement", "checked_by").order_by("order", "pk"))
    findings = list(audit.findings.select_related("requirement", "checklist_item__requirement").order_by("pk"))
    counts = {s: 0 for s in Severity.values}
    for f in findings:
        counts[f.severity] += 1
    verdicts = {v: 0 for v in ChecklistItem.Verdict.values}
    for item in items:
        verdicts[item.verdict] += 1
    editable = audit.status in programme.EDITABLE_STATUSES
    context = {
        "audit": audit,
        "items": _item_rows(items, by_item, language, forms.get("verdict_errors")),
        "scope_labels": [RiskCategory(c).label for c in audit.scope or [] if c in RiskCategory.values],
        "verdict_choices": ChecklistItem.Verdict.choices,
        "verdicts": verdicts,
        "findings": [
            {
                "finding": f,
                "badge": SEVERITY_BADGE.get(f.severity, ""),
                "requirement_title": reports.requirement_title(f.requirement, language),
                "files": by_finding.get(f.pk, []),
            }
            for f in findings
        ],
        "counts": [(value, label, counts[value], SEVERITY_BADGE[value]) for value, label in Severity.choices],
        "files": general,
        "can_audit": can(request.user, Cap.AUDIT),
        "editable": editable,
        "in_progress": audit.status == Audit.Status.IN_PROGRESS,
        "reported": audit.status in (Audit.Status.REPORTED, Audit.Status.CLOSED),
        "overdue": editable and audit.planned_end is not None and audit.planned_end < timezone.localdate(),
        "corrective_url": _corrective_url(audit),
        "open_actions": audit.corrective_actions.open().count() if audit.status == Audit.Status.REPORTED else 0,
        "finding_form": forms.get("finding_form") or FindingForm(audit=audit),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(audit=audit),
        "report_file_form": forms.get("report_file_form") or ReportFileForm(),
        "issue_form": forms.get("issue_form") or IssueReportForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
    }
    return render(request, "audits/audit_detail.html", context, status=status)


def _audit_for_write(request, audit_pk) -> Audit:
    require_internal(request.user, Cap.AUDIT)
    return get_audit_for_user(request.user, audit_pk, write=True)


def _back(audit, anchor: str = ""):
    return redirect(reverse("audits:detail", args=[audit.pk]) + anchor)


@require_http_methods(["GET"])
def detail(request, audit_pk):
    require_internal(request.user)
    return render_detail(request, get_audit_for_user(request.user, audit_pk))


@require_http_methods(["POST"])
def start(request, audit_pk):
    audit = _audit_for_write(request, audit_pk)
    try:
        conduct.start_audit(audit, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return render_detail(request, audit, status=409)
    messages.success(request, _("The audit is started; its checklist is ready."))
    return _back(audit, "#checklist")


@require_http_methods(["POST"])
def verdict(request, audit_pk, checklist_pk):
    """Save one checklist item's verdict; an htmx request gets the item's row back."""
    audit = _audit_for_write(request, audit_pk)
    item = get_object_or_404(audit.checklist.select_related("requirement", "checked_by"), pk=checklist_pk)
    form = VerdictForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            item = conduct.record_verdict(
                item, actor=request.user, verdict=form.cleaned_data["verdict"], notes=form.cleaned_data["notes"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(
            f"{form.fields[n].label}: {' '.join(e)}" if n in form.fields else " ".join(e) for n, e in form.errors.items()
        )
    if is_htmx(request):
        item = ChecklistItem.objects.select_related("requirement", "checked_by").get(pk=item.pk)
        files = list(AuditFile.objects.filter(checklist_item=item, finding=None))
        row = _item_rows([item], {item.pk: files}, translation.get_language(), {item.pk: error})[0]
        context = {
            "row": row,
            "audit": audit,
            "verdict_choices": ChecklistItem.Verdict.choices,
            "in_progress": audit.status == Audit.Status.IN_PROGRESS,
            "can_audit": True,
        }
        # htmx swaps 2xx answers only: a refusal comes back as the row with its error.
        return render(request, "audits/_checklist_row.html", context)
    if error:
        return render_detail(request, audit, status=400, verdict_errors={item.pk: error})
    return _back(audit, f"#item-{item.pk}")


@require_http_methods(["POST"])
def add_finding(request, audit_pk):
    audit = _audit_for_write(request, audit_pk)
    form = FindingForm(request.POST, audit=audit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            conduct.add_finding(
                audit,
                actor=request.user,
                severity=data["severity"],
                area=data.get("area") or "",
                description=data["description"],
                checklist_item=data.get("checklist_item"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The finding is recorded."))
            return _back(audit, "#findings")
    return render_detail(request, audit, status=400, finding_form=form)


@require_http_methods(["POST"])
def remove_finding(request, audit_pk, finding_pk):
    audit = _audit_for_write(request, audit_pk)
    finding = get_object_or_404(Finding.objects.filter(audit=audit), pk=finding_pk)
    try:
        conduct.remove_finding(finding, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return render_detail(request, audit, status=409)
    messages.success(request, _("The finding is removed."))
    return _back(audit, "#findings")


@require_http_methods(["POST"])
def upload_file(request, audit_pk):
    audit = _audit_for_write(request, audit_pk)
    form = EvidenceForm(request.POST, request.FILES, audit=audit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            conduct.add_audit_file(
                audit,
                actor=request.user,
                upload=data["file"],
                checklist_item=data.get("checklist_item"),
                finding=data.get("finding"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The evidence is attached."))
            return _back(audit, "#evidence")
    return render_detail(request, audit, status=400, evidence_form=form)


@require_http_methods(["POST"])
def remove_file(request, file_pk):
    require_internal(request.user, Cap.AUDIT)
    evidence = get_object_or_404(AuditFile.objects.select_related("audit"), pk=file_pk)
    audit = get_audit_for_user(request.user, evidence.audit_id, write=True)
    try:
        conduct.remove_audit_file(evidence, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return render_detail(request, audit, status=409)
    messages.success(request, _("The file is removed."))
    return _back(audit, "#evidence")


@require_http_methods(["POST"])
def upload_report(request, audit_pk):
    audit = _audit_for_write(request, audit_pk)
    form = ReportFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            conduct.upload_report_file(audit, actor=request.user, upload=form.cleaned_data["report_file"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The audit firm's report is uploaded."))
            return _back(audit, "#report")
    return render_detail(request, audit, status=400, report_file_form=form)


@require_http_methods(["POST"])
def issue_report(request, audit_pk):
    audit = _audit_for_write(request, audit_pk)
    form = IssueReportForm(request.POST)
    if form.is_valid():
        try:
            audit = conduct.issue_report(
                audit, actor=request.user, report_date=form.cleaned_data["report_date"], summary=form.cleaned_data["summary"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The report is issued: %(level)s risk; %(count)s corrective actions were opened.")
                % {"level": audit.get_result_level_display(), "count": audit.corrective_actions.count()},
            )
            return _back(audit)
    return render_detail(request, audit, status=400, issue_form=form)


@require_http_methods(["POST"])
def close(request, audit_pk):
    audit = _audit_for_write(request, audit_pk)
    if conduct.close_audit_if_done(audit, actor=request.user):
        messages.success(request, _("The audit is closed."))
        return _back(audit)
    messages.error(request, _("Only a reported audit whose corrective actions are all closed can be closed."))
    return render_detail(request, audit, status=409)


# ---------------------------------------------------------------- downloads


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def report_pdf(request, audit_pk):
    require_internal(request.user)
    audit = get_audit_for_user(request.user, audit_pk)
    data = pdf.audit_report_pdf(audit, translation.get_language())
    return _attachment(data, "application/pdf", f"{reports.file_stem(audit)}.pdf")


@require_http_methods(["GET"])
def report_xlsx(request, audit_pk):
    require_internal(request.user)
    audit = get_audit_for_user(request.user, audit_pk)
    data = reports.audit_report_xlsx(audit, translation.get_language())
    return _attachment(data, XLSX, f"{reports.file_stem(audit)}.xlsx")


def _serve(stored, name: str):
    if not stored or not stored.name:
        raise Http404
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError:
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=name or "file")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def download_file(request, file_pk):
    """Evidence is private: staff download any; a supplier user those of its own reported audits."""
    evidence = get_object_or_404(AuditFile.objects.filter(audit__in=audits_visible_to(request.user)), pk=file_pk)
    return _serve(evidence.file, evidence.original_name)


@require_http_methods(["GET"])
def report_file(request, audit_pk):
    """The audit firm's report: staff, and the supplier's users once the report is issued."""
    audit = get_audit_for_user(request.user, audit_pk)
    return _serve(audit.report_file, audit.report_name)
