"""The questionnaire JSON API: campaigns, responses with their answers and scores, and answering.

The same access helpers and services as the pages. Campaigns are internal; a supplier's portal user reads
its own responses and saves or submits answers for them. A supplier sees scores only when the policy says so.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from supplyesg.assessments import access as assessment_access
from supplyesg.assessments import questionnaires
from supplyesg.assessments.engine import visible_questions
from supplyesg.assessments.models import QuestionnaireCampaign, Response
from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import DbId, ErrorOut, Offset
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.models import PolicySettings
from supplyesg.core.paging import page

router = Router(tags=["assessments"])


class DraftErrorOut(ErrorOut):
    saved: list[str]


class QuestionnairePaging(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: Offset = 0


class QuestionnaireCampaignOut(Schema):
    id: int
    name: str
    template_code: str
    template_version: str
    due_date: date
    status: str
    scope: dict
    responses: int
    answered: int
    accepted: int
    overdue: int


class QuestionnaireCampaignPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[QuestionnaireCampaignOut]


class ResponseFilters(QuestionnairePaging):
    campaign_id: DbId | None = None
    status: str | None = None
    overdue: bool = False


class ResponseSummary(Schema):
    id: int
    campaign_id: int
    campaign_name: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    status: str
    due_date: date
    overdue: bool
    submitted_at: datetime | None
    overall_score: float | None


class ResponsePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ResponseSummary]


class AnswerOut(Schema):
    question: str
    section: str
    kind: str
    text: str
    text_zh: str
    required: bool
    shown: bool
    value: Any = None
    evidence_name: str
    needs_work: bool
    reviewer_comment: str


class ResponseOut(ResponseSummary):
    reviewed_at: datetime | None
    review_comment: str
    answers: list[AnswerOut]
    scores: dict | None


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(default_factory=dict)
    submit: bool = False


def _campaign_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "template_code": c.template.code,
        "template_version": c.template.version,
        "due_date": c.due_date,
        "status": c.status,
        "scope": c.scope or {},
        "responses": c.response_count,
        "answered": c.answered_count,
        "accepted": c.accepted_count,
        "overdue": c.overdue_count,
    }


def _shows_scores(user) -> bool:
    return bool(user.is_internal or PolicySettings.current().show_scores_to_suppliers)


def _summary(r: Response, user, today) -> dict:
    scores = r.scores or {}
    return {
        "id": r.pk,
        "campaign_id": r.campaign_id,
        "campaign_name": r.campaign.name,
        "supplier_id": r.supplier_id,
        "supplier_code": r.supplier.code,
        "supplier_name": r.supplier.legal_name,
        "status": r.status,
        "due_date": r.campaign.due_date,
        "overdue": assessment_access.is_overdue(r, today),
        "submitted_at": r.submitted_at,
        "overall_score": scores.get("overall") if _shows_scores(user) else None,
    }


def _response_out(r: Response, user) -> dict:
    questions = questionnaires.template_questions(r.campaign.template)
    shown = visible_questions([questionnaires.to_spec(q) for q in questions], questionnaires.answer_values(r))
    stored = {a.question_id: a for a in r.answers.all()}
    answers = []
    for q in questions:
        answer = stored.get(q.pk)
        answers.append(
            {
                "question": q.code,
                "section": q.section.code,
                "kind": q.kind,
                "text": q.text,
                "text_zh": q.text_zh,
                "required": q.required,
                "shown": q.code in shown,
                "value": answer.value if answer is not None else None,
                "evidence_name": answer.evidence_name if answer is not None else "",
                "needs_work": bool(answer is not None and answer.needs_work),
                "reviewer_comment": answer.reviewer_comment if answer is not None and answer.needs_work else "",
            }
        )
    return {
        **_summary(r, user, timezone.localdate()),
        "reviewed_at": r.reviewed_at,
        "review_comment": r.review_comment,
        "answers": answers,
        "scores": (r.scores or None) if _shows_scores(user) else None,
    }


@router.get(
    "/assessments/campaigns",
    response={200: QuestionnaireCampaignPage, **_errors(401, 403, 404, 422)},
    summary="List questionnaire campaigns",
    url_name="assessments_campaigns",
    auth=needs(Cap.VIEW),
)
def list_campaigns(request, paging: Query[QuestionnairePaging]):
    require_internal(request.user)
    qs = assessment_access.campaigns_with_counts().order_by("-created_at", "-pk")
    return page(qs, limit=paging.limit, offset=paging.offset, count=QuestionnaireCampaign.objects.count(), item=_campaign_out)


@router.get(
    "/assessments/responses",
    response={200: ResponsePage, **_errors(401, 422)},
    summary="Questionnaire responses: every one for staff, a supplier's own for its portal users",
    url_name="assessments_responses",
)
def list_responses(request, filters: Query[ResponseFilters]):
    qs = assessment_access.responses_visible_to(request.user).order_by("-campaign__created_at", "supplier__legal_name", "pk")
    if filters.campaign_id:
        qs = qs.filter(campaign_id=filters.campaign_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.overdue()
    today = timezone.localdate()
    return page(qs, limit=filters.limit, offset=filters.offset, item=lambda r: _summary(r, request.user, today))


@router.get(
    "/assessments/responses/{response_id}",
    response={200: ResponseOut, **_errors(401, 404)},
    summary="A response with its answers and scores",
    url_name="assessments_response",
)
def get_response(request, response_id: int):
    return _response_out(assessment_access.get_response_for_user(request.user, response_id), request.user)


@router.post(
    "/assessments/responses/{response_id}/answers",
    response={200: ResponseOut, 400: DraftErrorOut, **_errors(401, 403, 404, 409, 422)},
    summary="Save (and optionally submit) answers to your own questionnaire",
    url_name="assessments_answer",
    auth=needs(suppliers_only=True),
)
def save_answers(request, response_id: int, payload: AnswersIn):
    """`answers` maps question codes to values (null clears one). Every valid answer is saved; when some are
    not, the reply is 400 naming each question, and what was saved is listed in `saved`. With `submit` true
    and no bad answer, the questionnaire is submitted (409 naming each required question still unanswered).
    Evidence files are attached in the portal."""
    user = request.user
    if not user.is_supplier_user:
        require_internal(user)
        raise PermissionDenied
    response_obj = assessment_access.get_response_for_user(user, response_id, write=True)
    result = questionnaires.save_draft(response_obj, payload.answers, actor=user)
    if result.errors:
        return Status(
            400,
            {
                "detail": result.messages[0],
                "errors": [{"field": code, "message": message} for code, message in result.errors.items()],
                "saved": result.saved,
            },
        )
    if payload.submit:
        questionnaires.submit_response(response_obj, actor=user)
    response_obj = assessment_access.get_response_for_user(user, response_id)
    return _response_out(response_obj, user)
