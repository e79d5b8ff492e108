"""Background work of core: building a download too large for a request (core/exports.py)."""

from django_tasks import task

from supplyesg.core import exports


@task()
def build_export(job_id: int) -> None:
    """Idempotent: a finished job is left alone; a failed one wrote no file and may run again."""
    exports.run_export(job_id)
