"""The one way views and the API fetch ratings: internal roles see all of them, a supplier user only its own
supplier's; 404 to anyone else, 403 on a decision to roles without Cap.DECIDE_ORDERS."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can
from supplyesg.ratings.models import Rating


def ratings_visible_to(user):
    if not (user and user.is_authenticated and user.is_active):
        return Rating.objects.none()
    if user.is_internal:
        return Rating.objects.all()
    if user.is_supplier_user and user.supplier_id:
        return Rating.objects.filter(supplier_id=user.supplier_id)
    return Rating.objects.none()


def get_rating_for_user(user, pk, *, write: bool = False) -> Rating:
    try:
        rating = ratings_visible_to(user).select_related("supplier", "decided_by").get(pk=pk)
    except (Rating.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write:
        if not user.is_internal:
            raise Http404
        if not can(user, Cap.DECIDE_ORDERS):
            raise PermissionDenied
    return rating
