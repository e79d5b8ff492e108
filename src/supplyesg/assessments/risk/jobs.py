"""Recomputing a year's risk of every supplier as a background job: one job per year at a time, the
overview page polls it, the `recompute_risk` command runs the same function in the foreground."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskLevel
from supplyesg.assessments.risk.queries import scope
from supplyesg.assessments.risk.services import assess_all, check_year
from supplyesg.core import audit
from supplyesg.core import jobs as job_queue
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import Job
from supplyesg.core.services import job_progress, start_job

JOB_KIND = "risk_recompute"
JOB_STALE_AFTER = timedelta(hours=6)


def overview_url(year: int) -> str:
    return f"{reverse('risk:overview')}?year={year}"


def new_recompute_job(year: int, *, actor=None) -> Job:
    """A job record for recomputing the year; refused while one for the same year is queued or running
    (a job left unfinished for JOB_STALE_AFTER, e.g. by a worker that died, no longer blocks)."""
    year = check_year(year)
    running = Job.objects.filter(
        kind=JOB_KIND,
        status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        result__year=year,
        created_at__gte=timezone.now() - JOB_STALE_AFTER,
    )
    if running.exists():
        raise RuleViolation(_("year: the risk of %(year)s is already being recomputed; wait for it to finish.") % {"year": year})
    job = start_job(kind=JOB_KIND, total=scope().count(), actor=actor)
    job.result = {"year": year, "next_url": overview_url(year)}
    job.save(update_fields=["result"])
    return job


@transaction.atomic
def start_recompute(year: int, *, actor) -> Job:
    """Queue the recomputation of every supplier's risk for the year; the overview page polls the job."""
    job = new_recompute_job(year, actor=actor)
    year = job.result["year"]
    audit.record(actor=actor, action="risk.recompute_started", target=job, changes={"year": [None, year]})
    job_queue.enqueue_on_commit(job, year)
    return job


def run_recompute_job(job_id: int, year: int, *, on_progress=None, batch_size: int = 1000) -> dict | None:
    """What the background task (and the command) runs. A finished job is left alone; a failed or interrupted
    one runs again from the start, which is safe."""
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.status == Job.Status.DONE:
        return None
    try:
        summary = assess_all(year, actor=job.created_by, job_id=job_id, on_progress=on_progress, batch_size=batch_size)
    except Exception as exc:
        job_progress(job_id, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    levels = summary["levels"]
    job_progress(
        job_id,
        status=Job.Status.DONE,
        message=_("%(count)s suppliers assessed for %(year)s: %(high)s high, %(medium)s medium, %(low)s low.")
        % {
            "count": summary["suppliers"],
            "year": year,
            "high": levels[RiskLevel.HIGH],
            "medium": levels[RiskLevel.MEDIUM],
            "low": levels[RiskLevel.LOW],
        },
        result={**(job.result or {}), **summary, "next_url": overview_url(year)},
    )
    audit.record(
        actor=job.created_by,
        action="risk.recomputed",
        target=job,
        changes={"year": [None, year], "suppliers": [None, summary["suppliers"]]},
    )
    return summary
