from django_tasks import task

from supplyesg.grievances.services.retention import purge_reports


@task()
def purge_grievances_task() -> int:
    """Idempotent: deletes whatever is past retention today (run daily by the worker's scheduler or cron)."""
    return purge_reports()
