"""Taking a snapshot as a background job: the period page queues it and polls the job's progress (one step per
line item computed, one per figure read back and hashed); the `take_report_snapshot` command and the tests call
`snapshots.take_snapshot` directly. Checking a snapshot's hash again, and publishing it (which checks it under the
snapshot's lock), are jobs too: both read every frozen row, about 20 s at 100,000 suppliers."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import jobs as job_queue
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import Job
from supplyesg.core.services import job_progress, start_job
from supplyesg.reporting.models import ReportingPeriod, Snapshot
from supplyesg.reporting.services import snapshots

JOB_KIND = "report_snapshot"
CHECK_JOB_KIND = "report_snapshot_check"
JOB_STALE_AFTER = timedelta(hours=6)


def _running(kind: str, **about) -> Job | None:
    """The newest queued or running job of `kind` about the object (`result__period_id=…`), if recent."""
    recent = Job.objects.unfinished().filter(kind=kind, created_at__gte=timezone.now() - JOB_STALE_AFTER, **about)
    return recent.order_by("-created_at").first()


def _latest(kind: str, **about) -> Job | None:
    return Job.objects.filter(kind=kind, **about).order_by("-created_at", "-pk").first()


def running_job(period: ReportingPeriod) -> Job | None:
    return _running(JOB_KIND, result__period_id=period.pk)


def latest_job(period: ReportingPeriod) -> Job | None:
    return _latest(JOB_KIND, result__period_id=period.pk)


@transaction.atomic
def start_snapshot(*, actor, period: ReportingPeriod, filters: dict | None = None, note: str = "") -> Job:
    """Queue taking a snapshot of the period; refused while one for the same period is queued or running."""
    catalogue = snapshots.require_catalogue()
    if running_job(period) is not None:
        raise RuleViolation(_("A snapshot of %(year)s is being taken; wait for it to finish.") % {"year": period.year})
    filters = snapshots.clean_filters(filters)
    job = start_job(kind=JOB_KIND, total=2 * catalogue.items.count(), actor=actor)
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


def running_check(snapshot: Snapshot) -> Job | None:
    return _running(CHECK_JOB_KIND, result__snapshot_id=snapshot.pk)


def latest_check(snapshot: Snapshot) -> Job | None:
    return _latest(CHECK_JOB_KIND, result__snapshot_id=snapshot.pk)


@transaction.atomic
def start_check(*, actor, snapshot: Snapshot, publish: bool = False) -> Job:
    """Queue hashing the snapshot's stored figures again; with `publish`, publishing it once they match. Refused
    while a check of the same snapshot is queued or running, and (to publish) when it is published already."""
    if running_check(snapshot) is not None:
        raise RuleViolation(_("This snapshot's hash is being checked; wait for it to finish."))
    if publish and snapshot.status == Snapshot.Status.PUBLISHED:
        raise RuleViolation(_("This snapshot is published already."))
    job = start_job(kind=CHECK_JOB_KIND, total=snapshot.figures.count(), actor=actor)
    job.result = {"snapshot_id": snapshot.pk, "publish": publish}
    job.save(update_fields=["result"])
    job_queue.enqueue_on_commit(job, snapshot.pk)
    return job


def run_check_job(job_id: int, snapshot_id: int) -> bool | None:
    """What the background task runs: check (and publish, when asked) the snapshot. A finished job is left alone."""
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.status == Job.Status.DONE:
        return None
    snapshot = Snapshot.objects.select_related("period").get(pk=snapshot_id)
    job_progress(job_id, status=Job.Status.RUNNING, done=0)
    progress = lambda done: job_progress(job_id, done=done)  # noqa: E731
    next_url = reverse("reporting:snapshot", kwargs={"snapshot_pk": snapshot.pk})
    try:
        if job.result.get("publish"):
            snapshots.publish_snapshot(actor=job.created_by, snapshot=snapshot, on_progress=progress)
            matches, message = True, _("The figures match their hash; the snapshot is published.")
        else:
            matches = snapshots.check_snapshot(actor=job.created_by, snapshot=snapshot, on_progress=progress)
            message = _("The figures match their hash.") if matches else _("The figures no longer match their hash.")
    except ValidationError as exc:
        job_progress(
            job_id, status=Job.Status.FAILED, message=" ".join(exc.messages), result={**job.result, "next_url": next_url}
        )
        return False
    except Exception as exc:
        job_progress(job_id, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    status = Job.Status.DONE if matches else Job.Status.FAILED
    job_progress(job_id, status=status, message=message, result={**job.result, "matches": matches, "next_url": next_url})
    return matches
