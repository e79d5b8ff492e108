"""Background work for ratings: computing a quarter for every supplier with a business score, with progress."""

from django_tasks import task

from supplyesg.ratings import services


@task()
def compute_ratings(job_id: int, year: int, quarter: int) -> None:
    """Idempotent: a finished job is left alone, and running again recomputes the quarter in place."""
    services.run_compute_job(job_id, year, quarter)
