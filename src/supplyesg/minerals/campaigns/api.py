"""The minerals JSON API: campaigns, their requests, submissions (upload, result, accept, return).

The same access helpers and services as the pages. Campaigns are internal; a supplier's portal user may
read and submit for their own requests; accepting and returning need Cap.REVIEW.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import Offset
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.bulk import MAX_SELECTED
from supplyesg.core.paging import page
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.campaigns.forms import check_excel_upload
from supplyesg.minerals.models import Campaign, Submission

router = Router(tags=["minerals"])


class MineralsPaging(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0


class MineralsCampaignOut(Schema):
    id: int
    name: str
    reporting_year: int
    template: str
    minerals: list[str]
    due_date: date
    status: str
    requests: int
    responded: int
    accepted: int


class MineralsCampaignPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MineralsCampaignOut]


class RequestOut(Schema):
    id: int
    campaign_id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    status: str
    overdue: bool
    requested_at: datetime | None
    last_reminded_at: datetime | None
    accepted_submission_id: int | None


class RequestFilters(MineralsPaging):
    status: str | None = None
    overdue: bool = False


class RequestPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestOut]


class SubmissionOut(Schema):
    id: int
    request_id: int
    campaign_id: int
    supplier_id: int
    version: int
    status: str
    valid: bool
    error_count: int
    warning_count: int
    template: str
    template_version: str
    company_name: str
    effective_date: date | None
    channel: str
    file_name: str
    uploaded_at: datetime
    review_comment: str
    result: dict


class AcceptIn(Schema):
    comment: str = ""


class BulkAcceptIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=MAX_SELECTED, description="Submission ids, at most 2,000.")
    comment: str = ""


class RefusedOut(Schema):
    id: int
    detail: str


class BulkAcceptOut(Schema):
    accepted: list[int]
    refused: list[RefusedOut]
    not_found: list[int]


class ReturnIn(Schema):
    comment: str = ""  # required by the service (409 when empty), checked after access like every rule


def _campaign_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "reporting_year": c.reporting_year,
        "template": c.template,
        "minerals": list(c.minerals),
        "due_date": c.due_date,
        "status": c.status,
        "requests": c.request_count,
        "responded": c.responded_count,
        "accepted": c.accepted_count,
    }


def _request_out(r, overdue_ids) -> dict:
    return {
        "id": r.pk,
        "campaign_id": r.campaign_id,
        "supplier_id": r.supplier_id,
        "supplier_code": r.supplier.code,
        "supplier_name": r.supplier.legal_name,
        "status": r.status,
        "overdue": r.pk in overdue_ids,
        "requested_at": r.requested_at,
        "last_reminded_at": r.last_reminded_at,
        "accepted_submission_id": r.accepted_submission_id,
    }


def _submission_out(s: Submission) -> dict:
    return {
        "id": s.pk,
        "request_id": s.request_id,
        "campaign_id": s.request.campaign_id,
        "supplier_id": s.request.supplier_id,
        "version": s.version,
        "status": s.status,
        "valid": s.valid,
        "error_count": s.error_count,
        "warning_count": s.warning_count,
        "template": s.template,
        "template_version": s.template_version,
        "company_name": s.company_name,
        "effective_date": s.effective_date,
        "channel": s.channel,
        "file_name": s.original_name,
        "uploaded_at": s.uploaded_at,
        "review_comment": s.review_comment,
        "result": s.result,
    }


@router.get(
    "/minerals/campaigns",
    response={200: MineralsCampaignPage, **_errors(401, 403, 404, 422)},
    summary="List CMRT/EMRT campaigns",
    url_name="minerals_campaigns",
    auth=needs(Cap.VIEW),
)
def list_campaigns(request, paging: Query[MineralsPaging]):
    require_internal(request.user)
    qs = campaigns.campaigns_with_counts().order_by("-reporting_year", "-created_at", "pk")
    return page(qs, limit=paging.limit, offset=paging.offset, count=Campaign.objects.count(), item=_campaign_out)


@router.get(
    "/minerals/campaigns/{campaign_id}/requests",
    response={200: RequestPage, **_errors(401, 403, 404, 422)},
    summary="Where each supplier of a campaign stands",
    url_name="minerals_campaign_requests",
    auth=needs(Cap.VIEW),
)
def list_requests(request, campaign_id: int, filters: Query[RequestFilters]):
    campaign = campaigns.get_campaign_for_user(request.user, campaign_id)
    qs = campaign.requests.select_related("supplier").order_by("supplier__legal_name", "pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.overdue()
    overdue_ids = set(campaign.requests.overdue(timezone.localdate()).values_list("pk", flat=True))
    return page(qs, limit=filters.limit, offset=filters.offset, item=lambda r: _request_out(r, overdue_ids))


@router.post(
    "/minerals/requests/{request_id}/submissions",
    response={201: SubmissionOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Upload a completed CMRT/EMRT for a request",
    url_name="minerals_submit",
    auth=needs(Cap.REVIEW, suppliers_too=True),
)
def submit_declaration(request, request_id: int, file: File[UploadedFile] = None):
    """multipart/form-data with the workbook as `file`. The file is checked and stored whatever its findings
    (`valid` false when it has errors). Staff need the review right; a supplier's user submits for their own
    requests only."""
    request_obj = campaigns.get_request_for_user(request.user, request_id, write=True)
    channel = Submission.Channel.API
    if file is None:  # optional in the signature so that access is checked before the body
        raise ValidationError({"file": [_('file: send the workbook as the multipart/form-data field "file".')]})
    check_excel_upload(file, field="file")
    submission = campaigns.submit_declaration(
        request_obj, data=file.read(), file_name=file.name, actor=request.user, channel=channel
    )
    return Status(201, _submission_out(submission))


# Declared before "/minerals/submissions/{submission_id}", whose pattern would otherwise take "accept" as an id.
@router.post(
    "/minerals/submissions/accept",
    response={200: BulkAcceptOut, **_errors(400, 401, 403, 422)},
    summary="Accept many valid submissions at once",
    url_name="minerals_accept_many",
    auth=needs(Cap.REVIEW),
)
def accept_submissions(request, payload: BulkAcceptIn):
    """One transaction: each submission that may be accepted is, each that may not is listed in `refused` with
    the reason (the rules of a single acceptance) and left as it was; ids the caller cannot see are `not_found`."""
    require_internal(request.user, Cap.REVIEW)
    wanted = list(dict.fromkeys(payload.ids))
    visible = set(campaigns.submissions_visible_to(request.user).filter(pk__in=wanted).values_list("pk", flat=True))
    result = campaigns.accept_submissions(visible, actor=request.user, comment=payload.comment)
    return {
        "accepted": [s.pk for s in result.accepted],
        "refused": [{"id": s.pk, "detail": why} for s, why in result.refused],
        "not_found": [pk for pk in wanted if pk not in visible],
    }


@router.get(
    "/minerals/submissions/{submission_id}",
    response={200: SubmissionOut, **_errors(401, 404)},
    summary="A submission with its full check result",
    url_name="minerals_submission",
)
def get_submission(request, submission_id: int):
    return _submission_out(campaigns.get_submission_for_user(request.user, submission_id))


@router.post(
    "/minerals/submissions/{submission_id}/accept",
    response={200: SubmissionOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Accept a valid submission",
    url_name="minerals_accept",
    auth=needs(Cap.REVIEW),
)
def accept_submission(request, submission_id: int, payload: AcceptIn):
    require_internal(request.user, Cap.REVIEW)
    submission = campaigns.get_submission_for_user(request.user, submission_id, write=True)
    return _submission_out(campaigns.accept_submission(submission, actor=request.user, comment=payload.comment))


@router.post(
    "/minerals/submissions/{submission_id}/return",
    response={200: SubmissionOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Return a submission for correction (comment required)",
    url_name="minerals_return",
    auth=needs(Cap.REVIEW),
)
def return_submission(request, submission_id: int, payload: ReturnIn):
    require_internal(request.user, Cap.REVIEW)
    submission = campaigns.get_submission_for_user(request.user, submission_id, write=True)
    return _submission_out(campaigns.return_submission(submission, actor=request.user, comment=payload.comment))
