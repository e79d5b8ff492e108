"""The grievance JSON API.

Public (no token, the same validation, limits and privacy as the form): `POST /api/grievances/intake` for hotline
operators and messaging mini-programs, answering with the receipt once; `POST /api/grievances/follow` and
`/follow/messages` for the reporter's side of the thread by receipt. Handlers' operations need a token like the rest
of the API, and then a designation as handler of the report's channel (404 otherwise, whatever the role)."""

from datetime import date
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from supplyesg.core.access import Cap
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import DbId, field_choices
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.errors import RuleViolation
from supplyesg.grievances import access, privacy
from supplyesg.grievances.models import Channel, Message, Report, Visibility
from supplyesg.grievances.services import cases, intake
from supplyesg.grievances.services.sealing import read_content

router = Router(tags=["grievances"])

Text = Annotated[str, Field(max_length=20000)]


def _private(response: HttpResponse) -> None:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"


def _refused(exc: ValidationError) -> Status:
    items = (
        [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        if hasattr(exc, "error_dict")
        else [{"field": "", "message": m} for m in exc.messages]
    )
    return Status(400, {"detail": items[0]["message"] if items else "Invalid input.", "errors": items})


def _too_many() -> Status:
    return Status(429, {"detail": "Too many requests from this connection in the last hour.", "errors": []})


class GrievanceIntakeIn(Schema):
    channel: Annotated[str, Field(max_length=40, description="A channel key, e.g. supplier-workers")]
    topic: field_choices(Report, "topic")
    description: Annotated[str, Field(min_length=1, max_length=20000)]
    subject: Annotated[str, Field(max_length=200)] = ""
    country: Annotated[str, Field(max_length=2, description="ISO 3166 alpha-2, or empty")] = ""
    language: Annotated[str, Field(max_length=10)] = "en"
    name: Annotated[str, Field(max_length=200, description="Optional; kept apart, encrypted")] = ""
    contact: Annotated[str, Field(max_length=300, description="Optional; kept apart, encrypted")] = ""


class GrievanceReceiptOut(Schema):
    receipt: str = Field(description="Shown once: the only way back to the report. It is not stored anywhere.")
    acknowledge_due: date
    feedback_due: date


class GrievanceReceiptIn(Schema):
    receipt: Annotated[str, Field(max_length=40)]


class GrievanceReporterMessageIn(GrievanceReceiptIn):
    text: Text


class GrievanceThreadMessage(Schema):
    author: str
    sent_on: date
    text: str


class GrievanceThreadOut(Schema):
    status: str
    received_on: date
    messages: list[GrievanceThreadMessage]


@router.post(
    "/grievances/intake", auth=None, response={201: GrievanceReceiptOut, **_errors(400, 422, 429)}, url_name="grievance_intake"
)
def grievance_intake(request, payload: GrievanceIntakeIn, response: HttpResponse):
    """Submit a report. No token: anyone may report. No address, user agent or time of day is stored."""
    _private(response)
    if not privacy.intake_limit.hit(request):
        return _too_many()
    channel = Channel.objects.filter(key=payload.channel, active=True).first()
    if channel is None:
        return Status(400, {"detail": "No open channel has this key.", "errors": [{"field": "channel", "message": "unknown"}]})
    try:
        submitted = intake.submit_report(
            channel=channel,
            topic=payload.topic,
            subject=payload.subject,
            description=payload.description,
            country=payload.country.upper(),
            language=payload.language.lower(),
            name=payload.name,
            contact=payload.contact,
        )
    except ValidationError as exc:
        return _refused(exc)
    report = submitted.report
    return Status(
        201, {"receipt": submitted.receipt, "acknowledge_due": report.acknowledge_due, "feedback_due": report.feedback_due}
    )


def _thread(report: Report) -> dict:
    return {
        "status": report.status,
        "received_on": report.received_on,
        "messages": [{"author": m["author"], "sent_on": m["sent_on"], "text": m["text"]} for m in intake.public_thread(report)],
    }


@router.post(
    "/grievances/follow",
    auth=None,
    response={200: GrievanceThreadOut, **_errors(400, 404, 422, 429)},
    url_name="grievance_follow",
)
def grievance_follow(request, payload: GrievanceReceiptIn, response: HttpResponse):
    """The reporter's view of the case: status and the messages shared with them."""
    _private(response)
    if not privacy.receipt_limit.hit(request):
        return _too_many()
    report = intake.find_by_receipt(payload.receipt)
    if report is None:
        return Status(404, {"detail": "No report has this receipt.", "errors": []})
    return Status(200, _thread(report))


@router.post(
    "/grievances/follow/messages",
    auth=None,
    response={201: GrievanceThreadOut, **_errors(400, 404, 422, 429)},
    url_name="grievance_follow_message",
)
def grievance_follow_message(request, payload: GrievanceReporterMessageIn, response: HttpResponse):
    """The reporter adds a message."""
    _private(response)
    if not privacy.receipt_limit.hit(request):
        return _too_many()
    report = intake.find_by_receipt(payload.receipt)
    if report is None:
        return Status(404, {"detail": "No report has this receipt.", "errors": []})
    try:
        intake.add_reporter_message(report=report, text=payload.text)
    except ValidationError as exc:
        return _refused(exc)
    return Status(201, _thread(report))


class GrievanceCaseOut(Schema):
    id: int
    reference: str
    channel: str
    topic: str
    status: str
    sub_status: str
    closure_reason: str
    received_on: date
    acknowledge_due: date
    feedback_due: date
    acknowledged_on: date | None
    first_feedback_on: date | None
    closed_on: date | None
    supplier_id: int | None
    has_identity: bool


class GrievanceCaseDetailOut(GrievanceCaseOut):
    subject: str
    description: str


def _case(report: Report) -> dict:
    return {
        "id": report.pk,
        "reference": str(report),
        "channel": report.channel.key,
        "topic": report.topic,
        "status": report.status,
        "sub_status": report.sub_status,
        "closure_reason": report.closure_reason,
        "received_on": report.received_on,
        "acknowledge_due": report.acknowledge_due,
        "feedback_due": report.feedback_due,
        "acknowledged_on": report.acknowledged_on,
        "first_feedback_on": report.first_feedback_on,
        "closed_on": report.closed_on,
        "supplier_id": report.supplier_id,
        "has_identity": report.has_identity,
    }


@router.get("/grievances/reports", auth=needs(Cap.VIEW), response={200: list[GrievanceCaseOut], **_errors(401, 403, 404)})
def list_grievances(request):
    """The reports of the channels the caller handles (none for anyone else). No content, no identity."""
    return [_case(r) for r in access.reports_for_user(request.user).select_related("channel")[:500]]


@router.get(
    "/grievances/reports/{report_id}", auth=needs(Cap.VIEW), response={200: GrievanceCaseDetailOut, **_errors(401, 403, 404)}
)
def get_grievance(request, report_id: DbId):
    """One report with its text. The reporter's identity is never part of the API."""
    report = access.get_report_for_user(request.user, report_id)
    return {**_case(report), **read_content(report)}


class GrievanceReplyIn(Schema):
    text: Annotated[str, Field(min_length=1, max_length=20000)]
    visibility: field_choices(Message, "visibility") = Visibility.PUBLIC


@router.post(
    "/grievances/reports/{report_id}/messages",
    auth=needs(Cap.VIEW),
    response={201: GrievanceCaseOut, **_errors(400, 401, 403, 404, 409, 422)},
)
def reply_to_grievance(request, report_id: DbId, payload: GrievanceReplyIn):
    """A handler's message: public (the reporter reads it), internal, or a personal note."""
    report = access.get_report_for_user(request.user, report_id, write=True)
    try:
        cases.reply_to_report(actor=request.user, report=report, text=payload.text, visibility=payload.visibility)
    except RuleViolation:
        raise
    except ValidationError as exc:
        return _refused(exc)
    report.refresh_from_db()
    return Status(201, _case(report))


class GrievanceAcknowledgeIn(Schema):
    text: Annotated[str, Field(max_length=20000, description="Blank: the standard text in the reporter's language")] = ""


@router.post(
    "/grievances/reports/{report_id}/acknowledge",
    auth=needs(Cap.VIEW),
    response={200: GrievanceCaseOut, **_errors(400, 401, 403, 404, 409, 422)},
)
def acknowledge_grievance(request, report_id: DbId, payload: GrievanceAcknowledgeIn):
    """Acknowledge receipt (EU 2019/1937 art. 9(1)(b)); the message is shared with the reporter."""
    report = access.get_report_for_user(request.user, report_id, write=True)
    report = cases.acknowledge_report(actor=request.user, report=report, text=payload.text)
    return _case(report)


class GrievanceCloseIn(Schema):
    reason: field_choices(Report, "closure_reason")
    text: Annotated[str, Field(min_length=1, max_length=20000, description="The outcome, as the reporter will read it")]
    measure: Annotated[str, Field(max_length=30, description="A measure key, or empty")] = ""


@router.post(
    "/grievances/reports/{report_id}/close",
    auth=needs(Cap.VIEW),
    response={200: GrievanceCaseOut, **_errors(400, 401, 403, 404, 409, 422)},
)
def close_grievance(request, report_id: DbId, payload: GrievanceCloseIn):
    """Close with a reason and the measure taken; the outcome is posted to the reporter."""
    report = access.get_report_for_user(request.user, report_id, write=True)
    try:
        report = cases.close_report(
            actor=request.user, report=report, reason=payload.reason, measure=payload.measure, text=payload.text
        )
    except ValidationError as exc:
        return _refused(exc)
    return _case(report)
