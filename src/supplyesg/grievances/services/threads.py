"""Messages and files on a report: written by the reporter (with the receipt) or by a handler."""

from __future__ import annotations

from django.utils import timezone

from supplyesg.grievances import crypto, privacy
from supplyesg.grievances.models import Attachment, Message, Report, Visibility
from supplyesg.grievances.services.sealing import message_context


def add_message(
    report: Report, key: bytes, *, author_kind: str, text: str, visibility: str = Visibility.PUBLIC, author=None
) -> Message:
    """Messages are encrypted with their own row number in the authenticated context, so they are saved twice:
    once to get the number, once with the ciphertext (inside the caller's transaction)."""
    message = Message.objects.create(
        report=report, author_kind=author_kind, author=author, visibility=visibility, body=b"", sent_on=timezone.localdate()
    )
    message.body = crypto.encrypt_text(text, key, message_context(report, message.pk))
    message.save(update_fields=["body"])
    return message


def add_file(report: Report, key: bytes, upload, *, message: Message | None, visibility: str) -> Attachment:
    """The file's metadata stripped (privacy.clean_file), then encrypted whole. Raises privacy.FileRefused."""
    data = upload.read()
    content, content_type, cleaned = privacy.clean_file(upload.name, data)
    attachment = Attachment.objects.create(
        report=report,
        message=message,
        visibility=visibility,
        name=b"",
        content_type=content_type,
        size=len(content),
        blob=b"",
        metadata_removed=cleaned,
    )
    context = f"file:{report.receipt_digest}:{attachment.pk}"
    # Only the extension of the reporter's file name is kept: the name itself may name them ("Li Wei payslip.pdf").
    safe_name = f"file-{attachment.pk}{privacy.extension(upload.name)}"
    attachment.name = crypto.encrypt_text(safe_name, key, context + ":name")
    attachment.blob = crypto.encrypt(content, key, context)
    attachment.save(update_fields=["name", "blob"])
    return attachment
