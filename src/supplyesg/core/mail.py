"""Who hears from us about a supplier, and sending only once the transaction has committed."""

from django.core.mail import get_connection
from django.db import transaction


def supplier_recipients(supplier) -> list[str]:
    """The supplier's contacts and active portal users with an e-mail address (prefetch both for lists)."""
    emails = [c.email for c in supplier.contacts.all() if c.email]
    emails += [u.email for u in supplier.portal_users.all() if u.is_active and u.email]
    return sorted(set(emails))


def send_on_commit(messages: list) -> None:
    """Queue e-mails to go out after the current transaction commits; None entries are skipped."""
    messages = [m for m in messages if m is not None]
    if messages:
        transaction.on_commit(lambda: get_connection(fail_silently=True).send_messages(messages))


def internal_recipients(*roles: str) -> list[str]:
    """E-mail addresses of active internal users with one of these roles (escalations, decisions to take)."""
    from supplyesg.core.models import User

    return sorted(set(User.objects.filter(is_active=True, role__in=roles).exclude(email="").values_list("email", flat=True)))
