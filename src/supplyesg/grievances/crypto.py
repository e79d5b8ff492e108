"""Receipts and encryption at rest for grievance reports. Plain Python (no Django): the keys come in as arguments.

- A receipt is 16 random decimal digits (like a phone number, easy to hide). Only its Argon2id digest, computed with a
  per-installation salt, is stored: the same receipt always gives the same digest, so a report is found by it, but the
  digest reveals nothing without the memory-hard work per guess, and a database alone does not give the salt.
- Envelope encryption: every report has its own random 256-bit data key (AES-256-GCM); the data key is stored only
  wrapped (AES-GCM) by the key-encryption key from the environment. Deleting the wrapped key makes every ciphertext of
  the report unreadable (crypto-shredding), also in backups taken before.
"""

from __future__ import annotations

import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

RECEIPT_DIGITS = 16
NONCE_BYTES = 12
KEY_BYTES = 32
# Argon2id cost per receipt check: 64 MiB and 3 passes (RFC 9106's second recommended option is 64 MiB, 3 passes).
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_ITERATIONS = 3
ARGON2_LANES = 1


class DecryptionError(Exception):
    """A ciphertext was altered, or the key to read it is gone (the report was deleted)."""


def new_receipt() -> str:
    """16 random digits, the first never 0 (so it keeps its length when written as a number)."""
    first = str(secrets.randbelow(9) + 1)
    return first + "".join(str(secrets.randbelow(10)) for _ in range(RECEIPT_DIGITS - 1))


def normalise_receipt(raw: str) -> str:
    """What a person typed: spaces, dashes and full-width digits are forgiven; anything else gives ""."""
    digits = "".join(ch for ch in (raw or "") if not ch.isspace() and ch not in "-‐–—")
    digits = digits.translate({0xFF10 + i: ord("0") + i for i in range(10)})
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return ""
    return digits


def format_receipt(receipt: str) -> str:
    """In groups of four, as shown to the reporter: 1234 5678 9012 3456."""
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def receipt_digest(receipt: str, salt: bytes, *, memory_kib: int = ARGON2_MEMORY_KIB, iterations: int = ARGON2_ITERATIONS) -> str:
    """Argon2id of the receipt with the installation's salt, hex. Deterministic, so it can be looked up."""
    kdf = Argon2id(salt=salt, length=32, iterations=iterations, lanes=ARGON2_LANES, memory_cost=memory_kib)
    return kdf.derive(receipt.encode("ascii")).hex()


def digests_match(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_key(data_key: bytes, kek: bytes) -> bytes:
    """The data key encrypted under the key-encryption key (nonce + ciphertext + tag)."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, b"grievance-data-key")


def unwrap_key(wrapped: bytes, kek: bytes) -> bytes:
    if not wrapped:
        raise DecryptionError("the report's key was destroyed")
    try:
        return AESGCM(kek).decrypt(bytes(wrapped[:NONCE_BYTES]), bytes(wrapped[NONCE_BYTES:]), b"grievance-data-key")
    except InvalidTag as exc:
        raise DecryptionError("the key-encryption key does not open this report's key") from exc


def encrypt(data: bytes, data_key: bytes, context: str) -> bytes:
    """AES-256-GCM; `context` (e.g. "message:12") is authenticated, so a ciphertext cannot be moved to another row."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, data, context.encode())


def decrypt(blob: bytes, data_key: bytes, context: str) -> bytes:
    try:
        return AESGCM(data_key).decrypt(bytes(blob[:NONCE_BYTES]), bytes(blob[NONCE_BYTES:]), context.encode())
    except InvalidTag as exc:
        raise DecryptionError("the ciphertext was altered or belongs elsewhere") from exc


def encrypt_text(text: str, data_key: bytes, context: str) -> bytes:
    return encrypt(text.encode("utf-8"), data_key, context)


def decrypt_text(blob: bytes, data_key: bytes, context: str) -> str:
    return decrypt(blob, data_key, context).decode("utf-8") if blob else ""
