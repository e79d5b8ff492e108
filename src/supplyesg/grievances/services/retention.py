"""Deleting reports past their retention: the wrapped data key is destroyed first (the ciphertexts in any older backup
become unreadable with it), then every row of the report; a content-free line goes to the deletion log."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from supplyesg.core import audit
from supplyesg.grievances.models import DeletionLog, Report


@transaction.atomic
def delete_report(*, actor, report: Report, why: str) -> DeletionLog:
    report = Report.objects.select_for_update().get(pk=report.pk)
    entry = DeletionLog.objects.create(
        reference=str(report),
        channel_key=report.channel.key,
        received_on=report.received_on,
        closed_on=report.closed_on,
        closure_reason=report.closure_reason,
        deleted_on=timezone.localdate(),
        why=why,
    )
    # Overwrite the ciphertexts and the key before deleting the rows (on PostgreSQL the old tuples linger until VACUUM).
    report.attachments.update(blob=b"", name=b"")
    report.messages.update(body=b"")
    Report.objects.filter(pk=report.pk).update(wrapped_key=b"", content=b"")
    audit.record(actor=actor, action="grievance.deleted", target=entry, reason=why)
    report.delete()
    return entry


def purge_reports(*, actor=None, on: date | None = None) -> int:
    """Every closed report past its delete-after date; one transaction per report. Returns how many."""
    today = on or timezone.localdate()
    count = 0
    for report in Report.objects.past_retention(today).select_related("channel"):
        delete_report(actor=actor, report=report, why="retention")
        count += 1
    return count
