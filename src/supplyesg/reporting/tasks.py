"""Background work for reporting: taking a period's snapshot, with progress the period page polls."""

from django_tasks import task

from supplyesg.reporting.services import snapshot_jobs


@task()
def take_report_snapshot(job_id: int, period_id: int) -> None:
    """Idempotent: a finished job is left alone; a failed one wrote nothing and may run again."""
    snapshot_jobs.run_snapshot_job(job_id, period_id)
