"""Taking a snapshot as a background job: the period page queues it and polls the job's progress (one step per
line item); the `take_report_snapshot` command and the tests call `snapshots.take_snapshot` directly."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import jobs as job_queue
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import Job
from supplyesg.core.services import job_progress, start_job
from supplyesg.reporting.models import ReportingPeriod
from supplyesg.reporting.services import snapshots

JOB_KIND = "report_snapshot"
JOB_STALE_AFTER = timedelta(hours=6)


def running_job(period: ReportingPeriod) -> Job | None:
    return (
        Job.objects.filter(
            kind=JOB_KIND,
            status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
            result__period_id=period.pk,
            created_at__gte=timezone.now() - JOB_STALE_AFTER,
        )
        .order_by("-created_at")
        .first()
    )


def latest_job(period: ReportingPeriod) -> Job | None:
    return Job.objects.filter(kind=JOB_KIND, result__period_id=period.pk).order_by("-created_at", "-pk").first()


@transaction.atomic
def start_snapshot(*, actor, period: ReportingPeriod, filters: dict | None = None, note: str = "") -> Job:
    """Queue taking a snapshot of the period; refused while one for the same period is queued or running."""
    catalogue = snapshots.require_catalogue()
    if running_job(period) is not None:
        raise RuleViolation(_("A snapshot of %(year)s is being taken; wait for it to finish.") % {"year": period.year})
    filters = snapshots.clean_filters(filters)
    job = start_job(kind=JOB_KIND, total=catalogue.items.count(), actor=actor)
    job.result = {"period_id": period.pk, "filters": filters, "note": note}
    job.save(update_fields=["result"])
    job_queue.enqueue_on_commit(job, period.pk)
    return job


def run_snapshot_job(job_id: int, period_id: int) -> int | None:
    """What the background task runs. A finished job is left alone (so a retried task takes no second snapshot);
    a failed one may run again: nothing was written, the snapshot is frozen in one transaction at the end."""
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.status == Job.Status.DONE:
        return None
    period = ReportingPeriod.objects.get(pk=period_id)
    job_progress(job_id, status=Job.Status.RUNNING, done=0)
    try:
        snapshot = snapshots.take_snapshot(
            actor=job.created_by,
            period=period,
            filters=job.result.get("filters"),
            note=job.result.get("note", ""),
            on_progress=lambda done, total: job_progress(job_id, done=done, total=total),
        )
    except Exception as exc:
        job_progress(job_id, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    job_progress(
        job_id,
        status=Job.Status.DONE,
        message=_("Snapshot #%(number)s of %(year)s taken.") % {"number": snapshot.number, "year": period.year},
        result={
            **job.result,
            "snapshot_id": snapshot.pk,
            "next_url": reverse("reporting:snapshot", kwargs={"snapshot_pk": snapshot.pk}),
        },
    )
    return snapshot.pk
