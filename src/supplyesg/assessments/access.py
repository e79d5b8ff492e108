"""Reading questionnaire campaigns and responses, and the one way views and the API fetch them."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from supplyesg.assessments.models import Answer, QuestionnaireCampaign, Response
from supplyesg.core.access import Cap, can, require_internal

S = Response.Status
C = QuestionnaireCampaign.Status
ANSWERED = (S.SUBMITTED, S.RETURNED, S.ACCEPTED)


def campaigns_with_counts():
    return QuestionnaireCampaign.objects.select_related("template").annotate(
        response_count=Count("responses"),
        answered_count=Count("responses", filter=Q(responses__status__in=ANSWERED)),
        accepted_count=Count("responses", filter=Q(responses__status=S.ACCEPTED)),
        overdue_count=Count(
            "responses",
            filter=Q(responses__status__in=Response.OPEN_STATUSES, due_date__lt=timezone.localdate()),
        ),
    )


def campaign_progress(campaign: QuestionnaireCampaign, on: date | None = None) -> dict:
    """The engine's figures; "answered" is what the questionnaire pages call the responses."""
    from supplyesg.core.campaigns.progress import campaign_progress as progress
    from supplyesg.core.campaigns.registry import campaign_kind

    figures = progress(campaign_kind("questionnaires"), campaign, on)
    return {**figures, "answered": figures["responded"]}


def is_overdue(response: Response, on: date | None = None) -> bool:
    return response.status in Response.OPEN_STATUSES and response.campaign.due_date < (
        on or timezone.localdate()
    )


# ---------------------------------------------------------------- access


def get_campaign_for_user(user, pk, *, write: bool = False) -> QuestionnaireCampaign:
    """Campaigns are internal: 404 to anyone else, 403 to roles without Cap.REVIEW on writes."""
    require_internal(user)
    try:
        campaign = QuestionnaireCampaign.objects.select_related("template").get(pk=pk)
    except (QuestionnaireCampaign.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return campaign


def responses_visible_to(user):
    """Every response for internal roles; a supplier user's own, once its campaign is open or closed."""
    qs = Response.objects.select_related("campaign", "campaign__template", "supplier", "reviewed_by")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_internal:
        return qs
    if user.is_supplier_user and user.supplier_id:
        return qs.filter(supplier_id=user.supplier_id).exclude(campaign__status=C.DRAFT)
    return qs.none()


def get_response_for_user(user, pk, *, write: bool = False) -> Response:
    """404 unless visible; internal writes (review, offline entry) need Cap.REVIEW."""
    try:
        response = responses_visible_to(user).get(pk=pk)
    except (Response.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and user.is_internal and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return response


def get_evidence_for_user(user, response_pk, answer_pk) -> Answer:
    """An answer with an evidence file, of a response the user may see; 404 otherwise."""
    response = get_response_for_user(user, response_pk)
    try:
        answer = response.answers.select_related("question").get(pk=answer_pk)
    except (Answer.DoesNotExist, ValueError, TypeError):
        raise Http404
    if not answer.evidence or not answer.evidence.name:
        raise Http404
    return answer
