"""Background work for assessments: recomputing every supplier's risk for a year, with progress for the UI."""

from django_tasks import task

from supplyesg.assessments.risk import jobs


@task()
def recompute_risk(job_id: int, year: int) -> None:
    """Idempotent: a finished job is left alone, and running again recomputes the year's assessments, which
    replaces the current ones without duplicating worklist items."""
    jobs.run_recompute_job(job_id, year)
