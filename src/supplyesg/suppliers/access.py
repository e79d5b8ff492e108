"""The one way views and the API fetch a supplier: scoped to the user, 404 to outsiders, 403 to read-only roles."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can
from supplyesg.suppliers.models import Supplier


def get_supplier_for_user(user, pk, write: bool = False, capability: str = Cap.EDIT_SUPPLIERS, queryset=None) -> Supplier:
    """Internal roles see every supplier, a supplier user only their own; anyone else gets 404.

    With write=True an internal user also needs `capability` (403 otherwise). Supplier users write only
    through the portal services, which check they act for their own supplier.
    """
    qs = (queryset if queryset is not None else Supplier.objects.all()).visible_to(user)
    try:
        supplier = qs.get(pk=pk)
    except (Supplier.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and user.is_internal and not can(user, capability):
        raise PermissionDenied
    return supplier


def get_own_supplier(user) -> Supplier:
    """The supplier a portal user acts for."""
    if not (user and user.is_authenticated and user.is_supplier_user and user.supplier_id):
        raise Http404
    return Supplier.objects.get(pk=user.supplier_id)
