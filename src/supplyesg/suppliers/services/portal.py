"""Profile changes proposed by supplier users, applied once approved internally."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import PolicySettings
from supplyesg.suppliers.models import ProfileChangeRequest, Supplier
from supplyesg.suppliers.models.registry import PROFILE_FIELDS


@transaction.atomic
def request_profile_change(supplier: Supplier, *, actor, changes: dict) -> ProfileChangeRequest | None:
    """Store the proposal, or apply it at once when the policy does not ask for approval."""
    from supplyesg.suppliers.services.registry import update_supplier

    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise RuleViolation(_("These fields cannot be changed in the portal: %s") % ", ".join(sorted(unknown)))
    changes = {k: v for k, v in changes.items() if getattr(supplier, k) != v}
    if not changes:
        raise RuleViolation(_("Nothing was changed."))
    # Validate now, so the reviewer never sees a proposal that cannot be applied.
    probe = Supplier.objects.get(pk=supplier.pk)
    for name, value in changes.items():
        setattr(probe, name, value)
    probe.full_clean(validate_unique=False)
    if not PolicySettings.current().profile_changes_need_approval:
        update_supplier(supplier, actor=actor, reason=_("Changed in the supplier portal"), **changes)
        return None
    if ProfileChangeRequest.objects.filter(supplier=supplier, status=ProfileChangeRequest.Status.PENDING).exists():
        raise RuleViolation(_("A profile change is already waiting for review."))
    request = ProfileChangeRequest.objects.create(supplier=supplier, changes=changes, submitted_by=actor)
    audit.record(
        actor=actor,
        action="profile_change.requested",
        target=request,
        supplier=supplier,
        changes={k: [getattr(supplier, k), v] for k, v in changes.items()},
    )
    return request


@transaction.atomic
def review_profile_change(request: ProfileChangeRequest, *, actor, approve: bool, comment: str = "") -> ProfileChangeRequest:
    from supplyesg.suppliers.services.registry import update_supplier

    request = ProfileChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ProfileChangeRequest.Status.PENDING:
        raise RuleViolation(_("This request was already reviewed."))
    if not approve and not comment.strip():
        raise RuleViolation(_("comment: say why the change is rejected."))
    request.status = ProfileChangeRequest.Status.APPROVED if approve else ProfileChangeRequest.Status.REJECTED
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.review_comment = comment
    request.save()
    if approve:
        update_supplier(
            request.supplier, actor=actor, reason=_("Approved portal change request #%s") % request.pk, **request.changes
        )
    audit.record(
        actor=actor,
        action="profile_change.reviewed",
        target=request,
        supplier=request.supplier,
        reason=comment,
        changes={"status": [ProfileChangeRequest.Status.PENDING, request.status]},
    )
    return request
