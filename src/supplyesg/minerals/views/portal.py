"""Minerals declarations in the supplier portal: a supplier user sees the CMRT/EMRT requests of their own
supplier, uploads files, and reads the findings and the reviewer's comments. Anything else answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.campaigns import progress as engine_progress
from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.forms_errors import attach_errors
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.campaigns.forms import SubmissionUploadForm
from supplyesg.minerals.campaigns.views import REQUEST_BADGE, SUBMISSION_BADGE, serve_submission_file
from supplyesg.minerals.models import Campaign, Submission
from supplyesg.suppliers.access import get_own_supplier


def _decorate(request_obj, today):
    request_obj.badge = REQUEST_BADGE.get(request_obj.status, "")
    due = engine_progress.due(request_obj, today)
    request_obj.due_state, request_obj.due_days = due.state, due.days
    request_obj.can_upload = request_obj.campaign.status == Campaign.Status.OPEN
    return request_obj


@require_http_methods(["GET"])
def request_list(request):
    supplier = get_own_supplier(request.user)
    today = timezone.localdate()
    rows = [_decorate(r, today) for r in campaigns.requests_visible_to(request.user).order_by("campaign__due_date")]
    return render(
        request,
        "minerals/portal_requests.html",
        {
            "supplier": supplier,
            "rows": rows,
            "todo": [r for r in rows if r.due_days is not None or r.status in (r.Status.RETURNED, r.Status.RECEIVED_ERRORS)],
        },
    )


@require_http_methods(["GET", "POST"])
def request_upload(request, campaign_request_pk):
    """One request: where it stands, the latest findings and comment, and the upload form."""
    supplier = get_own_supplier(request.user)
    request_obj = campaigns.get_request_for_user(request.user, campaign_request_pk, write=True)
    form = SubmissionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submission = campaigns.submit_declaration(
                request_obj,
                data=upload.read(),
                file_name=upload.name,
                actor=request.user,
                channel=Submission.Channel.PORTAL,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if submission.valid:
                messages.success(request, _("Thank you: your file has no errors and is waiting for review."))
            else:
                messages.warning(
                    request,
                    _("Your file was received but has %(count)d error(s). Correct them and upload it again.")
                    % {"count": submission.error_count},
                )
            return redirect("minerals_portal:submission", submission_pk=submission.pk)
    submissions = list(request_obj.submissions.order_by("-version"))
    for s in submissions:
        s.badge = SUBMISSION_BADGE.get(s.status, "")
    latest = submissions[0] if submissions else None
    returned = next((s for s in submissions if s.status == Submission.Status.RETURNED), None)
    return render(
        request,
        "minerals/portal_request.html",
        {
            "supplier": supplier,
            "request_obj": _decorate(request_obj, timezone.localdate()),
            "form": form,
            "submissions": submissions,
            "latest": latest,
            "returned": returned if request_obj.status == request_obj.Status.RETURNED else None,
            "findings": campaigns.findings_for(latest.result, get_language()) if latest else [],
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def submission_detail(request, submission_pk):
    supplier = get_own_supplier(request.user)
    submission = campaigns.get_submission_for_user(request.user, submission_pk)
    return render(
        request,
        "minerals/portal_submission.html",
        {
            "supplier": supplier,
            "submission": submission,
            "request_obj": _decorate(submission.request, timezone.localdate()),
            "badge": SUBMISSION_BADGE.get(submission.status, ""),
            "findings": campaigns.findings_for(submission.result, get_language()),
            "smelters": submission.smelter_rows.all(),
        },
    )


@require_http_methods(["GET"])
def submission_file(request, submission_pk):
    get_own_supplier(request.user)
    return serve_submission_file(request, campaigns.get_submission_for_user(request.user, submission_pk))


def portal_section(request, supplier):
    """The portal tab for minerals declarations, and what is due or needs correction (the engine's to-dos)."""
    from supplyesg.core.portal import PortalSection

    todo = engine_progress.portal_todos(campaign_kind(campaigns.KIND), request.user, timezone.localdate())
    return PortalSection(key="minerals", title=_("Minerals declarations"), url=reverse("minerals_portal:requests"), todo=todo)
