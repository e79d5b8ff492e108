"""The one way views and the API fetch a sanctions hit: internal roles only; suppliers never see screening."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.suppliers.sanctions.models import SanctionsHit


def get_hit_for_user(user, pk, *, write: bool = False) -> SanctionsHit:
    """404 to anyone outside the company, 403 on writes to roles that may not decide the blacklist."""
    require_internal(user)
    try:
        hit = SanctionsHit.objects.select_related("sanctions_list", "supplier", "entry", "decided_by").get(pk=pk)
    except (SanctionsHit.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not can(user, Cap.BLACKLIST):
        raise PermissionDenied
    return hit
