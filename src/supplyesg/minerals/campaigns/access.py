"""The one way views and the API fetch CMRT/EMRT campaigns, requests and submissions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.minerals.models import Campaign, Submission, SubmissionRequest

R = SubmissionRequest.Status


def get_campaign_for_user(user, pk, *, write: bool = False) -> Campaign:
    """Campaigns are internal: 404 to anyone else, 403 to roles without Cap.REVIEW on writes."""
    require_internal(user)
    campaign = get_object_or_404(Campaign, pk=pk)
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return campaign


def requests_visible_to(user):
    """Every request for internal roles; a supplier user's own, once asked in an opened campaign."""
    qs = SubmissionRequest.objects.select_related("campaign", "supplier", "accepted_submission")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_internal:
        return qs
    if user.is_supplier_user and user.supplier_id:
        return (
            qs.filter(supplier_id=user.supplier_id)
            .exclude(status=R.NOT_REQUESTED)
            .exclude(campaign__status=Campaign.Status.DRAFT)
        )
    return qs.none()


def get_request_for_user(user, pk, *, write: bool = False) -> SubmissionRequest:
    """404 unless visible; internal writes need Cap.REVIEW (supplier users write only for their own)."""
    try:
        request_obj = requests_visible_to(user).get(pk=pk)
    except (SubmissionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and user.is_internal and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return request_obj


def submissions_visible_to(user):
    """The submissions of the requests `user` may see."""
    return Submission.objects.filter(request__in=requests_visible_to(user))


def get_submission_for_user(user, pk, *, write: bool = False) -> Submission:
    """The submission if this user may see it (and, with `write`, decide on it), else 404/403. For a decision the
    check result is left unread: it is most of a row's bytes, and the service reads the row again under its lock."""
    visible = submissions_visible_to(user).select_related("request__campaign", "request__supplier")
    if write:
        visible = visible.defer("result")
    try:
        submission = visible.get(pk=pk)
    except (Submission.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not (user.is_internal and can(user, Cap.REVIEW)):
        raise PermissionDenied if user.is_internal else Http404
    return submission
