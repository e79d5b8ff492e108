"""Who sees grievance reports: only the people an administrator designated as handlers of the report's channel.
A role alone (administrator, compliance, viewer, auditor, procurement) shows nothing; supplier users never.
Read-only roles designated as handlers may read, never change (403)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.models import Role
from supplyesg.grievances.models import Designation, DisclosureRequest, Report

WRITE_ROLES = {Role.ADMIN, Role.COMPLIANCE, Role.PROCUREMENT, Role.AUDITOR}


def _internal(user) -> bool:
    return bool(user and user.is_authenticated and user.is_internal)


def is_handler(user, channel_id: int | None = None) -> bool:
    if not _internal(user):
        return False
    designations = Designation.objects.filter(user=user, kind=Designation.Kind.HANDLER)
    return designations.filter(channel_id=channel_id).exists() if channel_id else designations.exists()


def is_custodian(user) -> bool:
    return _internal(user) and Designation.objects.filter(user=user, kind=Designation.Kind.CUSTODIAN).exists()


def may_write(user) -> bool:
    return user.role in WRITE_ROLES


def require_handler(user) -> None:
    """Grievance pages: 404 to anyone not designated a handler (the pages' existence is not secret, their content is)."""
    require_internal(user)
    if not is_handler(user):
        raise Http404


def require_custodian(user, write: bool = False) -> None:
    require_internal(user)
    if not is_custodian(user):
        raise Http404
    if write and not may_write(user):
        raise PermissionDenied


def require_review_reader(user) -> None:
    """The effectiveness review holds aggregates only: reviewers (Cap.REVIEW) and handlers."""
    require_internal(user)
    if not (can(user, Cap.REVIEW) or is_handler(user)):
        raise PermissionDenied


def reports_for_user(user):
    if not _internal(user):
        return Report.objects.none()
    return Report.objects.for_handler(user).distinct()


def get_report_for_user(user, pk, write: bool = False) -> Report:
    require_internal(user)
    report = reports_for_user(user).select_related("channel", "supplier", "site", "smelter").filter(pk=pk).first()
    if report is None:
        raise Http404
    if write and not may_write(user):
        raise PermissionDenied
    return report


def get_disclosure_for_custodian(user, pk, write: bool = False) -> DisclosureRequest:
    require_custodian(user, write=write)
    request = DisclosureRequest.objects.select_related("report", "requested_by").filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def identity_approved_for(user, report: Report) -> bool:
    """A handler sees the identity only with a custodian's approval of their own request."""
    return report.disclosure_requests.filter(requested_by=user, status=DisclosureRequest.Status.APPROVED).exists()
