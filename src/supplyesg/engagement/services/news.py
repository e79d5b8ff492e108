"""Announcements and newsletters (eNews) to supplier contacts; the portal marks them read when opened."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, send
from supplyesg.engagement.models import Announcement, AnnouncementRead
from supplyesg.engagement.services.programme import require_organiser
from supplyesg.suppliers.models import Supplier


@transaction.atomic
def publish_announcement(*, actor, title: str, body: str) -> Announcement:
    """Published at once to every approved supplier's contacts and portal users, by e-mail and in the portal."""
    require_organiser(actor)
    title = " ".join((title or "").split())
    body = (body or "").strip()
    problems = []
    if not title or len(title) > 200:
        problems.append(_("title: give a title (at most 200 characters)."))
    if not body or len(body) > 20000:
        problems.append(_("body: write the text (at most 20,000 characters)."))
    if problems:
        raise RuleViolation(problems)
    announcement = Announcement.objects.create(title=title, body=body, created_by=actor)
    trail.record(actor=actor, action="announcement.published", target=announcement, changes={"title": [None, title]})
    path = reverse("engagement_portal:announcement", args=[announcement.pk])
    emails = set()
    for supplier in Supplier.objects.approved().prefetch_related("contacts", "portal_users"):
        addresses = sorted(
            {c.email for c in supplier.contacts.all() if c.email}
            | {u.email for u in supplier.portal_users.all() if u.is_active and u.email}
        )
        addresses = [a for a in addresses if a not in emails]
        emails.update(addresses)
        if addresses:
            send(Letter(addresses, lambda: (title, body), path=path, supplier=supplier))
    return announcement


def mark_read(announcement: Announcement, *, user) -> bool:
    """The portal user has opened it; True the first time."""
    if not (user.is_supplier_user and user.supplier_id):
        return False
    _read, created = AnnouncementRead.objects.get_or_create(
        announcement=announcement, user=user, defaults={"supplier_id": user.supplier_id}
    )
    return created


def unread_for(user):
    return Announcement.objects.exclude(reads__user=user).order_by("-published_at")
