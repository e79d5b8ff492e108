"""The installation's grievance secrets, from settings: the key-encryption key and the receipt salt.

SUPPLYESG_GRIEVANCE_KEY (base64 of 32 bytes) wraps every report's data key; SUPPLYESG_GRIEVANCE_RECEIPT_SALT (base64,
16+ bytes) salts the receipt digests. Without them (development and tests) both are derived from SECRET_KEY, and a
system check (checks.py) refuses that in production: a SECRET_KEY is rotated, a grievance key must not be.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived(label: str) -> bytes:
    return hashlib.sha256(f"supplyesg-grievances:{label}:{settings.SECRET_KEY}".encode()).digest()


def _decode(name: str, minimum: int) -> bytes | None:
    raw = getattr(settings, name, "") or ""
    if not raw:
        return None
    try:
        value = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(
            f'{name} must be base64 (e.g. python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())").'
        )
    if len(value) < minimum:
        raise ImproperlyConfigured(f"{name} must decode to at least {minimum} bytes.")
    return value


def key_encryption_key() -> bytes:
    value = _decode("SUPPLYESG_GRIEVANCE_KEY", 32)
    return value[:32] if value else _derived("kek")


def receipt_salt() -> bytes:
    return _decode("SUPPLYESG_GRIEVANCE_RECEIPT_SALT", 16) or _derived("receipt-salt")[:16]


def uses_derived_keys() -> bool:
    return not (getattr(settings, "SUPPLYESG_GRIEVANCE_KEY", "") and getattr(settings, "SUPPLYESG_GRIEVANCE_RECEIPT_SALT", ""))


def argon2_cost() -> dict:
    return {
        "memory_kib": int(getattr(settings, "GRIEVANCE_ARGON2_MEMORY_KIB", 64 * 1024)),
        "iterations": int(getattr(settings, "GRIEVANCE_ARGON2_ITERATIONS", 3)),
    }
