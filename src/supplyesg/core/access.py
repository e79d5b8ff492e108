"""Who may do what. Roles map to capabilities; views and the API ask through these helpers only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.models import INTERNAL_ROLES, Role


class Cap:
    VIEW = "view"  # read the internal registry and reports
    EDIT_SUPPLIERS = "edit_suppliers"  # create and edit suppliers, sites, contacts, documents, imports
    LIFECYCLE = "lifecycle"  # move suppliers through the lifecycle, record agreements
    REVIEW = "review"  # qualification verdicts, certifications, profile-change approvals
    BLACKLIST = "blacklist"  # put on and lift from the blacklist
    ADMINISTER = "administer"  # users, policy settings, reference data
    AUDIT = "audit"  # plan and conduct audits, record findings, approve or reject corrective-action plans
    RATE = "rate"  # enter and import business scores, compute quarterly ratings
    DECIDE_ORDERS = "decide_orders"  # confirm or override grade actions and termination recommendations


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            Cap.VIEW,
            Cap.EDIT_SUPPLIERS,
            Cap.LIFECYCLE,
            Cap.REVIEW,
            Cap.BLACKLIST,
            Cap.ADMINISTER,
            Cap.AUDIT,
            Cap.RATE,
            Cap.DECIDE_ORDERS,
        }
    ),
    Role.COMPLIANCE: frozenset({Cap.VIEW, Cap.EDIT_SUPPLIERS, Cap.LIFECYCLE, Cap.REVIEW, Cap.BLACKLIST, Cap.AUDIT, Cap.RATE}),
    Role.PROCUREMENT: frozenset({Cap.VIEW, Cap.EDIT_SUPPLIERS, Cap.LIFECYCLE, Cap.RATE, Cap.DECIDE_ORDERS}),
    Role.AUDITOR: frozenset({Cap.VIEW, Cap.REVIEW, Cap.AUDIT}),
    Role.VIEWER: frozenset({Cap.VIEW}),
    Role.SUPPLIER: frozenset(),
}


def can(user, capability: str) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require_internal(user, capability: str = Cap.VIEW) -> None:
    """Internal pages: supplier users and strangers get 404, read-only roles 403 on writes."""
    if not (user and user.is_authenticated and user.is_active and user.role in INTERNAL_ROLES):
        raise Http404
    if not can(user, capability):
        raise PermissionDenied


def require_supplier_user(user):
    """Portal pages: only an active supplier user bound to a supplier."""
    if not (user and user.is_authenticated and user.is_supplier_user and user.supplier_id):
        raise Http404
    return user.supplier_id
