"""The reporter's side: submitting a report and following it with the receipt.

No audit-trail row is written here: an audit row carries the exact moment and would date the report to the second.
Nothing here reads the request; the views hand over only what the reporter typed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from supplyesg.audits.rules import add_months
from supplyesg.core.models import PolicySettings
from supplyesg.grievances import crypto, keyring, privacy
from supplyesg.grievances.models import Channel, Message, Report, ReporterIdentity, RulesOfProcedure, Topic, Visibility
from supplyesg.grievances.services.sealing import data_key, seal_content
from supplyesg.grievances.services.threads import add_file, add_message

MAX_FILES = 5


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt: str  # shown once to the reporter, then forgotten


def digest_of(receipt: str) -> str:
    return crypto.receipt_digest(receipt, keyring.receipt_salt(), **keyring.argon2_cost())


def find_by_receipt(raw: str) -> Report | None:
    """The report of this receipt, or None. One Argon2id computation per try; the views rate-limit tries."""
    receipt = crypto.normalise_receipt(raw)
    if not receipt:
        return None
    digest = digest_of(receipt)
    report = Report.objects.select_related("channel").filter(receipt_digest=digest).first()
    if report is None or not crypto.digests_match(report.receipt_digest, digest):
        return None
    return report


def due_dates(received_on: date, policy: PolicySettings) -> tuple[date, date]:
    """EU 2019/1937 art. 9(1)(f): feedback within three months of the acknowledgement or, without one, of the end of
    the seven days."""
    acknowledge_due = received_on + timedelta(days=policy.grievance_acknowledge_days)
    return acknowledge_due, add_months(acknowledge_due, policy.grievance_feedback_months)


def acknowledgement_text(language: str) -> str:
    with translation.override(language if translation.check_for_language(language) else "en"):
        return _(
            "Thank you. We have received your report and will look into it. A person designated to handle reports, "
            "bound to confidentiality, will answer here. Please come back with your receipt number within the next days; "
            "you may add information or files at any time. Nobody may be disadvantaged for reporting in good faith."
        )


def _validate(channel: Channel, topic: str, description: str, files) -> None:
    errors = {}
    if not channel.active:
        errors["channel"] = _("This channel does not take reports at the moment.")
    if topic not in Topic.values:
        errors["topic"] = _("Choose a topic.")
    if not (description or "").strip():
        errors["description"] = _("Describe what happened.")
    elif len(description) > 20000:
        errors["description"] = _("Please keep the report under 20,000 characters; add more as a message afterwards.")
    if len(files) > MAX_FILES:
        errors["files"] = _("At most %(n)d files at once.") % {"n": MAX_FILES}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_report(
    *,
    channel: Channel,
    topic: str,
    subject: str,
    description: str,
    country: str = "",
    language: str = "en",
    name: str = "",
    contact: str = "",
    files=(),
) -> Submitted:
    """A new report: encrypted under a fresh data key, its receipt stored only as a digest. Raises ValidationError
    naming the field; a refused file refuses the whole report (nothing is written)."""
    files = list(files)
    _validate(channel, topic, description, files)
    policy = PolicySettings.current()
    received_on = timezone.localdate()
    acknowledge_due, feedback_due = due_dates(received_on, policy)
    receipt = crypto.new_receipt()
    digest = digest_of(receipt)
    while Report.objects.filter(receipt_digest=digest).exists():  # 1 in 10^16; never reuse a receipt
        receipt = crypto.new_receipt()
        digest = digest_of(receipt)
    key = crypto.new_data_key()
    rules = RulesOfProcedure.objects.current(channel, language)
    report = Report(
        channel=channel,
        topic=topic,
        country=country or "",
        language=language[:10],
        receipt_digest=digest,
        wrapped_key=crypto.wrap_key(key, keyring.key_encryption_key()),
        has_identity=bool(name.strip() or contact.strip()),
        received_on=received_on,
        acknowledge_due=acknowledge_due,
        feedback_due=feedback_due,
        rules_version=rules.version if rules else None,
    )
    report.content = seal_content(report, key, subject=subject.strip()[:200], description=description.strip())
    report.save()
    if report.has_identity:
        sealed = json.dumps({"name": name.strip()[:200], "contact": contact.strip()[:300]}, ensure_ascii=False)
        ReporterIdentity.objects.create(
            report=report, sealed=crypto.encrypt_text(sealed, key, f"identity:{report.receipt_digest}")
        )
    for upload in files:
        try:
            add_file(report, key, upload, message=None, visibility=Visibility.PUBLIC)
        except privacy.FileRefused:
            raise ValidationError(
                {"files": _("%(name)s: this kind of file is not accepted, or it is damaged.") % {"name": upload.name}}
            )
    if channel.auto_acknowledge:
        add_message(report, key, author_kind=Message.Author.SYSTEM, text=acknowledgement_text(language))
        report.status = Report.Status.ACKNOWLEDGED
        report.acknowledged_on = received_on
        report.feedback_due = add_months(received_on, policy.grievance_feedback_months)
        report.save(update_fields=["status", "acknowledged_on", "feedback_due"])
    return Submitted(report, receipt)


@transaction.atomic
def add_reporter_message(*, report: Report, text: str, files=()) -> Message:
    files = list(files)
    errors = {}
    if not (text or "").strip() and not files:
        errors["text"] = _("Write a message or add a file.")
    if len(text or "") > 20000:
        errors["text"] = _("Please keep a message under 20,000 characters.")
    if len(files) > MAX_FILES:
        errors["files"] = _("At most %(n)d files at once.") % {"n": MAX_FILES}
    if report.is_closed:
        errors["text"] = _("This case is closed. Please send a new report if something else happened.")
    if errors:
        raise ValidationError(errors)
    key = data_key(report)
    message = add_message(report, key, author_kind=Message.Author.REPORTER, text=(text or "").strip())
    for upload in files:
        try:
            add_file(report, key, upload, message=message, visibility=Visibility.PUBLIC)
        except privacy.FileRefused:
            raise ValidationError(
                {"files": _("%(name)s: this kind of file is not accepted, or it is damaged.") % {"name": upload.name}}
            )
    if report.sub_status == Report.SubStatus.AWAITING_REPORTER:
        report.sub_status = Report.SubStatus.NONE
        report.save(update_fields=["sub_status"])
    return message


def public_thread(report: Report) -> list[dict]:
    """What the reporter sees: public messages and files, in order; nothing about links, handlers or notes."""
    from supplyesg.grievances.services.sealing import read_attachment, read_message

    key = data_key(report)
    files_by_message: dict[int | None, list] = {}
    for attachment in report.attachments.filter(visibility=Visibility.PUBLIC).select_related("report"):
        name, _content = read_attachment(attachment, key)
        files_by_message.setdefault(attachment.message_id, []).append({"name": name, "size": attachment.size})
    thread = []
    for message in report.messages.filter(visibility=Visibility.PUBLIC).select_related("report"):
        thread.append(
            {
                "author": message.author_kind,
                "author_label": str(Message.Author(message.author_kind).label),
                "sent_on": message.sent_on,
                "text": read_message(message, key),
                "files": files_by_message.get(message.pk, []),
            }
        )
    return thread
