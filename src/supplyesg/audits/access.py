"""The one way views and the API fetch audits and corrective actions: internal roles see all of them, a supplier
user only its own supplier's reported audits and their corrective actions; 404 to anyone else, 403 to roles
without the capability on writes."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.engagement.models import RequiredTraining


def audits_visible_to(user):
    """Every audit for internal roles; a supplier user sees its own audits once the report is issued."""
    if not (user and user.is_authenticated and user.is_active):
        return Audit.objects.none()
    if user.is_internal:
        return Audit.objects.all()
    if user.is_supplier_user and user.supplier_id:
        return Audit.objects.reported().filter(supplier_id=user.supplier_id)
    return Audit.objects.none()


def get_audit_for_user(user, pk, *, write: bool = False) -> Audit:
    qs = audits_visible_to(user).select_related("supplier", "lead_auditor", "site")
    try:
        audit = qs.get(pk=pk)
    except (Audit.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write:
        if not user.is_internal:
            raise Http404
        if not can(user, Cap.AUDIT):
            raise PermissionDenied
    return audit


def actions_visible_to(user):
    if not (user and user.is_authenticated and user.is_active):
        return CorrectiveAction.objects.none()
    if user.is_internal:
        return CorrectiveAction.objects.all()
    if user.is_supplier_user and user.supplier_id:
        return CorrectiveAction.objects.filter(
            audit__supplier_id=user.supplier_id,
            audit__status__in=[
                Audit.Status.REPORTED,
                Audit.Status.CLOSED,
            ],
        )
    return CorrectiveAction.objects.none()


def get_action_for_user(user, pk, *, write: bool = False) -> CorrectiveAction:
    """Internal writes (approve, reject, close) need Cap.AUDIT; a supplier user writes its own plans through the
    portal services, which check the status."""
    qs = actions_visible_to(user).select_related("finding", "audit", "audit__supplier", "finding__requirement")
    try:
        action = qs.get(pk=pk)
    except (CorrectiveAction.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and user.is_internal and not can(user, Cap.AUDIT):
        raise PermissionDenied
    return action


def get_training_for_user(user, pk, *, write: bool = False) -> RequiredTraining:
    if user and user.is_authenticated and user.is_active and user.is_supplier_user and user.supplier_id:
        qs = RequiredTraining.objects.filter(supplier_id=user.supplier_id)
    else:
        require_internal(user)
        qs = RequiredTraining.objects.all()
    try:
        training = qs.select_related("supplier", "audit").get(pk=pk)
    except (RequiredTraining.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and user.is_internal and not can(user, Cap.AUDIT):
        raise PermissionDenied
    return training
