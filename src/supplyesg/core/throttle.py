"""Throttling repeated failed log-ins, by user name and by address, stored in the database so that
every web process sees the same count."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from supplyesg.core.models import LoginFailure


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def is_locked_out(username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username__iexact=username).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    # An address gets more room than a user name: several people may share an office gateway.
    return bool(ip) and recent.filter(ip=ip).count() >= settings.LOGIN_FAILURE_LIMIT * 4


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip)
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()
