"""Handlers' pages: the case list, a case, its actions; custodians' disclosure queue; the effectiveness review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supplyesg.core.access import require_internal
from supplyesg.core.bulk import xlsx_response
from supplyesg.core.errors import RuleViolation
from supplyesg.core.forms_errors import attach_errors
from supplyesg.grievances import access, privacy
from supplyesg.grievances.forms import (
    AcknowledgeForm,
    CloseForm,
    DisclosureDecisionForm,
    DisclosureRequestForm,
    LinkForm,
    MoveForm,
    ReplyForm,
)
from supplyesg.grievances.models import DisclosureRequest, Report, Visibility
from supplyesg.grievances.review import effectiveness_review
from supplyesg.grievances.services import cases
from supplyesg.grievances.services.sealing import data_key, read_attachment, read_content, read_message


@privacy.case_page
@require_http_methods(["GET"])
def case_list(request):
    """Every internal user reaches the list (it is in the navigation); only designated handlers find cases in it."""
    require_internal(request.user)
    today = timezone.localdate()
    reports = access.reports_for_user(request.user).select_related("channel", "supplier")
    show = request.GET.get("show", "open")
    if show == "overdue":
        reports = reports.overdue(today)
    elif show == "open":
        reports = reports.open()
    return render(
        request,
        "grievances/case_list.html",
        {
            "reports": reports[:500],
            "show": show,
            "today": today,
            "overdue_count": access.reports_for_user(request.user).overdue(today).count(),
            "is_custodian": access.is_custodian(request.user),
        },
    )


def _thread(report, user):
    key = data_key(report)
    files = {}
    for attachment in report.attachments.select_related("report"):
        if attachment.visibility == Visibility.PERSONAL and (
            attachment.message is None or attachment.message.author_id != user.pk
        ):
            continue
        name, _content = read_attachment(attachment, key)
        files.setdefault(attachment.message_id, []).append(
            {"pk": attachment.pk, "name": name, "size": attachment.size, "cleaned": attachment.metadata_removed}
        )
    thread = []
    for message in report.messages.select_related("report", "author"):
        if message.visibility == Visibility.PERSONAL and message.author_id != user.pk:
            continue
        thread.append({"message": message, "text": read_message(message, key), "files": files.get(message.pk, [])})
    return thread, files.get(None, [])


def _detail(request, report, *, status=200, **forms):
    user = request.user
    thread, report_files = _thread(report, user)
    context = {
        "report": report,
        "content": read_content(report),
        "thread": thread,
        "report_files": report_files,
        "can_write": access.may_write(user),
        "today": timezone.localdate(),
        "identity_requests": report.disclosure_requests.filter(requested_by=user),
        "identity_approved": access.identity_approved_for(user, report),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "move_form": forms.get("move_form") or MoveForm(initial={"status": report.status, "sub_status": report.sub_status}),
        "close_form": forms.get("close_form") or CloseForm(),
        "ack_form": forms.get("ack_form") or AcknowledgeForm(),
        "link_form": forms.get("link_form") or LinkForm(instance=report),
        "disclosure_form": forms.get("disclosure_form") or DisclosureRequestForm(),
    }
    return render(request, "grievances/case_detail.html", context, status=status)


@privacy.case_page
@require_http_methods(["GET"])
def case_detail(request, report_pk):
    return _detail(request, access.get_report_for_user(request.user, report_pk))


def _act(request, pk, form_class, form_name, action):
    report = access.get_report_for_user(request.user, pk, write=True)
    form = form_class(request.POST, request.FILES) if form_class is not LinkForm else LinkForm(request.POST, instance=report)
    if form.is_valid():
        try:
            action(report, form.cleaned_data)
        except RuleViolation as exc:
            messages.error(request, exc.messages[0])
        except ValidationError as exc:
            attach_errors(form, exc)
            return _detail(request, Report.objects.get(pk=report.pk), status=400, **{form_name: form})
        else:
            return redirect("grievances:detail", report_pk=report.pk)
        return redirect("grievances:detail", report_pk=report.pk)
    return _detail(request, Report.objects.get(pk=report.pk), status=400, **{form_name: form})


@require_POST
def acknowledge(request, report_pk):
    return _act(
        request,
        report_pk,
        AcknowledgeForm,
        "ack_form",
        lambda report, data: cases.acknowledge_report(actor=request.user, report=report, text=data["text"]),
    )


@require_POST
def move(request, report_pk):
    return _act(
        request,
        report_pk,
        MoveForm,
        "move_form",
        lambda report, data: cases.move_report(
            actor=request.user, report=report, status=data["status"], sub_status=data["sub_status"]
        ),
    )


@require_POST
def close(request, report_pk):
    return _act(
        request,
        report_pk,
        CloseForm,
        "close_form",
        lambda report, data: cases.close_report(
            actor=request.user, report=report, reason=data["reason"], measure=data["measure"], text=data["text"]
        ),
    )


@require_POST
def reply(request, report_pk):
    return _act(
        request,
        report_pk,
        ReplyForm,
        "reply_form",
        lambda report, data: cases.reply_to_report(
            actor=request.user, report=report, text=data["text"], visibility=data["visibility"], files=data["files"]
        ),
    )


@require_POST
def link(request, report_pk):
    return _act(
        request,
        report_pk,
        LinkForm,
        "link_form",
        lambda report, data: cases.link_report(actor=request.user, report=report, **data),
    )


@require_POST
def request_identity(request, report_pk):
    def action(report, data):
        cases.request_disclosure(actor=request.user, report=report, motivation=data["motivation"])
        messages.success(request, _("Your request was sent to the identity custodians."))

    return _act(request, report_pk, DisclosureRequestForm, "disclosure_form", action)


@privacy.case_page
@require_http_methods(["GET"])
def identity(request, report_pk):
    report = access.get_report_for_user(request.user, report_pk)
    shown = cases.reveal_identity(actor=request.user, report=report)
    return render(request, "grievances/case_identity.html", {"report": report, "identity": shown})


@privacy.case_page
@require_http_methods(["GET"])
def attachment(request, report_pk, attachment_pk):
    report = access.get_report_for_user(request.user, report_pk)
    found = report.attachments.select_related("report", "message").filter(pk=attachment_pk).first()
    if found is None or (
        found.visibility == Visibility.PERSONAL and (found.message is None or found.message.author_id != request.user.pk)
    ):
        from django.http import Http404

        raise Http404
    name, content = read_attachment(found, data_key(report))
    response = HttpResponse(content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET"])
def disclosures(request):
    access.require_custodian(request.user)
    pending = DisclosureRequest.objects.select_related("report", "requested_by").filter(status=DisclosureRequest.Status.PENDING)
    decided = DisclosureRequest.objects.select_related("report", "requested_by", "decided_by").exclude(
        status=DisclosureRequest.Status.PENDING
    )[:50]
    return render(
        request, "grievances/disclosures.html", {"pending": pending, "decided": decided, "form": DisclosureDecisionForm()}
    )


@require_POST
def decide_disclosure(request, disclosure_pk):
    disclosure = access.get_disclosure_for_custodian(request.user, disclosure_pk, write=True)
    form = DisclosureDecisionForm(request.POST)
    if form.is_valid():
        try:
            cases.decide_disclosure(
                actor=request.user,
                request=disclosure,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except RuleViolation as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Choose approve or deny."))
    return redirect("grievances:disclosures")


def _year(request) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year + 1 else this_year


@require_http_methods(["GET"])
def review(request):
    access.require_review_reader(request.user)
    return render(request, "grievances/review.html", {"review": effectiveness_review(_year(request))})


@require_http_methods(["GET"])
def review_xlsx(request):
    access.require_review_reader(request.user)
    result = effectiveness_review(_year(request))
    rows = [[_("Reports received"), "", result.total]]
    for table in result.tables:
        rows += [[table.title, label, shown] for label, shown in table.rows]
    for label, figures in result.durations:
        shown = f"<{result.threshold}" if figures.suppressed else ""
        rows.append([label, _("median"), shown or ("" if figures.median is None else figures.median)])
        rows.append([label, "P90", shown or ("" if figures.p90 is None else figures.p90)])
    return xlsx_response(
        f"grievance-review-{result.year}.xlsx",
        _("Effectiveness review"),
        [_("Figure"), _("Group"), _("Count or days")],
        rows,
        text_columns=(0, 1),
    )
