"""Throttling failed log-ins (by user name and by client address) and password-reset e-mails (by address and by
client address). Counts live in the database so that every web process sees the same numbers."""

import ipaddress
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from supplyesg.core.models import LoginFailure, PasswordResetRequest


def normalise_username(raw: str) -> str:
    """The name the log-in form actually looks up: Django's UsernameField applies NFKC and strips
    white space; we fold case too, so " Auditor", "auditor\\u00a0" and full-width "ａｕｄｉｔｏｒ" share one count."""
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()[:150]


def normalise_email(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()[:254]


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, each appends the address it saw to the
    forwarded-for header, so the client is the entry that many places from the right; entries further
    left were written by the client and are not trusted. A request with a shorter chain did not pass
    through the proxies and is taken at its socket address."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    meta_key = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    chain = [part.strip() for part in request.META.get(meta_key, "").split(",") if part.strip()]
    if len(chain) < count:
        return remote
    return _valid_ip(chain[-count]) or remote


def _since(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def is_locked_out(username: str, ip: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_since(settings.LOGIN_LOCKOUT_MINUTES))
    if recent.filter(username=normalise_username(username)).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    # An address gets more room than a user name: several people may share an office gateway.
    return bool(ip) and recent.filter(ip=ip).count() >= settings.LOGIN_FAILURE_LIMIT * 4


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=normalise_username(username), ip=ip)
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username=normalise_username(username)).delete()


def reset_is_throttled(email: str, ip: str | None) -> bool:
    """True when this address, or this client, asked for enough reset e-mails in the window. It counts
    requests whether or not the address belongs to an account, so the answer reveals nothing."""
    recent = PasswordResetRequest.objects.filter(at__gte=_since(settings.PASSWORD_RESET_WINDOW_MINUTES))
    if recent.filter(email=normalise_email(email)).count() >= settings.PASSWORD_RESET_LIMIT:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= settings.PASSWORD_RESET_CLIENT_LIMIT


def record_reset_request(email: str, ip: str | None) -> None:
    PasswordResetRequest.objects.create(email=normalise_email(email), ip=ip)
    PasswordResetRequest.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
