"""A supplier's portal users: invited from the supplier page, they choose their own password through a link.

The link carries a token from `InvitationTokenGenerator`, Django's password-reset token with its own salt
and lifetime (`PolicySettings.portal_invitation_hours`). The token hashes the user's password and last
log-in, so it works once: setting the password ends every link sent before. Sending the invitation again
makes a new link and leaves earlier unused ones valid until they expire (the invitee may open any of them);
re-inviting a disabled user resets the password, which ends every earlier link.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, send
from supplyesg.core.models import PolicySettings, Role, User
from supplyesg.suppliers.models import Supplier


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's single-use password-reset token, salted for invitations and expiring after the policy's hours
    instead of settings.PASSWORD_RESET_TIMEOUT."""

    key_salt = "supplyesg.suppliers.portal_invitation"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        lifetime = PolicySettings.current().portal_invitation_hours * 3600
        return 0 <= self._num_seconds(self._now()) - ts <= lifetime


invitation_tokens = InvitationTokenGenerator()


class PortalUserStatus:
    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"
    LABELS = {INVITED: gettext_lazy("Invited"), ACTIVE: gettext_lazy("Active"), DISABLED: gettext_lazy("Disabled")}


def portal_user_status(user: User) -> str:
    if not user.is_active:
        return PortalUserStatus.DISABLED
    return PortalUserStatus.ACTIVE if user.has_usable_password() else PortalUserStatus.INVITED


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitations:accept", args=[uid, invitation_tokens.make_token(user)])


def _send_invitation(user: User, *, actor) -> None:
    supplier = user.supplier
    hours = PolicySettings.current().portal_invitation_hours
    inviter = (actor.get_full_name() or actor.username) if actor is not None else "SupplyESG"
    values = {"company": supplier.legal_name, "inviter": inviter, "hours": hours, "username": user.username}
    send(
        Letter(
            [user.email],
            lambda: (
                _("Your access to the SupplyESG supplier portal for %(company)s") % values,
                _(
                    "%(inviter)s invited you to the supplier portal for %(company)s, where you fill in questionnaires, "
                    "upload documents and sign agreements.\n\nYour user name is %(username)s. Choose your password "
                    "with the link below within %(hours)d hours; the link works once."
                )
                % values,
            ),
            path=invitation_path(user),
            supplier=supplier,
            digest=False,
        )
    )


def _clean_email(email: str, *, exclude_pk=None) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise RuleViolation(_("email: enter a valid e-mail address."))
    if len(email) > 150:  # the address is also the user name
        raise RuleViolation(_("email: an address longer than 150 characters cannot be a user name."))
    taken = User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)
    if taken.exclude(pk=exclude_pk).exists():
        raise RuleViolation(_("email: %(email)s already has a SupplyESG account.") % {"email": email})
    return email


@transaction.atomic
def invite_portal_user(
    supplier: Supplier, *, actor, email: str, first_name: str = "", last_name: str = "", language: str = ""
) -> User:
    """Create the supplier's portal user (no password yet) and e-mail a set-password link in their language."""
    if supplier.status in (Supplier.Status.EXITED, Supplier.Status.BLACKLISTED):
        raise RuleViolation(
            _("%(supplier)s is %(status)s: its people cannot be invited to the portal.")
            % {"supplier": supplier.legal_name, "status": supplier.get_status_display()}
        )
    email = _clean_email(email)
    user = User(
        username=email.lower(),
        email=email,
        first_name=(first_name or "").strip()[:150],
        last_name=(last_name or "").strip()[:150],
        language=language or "",
        role=Role.SUPPLIER,
        supplier=supplier,
    )
    user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        action="portal_user.invited",
        target=user,
        supplier=supplier,
        changes={"email": [None, email], "language": [None, user.language]},
    )
    _send_invitation(user, actor=actor)
    return user


@transaction.atomic
def reinvite_portal_user(user: User, *, actor) -> User:
    """Send a new link to an invited user; a disabled user is enabled again and must choose a new password."""
    user = User.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=user.pk)
    status = portal_user_status(user)
    if status == PortalUserStatus.ACTIVE:
        raise RuleViolation(
            _("%(email)s has already set a password; they can reset it from the log-in page.") % {"email": user.email}
        )
    if status == PortalUserStatus.DISABLED:
        user.is_active = True
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
    audit.record(actor=actor, action="portal_user.reinvited", target=user, supplier=user.supplier,
                 changes={"status": [status, PortalUserStatus.INVITED]})
    _send_invitation(user, actor=actor)
    return user


@transaction.atomic
def disable_portal_user(user: User, *, actor, reason: str = "") -> User:
    """The user can no longer log in; their history stays. Re-inviting enables them again."""
    user = User.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=user.pk)
    if not user.is_active:
        raise RuleViolation(_("%(email)s is already disabled.") % {"email": user.email})
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="portal_user.disabled", target=user, supplier=user.supplier, reason=reason,
                 changes={"is_active": [True, False]})
    return user


@transaction.atomic
def accept_invitation(user: User, *, token: str, password: str) -> User:
    """The invitee chooses a password (Django's password validators); the link stops working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not (user.is_active and user.role == Role.SUPPLIER and invitation_tokens.check_token(user, token)):
        raise RuleViolation(_("This invitation link is invalid, expired or already used. Ask for a new one."),
                            code="invalid_invitation")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RuleViolation([_("new_password1: %(problem)s") % {"problem": m} for m in exc.messages])
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="portal_user.activated", target=user, supplier=user.supplier,
                 changes={"status": [PortalUserStatus.INVITED, PortalUserStatus.ACTIVE]})
    return user
