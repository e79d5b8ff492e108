"""The one way views and the API fetch lots and origin documents: internal roles see all of them, a supplier user
only its own supplier's lots (the ones it holds); 404 to anyone else, 403 on writes to roles without the capability."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can
from supplyesg.traceability.models import Lot, OriginDocument, TraceEvent


def lots_visible_to(user):
    if not (user and user.is_authenticated and user.is_active):
        return Lot.objects.none()
    if user.is_internal:
        return Lot.objects.all()
    if user.is_supplier_user and user.supplier_id:
        return Lot.objects.filter(supplier_id=user.supplier_id)
    return Lot.objects.none()


def get_lot_for_user(user, pk) -> Lot:
    try:
        return lots_visible_to(user).with_places().get(pk=pk)
    except (Lot.DoesNotExist, ValueError, TypeError):
        raise Http404


def get_origin_document_for_user(user, pk, *, write: bool = False) -> OriginDocument:
    documents = OriginDocument.objects.none()
    if user and user.is_authenticated and user.is_active:
        if user.is_internal:
            documents = OriginDocument.objects.all()
        elif user.is_supplier_user and user.supplier_id and not write:
            documents = OriginDocument.objects.filter(supplier_id=user.supplier_id)
    try:
        document = documents.select_related("supplier", "lot", "reviewer").get(pk=pk)
    except (OriginDocument.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return document


def get_event_for_user(user, pk, *, write: bool = False) -> TraceEvent:
    """Events are internal records here (portal users see their own through their lots); writes need Cap.REVIEW."""
    if not (user and user.is_authenticated and user.is_internal):
        raise Http404
    try:
        event = TraceEvent.objects.select_related("supplier").get(pk=pk)
    except (TraceEvent.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return event
