"""The one way views and the API fetch engagement objects. Staff pages: any internal role reads, Cap.REVIEW
changes (403 otherwise); supplier users reach only their own supplier's invitations and sessions it attended;
everyone else gets 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.engagement.models import Announcement, Attendance, Course, Invitation, Session, TrainingCampaign
from supplyesg.engagement.services.invitations import invitations_visible_to


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def _staff(user, write: bool) -> None:
    require_internal(user)
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied


def get_course_for_user(user, pk, *, write: bool = False) -> Course:
    _staff(user, write)
    return _get(Course.objects.prefetch_related("requirements", "materials"), pk)


def get_session_for_user(user, pk, *, write: bool = False) -> Session:
    _staff(user, write)
    return _get(Session.objects.select_related("course", "programme"), pk)


def get_campaign_for_user(user, pk, *, write: bool = False) -> TrainingCampaign:
    _staff(user, write)
    return _get(TrainingCampaign.objects.select_related("session__course"), pk)


def get_attendance_for_user(user, pk, *, write: bool = False) -> Attendance:
    _staff(user, write)
    return _get(Attendance.objects.select_related("course", "supplier", "session"), pk)


def get_announcement_for_user(user, pk) -> Announcement:
    """Internal roles and supplier users read announcements; nobody else."""
    if not (user and user.is_authenticated and user.is_active and (user.is_internal or user.supplier_id)):
        raise Http404
    return _get(Announcement.objects.all(), pk)


def get_invitation_for_user(user, pk, *, write: bool = False) -> Invitation:
    """A supplier user's own invitation (never of a draft campaign); answering it is the supplier's."""
    invitation = _get(invitations_visible_to(user).select_related("campaign__session__course", "supplier"), pk)
    if write and not user.is_supplier_user:
        raise Http404
    return invitation


def get_attended_session_for_user(user, pk) -> Session:
    """A session the supplier user's company attended: the survey is answered for it."""
    if not (user and user.is_authenticated and user.is_active and user.is_supplier_user and user.supplier_id):
        raise Http404
    attended = Attendance.objects.filter(supplier_id=user.supplier_id, status=Attendance.Status.ATTENDED)
    return _get(Session.objects.filter(pk__in=attended.values("session_id")).select_related("course"), pk)
