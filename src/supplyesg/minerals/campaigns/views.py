"""Internal pages for CMRT/EMRT campaigns: campaigns, submissions (review, staff and bulk uploads) and the
smelter review queue. Reading needs any internal role; every change needs Cap.REVIEW."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import Job, PolicySettings
from supplyesg.core.services import fail_stale_jobs
from supplyesg.minerals import bulk, company_names, services, workbooks
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.campaigns.forms import (
    AcceptForm,
    AddSupplierForm,
    BulkConfirmForm,
    BulkUploadForm,
    CampaignForm,
    CompanyNameConfirmForm,
    ConfirmReviewForm,
    ReassignForm,
    RequestFilterForm,
    ReturnForm,
    SmelterSearchForm,
    SubmissionUploadForm,
    WithdrawAliasForm,
)
from supplyesg.minerals.models import Campaign, SmelterAlias, SmelterReview, Submission, SubmissionRequest
from supplyesg.minerals.views import reviews as views_reviews

R = SubmissionRequest.Status
REQUEST_BADGE = {
    R.NOT_REQUESTED: "",
    R.REQUESTED: "",
    R.RECEIVED_ERRORS: "bad",
    R.RECEIVED_VALID: "warn",
    R.ACCEPTED: "good",
    R.RETURNED: "bad",
}
SUBMISSION_BADGE = {
    Submission.Status.INVALID: "bad",
    Submission.Status.VALID: "warn",
    Submission.Status.ACCEPTED: "good",
    Submission.Status.RETURNED: "bad",
    Submission.Status.SUPERSEDED: "",
}


def _error_page(request, exc: ValidationError, fallback):
    for message in exc.messages:
        messages.error(request, message)
    return redirect(fallback) if isinstance(fallback, str) else fallback


# ---------------------------------------------------------------- campaigns


@require_http_methods(["GET"])
def campaign_list(request):
    require_internal(request.user)
    rows = list(campaigns.campaigns_with_counts())
    for c in rows:
        c.response_rate = round(100 * c.responded_count / c.request_count) if c.request_count else None
    return render(
        request,
        "minerals/campaign_list.html",
        {
            "campaigns": rows,
            "pending_reviews": SmelterReview.objects.filter(status=SmelterReview.Status.PENDING).count(),
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require_internal(request.user, Cap.REVIEW)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaigns.create_campaign(actor=request.user, **data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Campaign %(name)s created as a draft. Check the suppliers in scope, then open it.") % {"name": campaign.name},
            )
            return redirect("minerals:campaign_detail", campaign_pk=campaign.pk)
    return render(request, "minerals/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


def _requests_page(campaign, filters, page_number):
    latest = Submission.objects.filter(request=OuterRef("pk")).order_by("-version")
    qs = campaigns.campaign_requests(campaign, filters).annotate(
        latest_id=Subquery(latest.values("pk")[:1]),
        latest_version=Subquery(latest.values("version")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
    )
    page = Paginator(qs, 50).get_page(page_number)
    overdue_ids = set(campaign.requests.overdue().values_list("pk", flat=True))
    labels = dict(Submission.Status.choices)
    for r in page.object_list:
        r.badge = REQUEST_BADGE.get(r.status, "")
        r.is_overdue = r.pk in overdue_ids
        r.latest_label = labels.get(r.latest_status, "")
        r.latest_badge = SUBMISSION_BADGE.get(r.latest_status, "")
    return page


@require_http_methods(["GET"])
def campaign_detail(request, campaign_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk)
    filters_form = RequestFilterForm(request.GET or None)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    page = _requests_page(campaign, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaign": campaign,
        "progress": campaigns.campaign_progress(campaign),
        "filters_form": filters_form,
        "page": page,
        "query": query.urlencode(),
        "bulk_filters": RequestFilterForm.pairs(filters),
        "overdue": campaign.requests.overdue().select_related("supplier")[:100],
        "add_form": AddSupplierForm(),
        "jobs": _campaign_jobs(campaign),
        "scope_count": campaigns.in_scope_suppliers(campaign).count() if campaign.status == Campaign.Status.DRAFT else None,
        "today": timezone.localdate(),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "requests":
        return render(request, "minerals/campaign_requests.html", context)
    return render(request, "minerals/campaign_detail.html", context)


def _campaign_jobs(campaign):
    jobs = Job.objects.filter(kind=bulk.JOB_KIND, result__campaign_id=campaign.pk).order_by("-created_at")[:5]
    return list(jobs)


@require_http_methods(["POST"])
def campaign_open(request, campaign_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    try:
        count = campaigns.open_campaign(campaign, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, redirect("minerals:campaign_detail", campaign_pk=campaign.pk))
    messages.success(request, _("The campaign is open: %(count)d supplier(s) were asked.") % {"count": count})
    return redirect("minerals:campaign_detail", campaign_pk=campaign.pk)


@require_http_methods(["POST"])
def campaign_send_newcomers(request, campaign_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    try:
        count = campaigns.send_to_newcomers(campaign, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, redirect("minerals:campaign_detail", campaign_pk=campaign.pk))
    if count:
        messages.success(request, _("%(count)d supplier(s) new in the scope were asked.") % {"count": count})
    else:
        messages.info(request, _("Every supplier in the scope has already been asked; nobody was asked twice."))
    return redirect("minerals:campaign_detail", campaign_pk=campaign.pk)


@require_http_methods(["POST"])
def campaign_close(request, campaign_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    try:
        campaigns.close_campaign(campaign, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, redirect("minerals:campaign_detail", campaign_pk=campaign.pk))
    messages.success(request, _("The campaign is closed; suppliers can no longer upload for it."))
    return redirect("minerals:campaign_detail", campaign_pk=campaign.pk)


@require_http_methods(["POST"])
def campaign_add_supplier(request, campaign_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    back = redirect("minerals:campaign_detail", campaign_pk=campaign.pk)
    form = AddSupplierForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
        return back
    try:
        campaigns.add_supplier(campaign, form.supplier, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(request, _("%(name)s was added to the campaign.") % {"name": form.supplier.legal_name})
    return back


@require_http_methods(["POST"])
def request_remove(request, campaign_request_pk):
    require_internal(request.user, Cap.REVIEW)
    request_obj = campaigns.get_request_for_user(request.user, campaign_request_pk, write=True)
    back = redirect("minerals:campaign_detail", campaign_pk=request_obj.campaign_id)
    try:
        campaigns.remove_supplier(request_obj, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(request, _("%(name)s was removed from the campaign.") % {"name": request_obj.supplier.legal_name})
    return back


# ---------------------------------------------------------------- submissions


@require_http_methods(["GET", "POST"])
def submission_upload(request, campaign_request_pk):
    """Staff upload a supplier's file received by e-mail or otherwise."""
    require_internal(request.user, Cap.REVIEW)
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
                channel=Submission.Channel.STAFF,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            _report_upload(request, submission)
            return redirect("minerals:submission_detail", submission_pk=submission.pk)
    return render(
        request,
        "minerals/submission_upload.html",
        {"form": form, "request_obj": request_obj},
        status=400 if form.errors else 200,
    )


def _report_upload(request, submission):
    if submission.valid:
        messages.success(
            request,
            _("Version %(v)d stored: no errors, %(w)d warning(s).") % {"v": submission.version, "w": submission.warning_count},
        )
    else:
        messages.warning(
            request,
            _("Version %(v)d stored with %(e)d error(s); it cannot be accepted as it is.")
            % {"v": submission.version, "e": submission.error_count},
        )


@require_http_methods(["GET"])
def submission_detail(request, submission_pk):
    require_internal(request.user)
    submission = campaigns.get_submission_for_user(request.user, submission_pk)
    history = list(submission.request.submissions.select_related("uploaded_by", "reviewed_by").order_by("-version"))
    for s in history:
        s.badge = SUBMISSION_BADGE.get(s.status, "")
    return render(
        request,
        "minerals/submission_detail.html",
        {
            "submission": submission,
            "request_obj": submission.request,
            "badge": SUBMISSION_BADGE.get(submission.status, ""),
            "findings": campaigns.findings_for(submission.result, get_language()),
            "smelters": submission.smelter_rows.all(),
            "history": history,
            "accept_form": AcceptForm(),
            "name_finding": getattr(submission, "name_finding", None),
            "company_form": CompanyNameConfirmForm(),
            "reassign_form": ReassignForm(exclude=submission.request.supplier_id),
            "return_form": ReturnForm(),
            "can_decide": can(request.user, Cap.REVIEW),
        },
    )


def serve_submission_file(request, submission):
    """The file exactly as the supplier sent it (rebuilt from the workbook store), or a page saying its stored
    copy no longer rebuilds (never a different file)."""
    try:
        data = workbooks.submission_bytes(submission)
    except workbooks.WorkbookDamaged:
        return render(request, "minerals/submission_file_damaged.html", {"submission": submission}, status=503)
    if data is None:
        raise Http404
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=submission.original_name or "declaration.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def submission_file(request, submission_pk):
    require_internal(request.user)
    return serve_submission_file(request, campaigns.get_submission_for_user(request.user, submission_pk))


@require_http_methods(["POST"])
def submission_accept(request, submission_pk):
    require_internal(request.user, Cap.REVIEW)
    submission = campaigns.get_submission_for_user(request.user, submission_pk, write=True)
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        campaigns.accept_submission(submission, actor=request.user, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as exc:
        return _error_page(request, exc, redirect("minerals:submission_detail", submission_pk=submission.pk))
    messages.success(
        request,
        _("Accepted: this declaration now counts for %(name)s.") % {"name": submission.request.supplier.legal_name},
    )
    return redirect("minerals:submission_detail", submission_pk=submission.pk)


@require_http_methods(["POST"])
def submission_return(request, submission_pk):
    require_internal(request.user, Cap.REVIEW)
    submission = campaigns.get_submission_for_user(request.user, submission_pk, write=True)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Comment: say what the supplier must correct."))
        return redirect("minerals:submission_detail", submission_pk=submission.pk)
    try:
        campaigns.return_submission(submission, actor=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        return _error_page(request, exc, redirect("minerals:submission_detail", submission_pk=submission.pk))
    messages.success(request, _("Returned for correction; the supplier sees your comment in the portal."))
    return redirect("minerals:submission_detail", submission_pk=submission.pk)


@require_http_methods(["POST"])
def submission_confirm_company(request, submission_pk):
    """Staff confirm that a file declaring another company name belongs to this supplier."""
    require_internal(request.user, Cap.REVIEW)
    submission = campaigns.get_submission_for_user(request.user, submission_pk, write=True)
    back = redirect("minerals:submission_detail", submission_pk=submission.pk)
    finding = company_names.open_finding(submission)
    form = CompanyNameConfirmForm(request.POST)
    if finding is None:
        messages.error(request, _("This declaration has no open company-name finding."))
        return back
    if not form.is_valid():
        messages.error(request, _("Reason: say why this declaration belongs to this supplier."))
        return back
    try:
        company_names.confirm_company_name(finding, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(
        request,
        _("Confirmed: %(declared)s is filed under %(supplier)s.")
        % {"declared": finding.declared_name, "supplier": submission.request.supplier.legal_name},
    )
    return back


@require_http_methods(["POST"])
def submission_reassign(request, submission_pk):
    """Staff move a file to the supplier it really declares, in the same campaign."""
    require_internal(request.user, Cap.REVIEW)
    submission = campaigns.get_submission_for_user(request.user, submission_pk, write=True)
    back = redirect("minerals:submission_detail", submission_pk=submission.pk)
    form = ReassignForm(request.POST, exclude=submission.request.supplier_id)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}" if name in form.fields else error)
        return back
    try:
        company_names.reassign_submission(
            submission, supplier=form.cleaned_data["supplier"], actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(request, _("Reassigned to %(name)s.") % {"name": form.cleaned_data["supplier"].legal_name})
    return back


# ---------------------------------------------------------------- smelter review queue


@require_http_methods(["GET"])
def review_queue(request):
    require_internal(request.user)
    status = request.GET.get("status") or SmelterReview.Status.PENDING
    if status not in SmelterReview.Status.values:
        status = SmelterReview.Status.PENDING
    page = Paginator(views_reviews.queue_rows(status), 50).get_page(request.GET.get("page"))
    reference = services.reference_list()
    if status == SmelterReview.Status.PENDING:
        advice = services.review_advice(page, reference)
        for review in page:
            review.advice = advice[review.pk]
    search = SmelterSearchForm(request.GET or None)
    results = (
        services.search_reference(search.cleaned_data["q"], search.cleaned_data["metal"], reference) if search.is_valid() else []
    )
    return render(
        request,
        "minerals/review_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": SmelterReview.Status.choices,
            "can_decide": can(request.user, Cap.REVIEW),
            "search": search,
            "results": results,
            "prefill_score": PolicySettings.current().smelter_prefill_score,
        },
    )


@require_http_methods(["GET"])
def alias_list(request):
    require_internal(request.user)
    aliases = SmelterAlias.objects.filter(source=SmelterAlias.Source.CONFIRMED).select_related("smelter", "added_by")
    page = Paginator(aliases.order_by("-added_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "minerals/alias_list.html",
        {"page": page, "can_decide": can(request.user, Cap.REVIEW), "form": WithdrawAliasForm()},
    )


@require_http_methods(["POST"])
def alias_withdraw(request, alias_pk):
    require_internal(request.user, Cap.REVIEW)
    alias = get_object_or_404(SmelterAlias.objects.select_related("smelter"), pk=alias_pk)
    form = WithdrawAliasForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reason: say why the alias is withdrawn."))
        return redirect("minerals:alias_list")
    try:
        updated = services.withdraw_alias(alias, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, "minerals:alias_list")
    messages.success(
        request,
        _("“%(name)s” is no longer an alias of %(cid)s; %(count)d stored row(s) wait for review again.")
        % {"name": alias.name, "cid": alias.smelter.cid, "count": updated},
    )
    return redirect("minerals:alias_list")


def _review_for(request, review_pk):
    require_internal(request.user, Cap.REVIEW)
    return get_object_or_404(SmelterReview, pk=review_pk)


@require_http_methods(["POST"])
def review_confirm(request, review_pk):
    review = _review_for(request, review_pk)
    form = ConfirmReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Smelter id: give the CID of the smelter this name means."))
        return redirect("minerals:review_queue")
    try:
        updated = campaigns.confirm_smelter_review(review, cid=form.cleaned_data["cid"], actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, "minerals:review_queue")
    messages.success(
        request,
        _("“%(name)s” is now an alias; %(count)d stored row(s) were identified.") % {"name": review.name, "count": updated},
    )
    return redirect("minerals:review_queue")


@require_http_methods(["POST"])
def review_reject(request, review_pk):
    review = _review_for(request, review_pk)
    try:
        campaigns.reject_smelter_review(review, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, "minerals:review_queue")
    messages.success(request, _("“%(name)s” was marked as not in the reference list.") % {"name": review.name})
    return redirect("minerals:review_queue")


# ---------------------------------------------------------------- bulk import


@require_http_methods(["GET", "POST"])
def bulk_upload(request, campaign_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk.start_bulk_import(campaign, form.cleaned_data["file"], actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("minerals:bulk_result", campaign_pk=campaign.pk, job_pk=job.pk)
    return render(
        request,
        "minerals/bulk_upload.html",
        {"form": form, "campaign": campaign, "limit_mb": bulk.bulk_upload_limit() // 1048576},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def bulk_result(request, campaign_pk, job_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk)
    job = bulk.get_bulk_job(campaign, job_pk)
    if job.status in (Job.Status.QUEUED, Job.Status.RUNNING) and fail_stale_jobs(kind=bulk.JOB_KIND):
        job.refresh_from_db()  # its worker died: the page shows it failed, with a retry button
    result = job.result
    context = {
        "campaign": campaign,
        "job": job,
        "can_retry": job.status == Job.Status.FAILED and can(request.user, Cap.REVIEW),
        "running": job.status in (Job.Status.QUEUED, Job.Status.RUNNING),
        "assigned": result.get("assigned", []),
        "uncertain": result.get("uncertain", []),
        "unassigned": result.get("unassigned", []),
        "skipped": result.get("skipped", []),
        "campaign_requests": campaign.requests.select_related("supplier").order_by("supplier__legal_name"),
        "can_decide": can(request.user, Cap.REVIEW),
    }
    return render(request, "minerals/bulk_result.html", context)


@require_http_methods(["POST"])
def bulk_retry(request, campaign_pk, job_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    job = bulk.get_bulk_job(campaign, job_pk)
    back = redirect("minerals:bulk_result", campaign_pk=campaign.pk, job_pk=job.pk)
    try:
        bulk.retry_bulk_import(job, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(request, _("The import was queued again; files already recorded are not imported twice."))
    return back


@require_http_methods(["POST"])
def bulk_confirm(request, campaign_pk, job_pk):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_pk, write=True)
    job = bulk.get_bulk_job(campaign, job_pk)
    back = redirect("minerals:bulk_result", campaign_pk=campaign.pk, job_pk=job.pk)
    form = BulkConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Supplier: choose the supplier this file belongs to."))
        return back
    try:
        submission = bulk.confirm_bulk_file(
            job, item=form.cleaned_data["item"], supplier_id=form.cleaned_data["supplier"], actor=request.user
        )
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(
        request,
        _("%(file)s was stored for %(name)s.")
        % {"file": submission.original_name, "name": submission.request.supplier.legal_name},
    )
    return back
