"""The one way views and the API fetch a termination case or a suspension: internal users only (404 to
anyone else), decisions need Cap.DECIDE_ORDERS (403 otherwise)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.suppliers.terminations.models import Suspension, TerminationCase


def terminations_with_related():
    return TerminationCase.objects.select_related("supplier", "recommended_by", "decided_by", "lifted_by")


def get_termination_for_user(user, pk, *, write: bool = False) -> TerminationCase:
    """Internal only: 404 to supplier users and strangers; decisions need Cap.DECIDE_ORDERS (403 otherwise)."""
    require_internal(user)
    try:
        case = terminations_with_related().get(pk=pk)
    except (TerminationCase.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not can(user, Cap.DECIDE_ORDERS):
        raise PermissionDenied
    return case


def get_suspension_for_user(user, pk, *, write: bool = False) -> Suspension:
    """Internal only: 404 to supplier users and strangers; lifting or terminating needs Cap.DECIDE_ORDERS."""
    require_internal(user)
    try:
        suspension = Suspension.objects.select_related("supplier", "started_by", "ended_by").get(pk=pk)
    except (Suspension.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not can(user, Cap.DECIDE_ORDERS):
        raise PermissionDenied
    return suspension
