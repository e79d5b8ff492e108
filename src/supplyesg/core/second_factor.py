"""Second-factor log-in with django-otp: authenticator apps (TOTP), passkeys (django-otp-webauthn) and
one-time recovery codes. Adding and removing a factor, and new recovery codes, are audited services."""

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from supplyesg.core import audit

RECOVERY_CODE_COUNT = 10
# Set at log-in when the session still owes a second factor ("verify") or an enrolment ("enrol"), so that
# every later request decides from the session alone, without a query.
SESSION_STEP = "second_factor_step"


def factors(user) -> list:
    """The user's confirmed authenticator apps and passkeys (recovery codes are a fallback, not a factor)."""
    return [*TOTPDevice.objects.filter(user=user, confirmed=True), *WebAuthnCredential.objects.filter(user=user, confirmed=True)]


def has_second_factor(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def step_after_password(user) -> str | None:
    if has_second_factor(user):
        return "verify"
    if user.second_factor_required:
        return "enrol"
    return None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def qr_svg(text: str) -> str:
    """The QR code as inline SVG, drawn here: the secret never leaves the server."""
    return qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(encoding="unicode")


def pending_totp(user) -> TOTPDevice:
    """The authenticator app being set up: unconfirmed until the user types a code from it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str, *, actor) -> list[str] | None:
    """Confirm the app with a code from it. Returns new recovery codes when the user had none, [] when
    they already had some, None when the code is wrong."""
    if not device.verify_token((token or "").strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=actor, action="second_factor.added", target=device.user, changes={"factor": [None, "totp"]})
    return [] if recovery_codes_left(device.user) else generate_recovery_codes(device.user, actor=actor)


@transaction.atomic
def record_passkey_added(credential: WebAuthnCredential, *, actor) -> list[str]:
    """Audit a passkey registered through django-otp-webauthn; returns first recovery codes if there were none."""
    audit.record(
        actor=actor, action="second_factor.added", target=credential.user, changes={"factor": [None, "passkey"]}
    )
    return [] if recovery_codes_left(credential.user) else generate_recovery_codes(credential.user, actor=actor)


@transaction.atomic
def generate_recovery_codes(user, *, actor) -> list[str]:
    """Replace the user's recovery codes; each works once. Shown once, stored as given by django-otp."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit.record(actor=actor, action="second_factor.recovery_codes", target=user, changes={"codes": [None, len(codes)]})
    return codes


@transaction.atomic
def remove_factor(device, *, actor) -> None:
    user = device.user
    kind = "passkey" if isinstance(device, WebAuthnCredential) else "totp"
    device.delete()
    if not has_second_factor(user):
        StaticDevice.objects.filter(user=user).delete()
    audit.record(actor=actor, action="second_factor.removed", target=user, changes={"factor": [kind, None]})


@transaction.atomic
def reset_second_factor(user, *, actor) -> int:
    """An administrator's help for a user who lost phone, passkey and recovery codes: every factor goes;
    the user logs in with the password and (if the policy requires it) enrols again."""
    removed = len(factors(user))
    for model in (TOTPDevice, WebAuthnCredential, StaticDevice):
        model.objects.filter(user=user).delete()
    audit.record(actor=actor, action="second_factor.reset", target=user, changes={"factors": [removed, 0]})
    return removed


def verify_code(request, code: str) -> bool:
    """Check an app code or a recovery code for the signed-in user and mark the session verified.
    django-otp slows down repeated wrong codes per device."""
    code = (code or "").strip().replace(" ", "")
    device = django_otp.match_token(request.user, code) if code else None
    if device is None:
        return False
    django_otp.login(request, device)
    if isinstance(device, StaticDevice):
        audit.record(actor=request.user, action="second_factor.recovery_code_used", target=request.user)
    return True
