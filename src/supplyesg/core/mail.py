"""Every e-mail SupplyESG sends goes through `send()` (or `send_on_commit()` for several).

A `Letter` says to whom and what, but its text is written by `compose()`, called once per language among its
recipients, under that language: an e-mail reads in the recipient's language, not the sender's. The language is
the recipient user's own setting, else (a supplier's user or contact) the default of the supplier's country,
else English. Each letter carries a link to its page, made absolute with `settings.SITE_URL`.

Recipients who chose the daily digest (`User.mail_digest`) get the letter queued (`QueuedMail`) in the same
transaction, and `send_digests()` (the `send_digests` command, daily) sends them one e-mail listing everything.
Letters that must arrive at once (an invitation's set-password link) say `digest=False`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

ENGLISH = "en"
CHINESE = "zh-hans"
# Where Simplified Chinese is the better default for a supplier's people than English. Taiwan, Hong Kong and
# Macau write Traditional Chinese, which the product does not ship: Simplified reads better there than English.
CHINESE_COUNTRIES = frozenset({"CN", "TW", "HK", "MO", "SG"})


@dataclass
class Letter:
    to: list[str]
    compose: Callable[[], tuple[str, str]]  # -> (subject, body); called under each recipient's language
    path: str | Callable[[], str] = ""  # the page the mail is about, site-relative ("/portal/...")
    supplier: object = None  # the supplier the mail is about: its contacts' language comes from its country
    digest: bool = True  # False: always sent at once, never held for a daily digest
    reply_to: list[str] = field(default_factory=list)


def site_url(path: str = "") -> str:
    """An absolute link for e-mails: SITE_URL (e.g. https://esg.example.com) followed by the path."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if path else base


def country_language(country: str | None) -> str:
    return CHINESE if (country or "").upper() in CHINESE_COUNTRIES else ENGLISH


def language_for(user=None, *, supplier=None) -> str:
    """The language to write to this user (or to a contact of `supplier` without an account) in."""
    valid = {code for code, _name in settings.LANGUAGES}
    if user is not None and user.language in valid:
        return user.language
    if user is not None and user.supplier_id is None:
        return settings.LANGUAGE_CODE
    home = user.supplier if user is not None else supplier
    return country_language(getattr(home, "country", None))


def supplier_recipients(supplier) -> list[str]:
    """The supplier's contacts and active portal users with an e-mail address (prefetch both for lists)."""
    emails = [c.email for c in supplier.contacts.all() if c.email]
    emails += [u.email for u in supplier.portal_users.all() if u.is_active and u.email]
    return sorted(set(emails))


def internal_recipients(*roles: str) -> list[str]:
    """E-mail addresses of active internal users with one of these roles (escalations, decisions to take)."""
    from supplyesg.core.models import User

    return sorted(set(User.objects.filter(is_active=True, role__in=roles).exclude(email="").values_list("email", flat=True)))


def _users_by_email(addresses) -> dict[str, object]:
    from supplyesg.core.models import User

    found = {}
    users = User.objects.filter(email__in=addresses, is_active=True).select_related("supplier").order_by("pk")
    for user in users:
        found.setdefault(user.email.lower(), user)
    return found


def _render(letter: Letter, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject, body = letter.compose()
        path = letter.path() if callable(letter.path) else letter.path
        url = site_url(path) if path else ""
        if url:
            link = _("Open it in SupplyESG: %(url)s") % {"url": url}
            body = f"{body}\n\n{link}"
        return str(subject), str(body), url


def prepare(letters) -> list[EmailMessage]:
    """The e-mails to send now for these letters; digest recipients' parts are queued as `QueuedMail` rows
    (in the caller's transaction). One e-mail per letter and language."""
    from supplyesg.core.models import MailDigest, QueuedMail

    letters = [letter for letter in letters if letter is not None and letter.to]
    users = _users_by_email({a.lower() for letter in letters for a in letter.to} | {a for letter in letters for a in letter.to})
    messages, queued = [], []
    for letter in letters:
        by_language: dict[str, list[str]] = defaultdict(list)
        digest_users: dict[str, list] = defaultdict(list)
        for address in sorted(set(letter.to)):
            user = users.get(address.lower())
            language = language_for(user, supplier=letter.supplier)
            if letter.digest and user is not None and user.mail_digest == MailDigest.DAILY:
                digest_users[language].append(user)
            else:
                by_language[language].append(address)
        for language in sorted(set(by_language) | set(digest_users)):
            subject, body, url = _render(letter, language)
            if by_language.get(language):
                messages.append(
                    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, by_language[language], reply_to=letter.reply_to)
                )
            queued += [QueuedMail(recipient=u, subject=subject[:300], body=body, url=url[:500]) for u in digest_users[language]]
    if queued:
        QueuedMail.objects.bulk_create(queued)
    return messages


def send_on_commit(letters: list) -> None:
    """Write these letters now (each in its recipients' languages) and send them once the current transaction
    commits; None entries are skipped. A rolled-back transaction sends nothing and queues nothing."""
    messages = prepare(letters)
    if messages:
        transaction.on_commit(lambda: get_connection(fail_silently=True).send_messages(messages))


def send(letter: Letter) -> None:
    send_on_commit([letter])


def send_now(letters: list) -> int:
    """For daily commands outside any transaction of their own: send at once. Returns how many e-mails went."""
    messages = prepare(letters)
    return get_connection(fail_silently=True).send_messages(messages) or 0 if messages else 0


# ---------------------------------------------------------------- daily digest


def _digest_message(user, items) -> EmailMessage:
    with translation.override(language_for(user)):
        subject = _("SupplyESG: %(count)d updates") % {"count": len(items)} if len(items) != 1 else items[0].subject
        parts = [_("Here is what happened since your last digest:")]
        for item in items:
            parts.append(f"— {item.subject}\n{item.body}")
        parts.append(_("You receive one digest a day; change this in your account settings: %(url)s")
                      % {"url": site_url("/account/")})
        return EmailMessage(str(subject), "\n\n".join(parts), settings.DEFAULT_FROM_EMAIL, [user.email])


def send_digests(*, now=None) -> int:
    """One e-mail per user listing their queued mails, each mail sent once even when two runs overlap (the rows
    are claimed by an update before sending). Returns how many digests were sent."""
    from supplyesg.core.models import QueuedMail, User

    now = now or timezone.now()
    sent = 0
    user_ids = QueuedMail.objects.unsent().filter(created_at__lte=now).values_list("recipient_id", flat=True).distinct()
    for user in User.objects.filter(pk__in=list(user_ids)).select_related("supplier"):
        with transaction.atomic():
            pending = list(
                QueuedMail.objects.select_for_update().unsent().filter(recipient=user, created_at__lte=now)
            )
            claimed = QueuedMail.objects.filter(pk__in=[q.pk for q in pending], sent_at__isnull=True).update(sent_at=now)
            if not claimed:
                continue
            if user.is_active and user.email:
                message = _digest_message(user, pending)
                transaction.on_commit(lambda m=message: get_connection(fail_silently=True).send_messages([m]))
                sent += 1
    return sent
