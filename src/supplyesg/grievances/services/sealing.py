"""Reading and writing a report's ciphertexts with its data key (unwrapped per call, never kept)."""

from __future__ import annotations

import json

from supplyesg.grievances import crypto, keyring
from supplyesg.grievances.models import Attachment, Message, Report


def data_key(report: Report) -> bytes:
    return crypto.unwrap_key(bytes(report.wrapped_key or b""), keyring.key_encryption_key())


def seal_content(report: Report, key: bytes, *, subject: str, description: str) -> bytes:
    payload = json.dumps({"subject": subject, "description": description}, ensure_ascii=False)
    return crypto.encrypt_text(payload, key, f"report:{report.receipt_digest}")


def read_content(report: Report) -> dict:
    """{"subject", "description"}; an unreadable report (key destroyed) reads as empty."""
    try:
        raw = crypto.decrypt_text(bytes(report.content), data_key(report), f"report:{report.receipt_digest}")
    except crypto.DecryptionError:
        return {"subject": "", "description": ""}
    return json.loads(raw or "{}")


def message_context(report: Report, message_number: int) -> str:
    return f"message:{report.receipt_digest}:{message_number}"


def read_message(message: Message, key: bytes) -> str:
    return crypto.decrypt_text(bytes(message.body), key, message_context(message.report, message.pk))


def read_attachment(attachment: Attachment, key: bytes) -> tuple[str, bytes]:
    context = f"file:{attachment.report.receipt_digest}:{attachment.pk}"
    name = crypto.decrypt_text(bytes(attachment.name), key, context + ":name")
    return name, crypto.decrypt(bytes(attachment.blob), key, context)


def read_identity(report: Report) -> dict:
    identity = report.identity
    raw = crypto.decrypt_text(bytes(identity.sealed), data_key(report), f"identity:{report.receipt_digest}")
    return json.loads(raw or "{}")
