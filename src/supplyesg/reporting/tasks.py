"""Background work for reporting: taking a period's snapshot, and computing the dashboard's stored figures, with
progress the pages poll."""

from django_tasks import task

from supplyesg.reporting.services import dashboard, snapshot_jobs


@task()
def take_report_snapshot(job_id: int, period_id: int) -> None:
    """Idempotent: a finished job is left alone; a failed one wrote nothing and may run again."""
    snapshot_jobs.run_snapshot_job(job_id, period_id)


@task()
def refresh_reporting_dashboard(job_id: int) -> None:
    """Compute the stored dashboard figures the job names. Idempotent: a finished job is left alone; computing a
    result again only stores the same figures (or newer ones)."""
    dashboard.run_refresh_job(job_id)


@task()
def check_report_snapshot(job_id: int, snapshot_id: int) -> None:
    """Hash a snapshot's stored figures again (and publish it when the job asks). Idempotent: a finished job is left
    alone; checking again only records a newer outcome."""
    snapshot_jobs.run_check_job(job_id, snapshot_id)
