"""Background work for suppliers: applying a large checked import, with progress the UI polls."""

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from supplyesg.core.models import Job, User
from supplyesg.core.services import job_progress
from supplyesg.suppliers import importing


@task()
def apply_supplier_import(job_id: int, staged_path: str, filename: str, actor_id: int, confirm_duplicates: bool) -> None:
    """Write a checked import in one transaction. Idempotent: the staged file is consumed by the first run,
    so a repeated run finds nothing to do and writes nothing."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        return
    path = Path(staged_path)
    try:
        data = path.read_bytes()
    except OSError:
        job_progress(
            job_id, status=Job.Status.FAILED, message=_("The checked file is no longer available; please upload it again.")
        )
        return
    job_progress(job_id, status=Job.Status.RUNNING, message=_("Checking and writing %(file)s…") % {"file": filename})
    try:
        result = importing.apply_import(
            data, filename, actor=User.objects.get(pk=actor_id), confirm_duplicates=confirm_duplicates
        )
    finally:
        path.unlink(missing_ok=True)
    if result.applied:
        job_progress(
            job_id,
            done=job.total,
            status=Job.Status.DONE,
            message=_("Import finished: %(created)d created, %(updated)d updated, %(skipped)d unchanged.")
            % {"created": result.created, "updated": result.updated, "skipped": result.skipped},
            result={"next_url": reverse("suppliers:list"), "created": result.created, "updated": result.updated},
        )
    else:
        errors = result.errors
        job_progress(
            job_id,
            status=Job.Status.FAILED,
            message=_("Nothing was imported.") + " " + " ".join(errors[:20]) + (" …" if len(errors) > 20 else ""),
            result={"errors": errors[:500]},
        )
