"""The one place a supplier's status is written: the status, when it changed, and the audit row saying from what to
what and why. The services that decide a move (lifecycle, blacklist, suspensions) check their own rules first."""

from django.utils import timezone

from supplyesg.core import audit
from supplyesg.suppliers.models import Supplier


def write_status(
    supplier: Supplier, to: str, *, actor, action: str, reason: str = "", changes: dict | None = None, fields=()
) -> str:
    """Set the status, save it with `fields` (other attributes the caller changed), record `action`; returns
    the status it had. Call inside the caller's transaction, on a row it has locked where that matters."""
    old = supplier.status
    supplier.status = to
    supplier.status_changed_at = timezone.now()
    supplier.save(update_fields=["status", "status_changed_at", *fields, "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        target=supplier,
        supplier=supplier,
        reason=reason,
        changes={"status": [old, to], **(changes or {})},
    )
    return old
