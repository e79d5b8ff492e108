"""Screening the whole registry in the background after a list is loaded (django-tasks; progress in a Job)."""

from django.utils.translation import gettext as _
from django_tasks import task

from supplyesg.core.models import Job
from supplyesg.core.services import job_progress
from supplyesg.suppliers.sanctions.services import screen_subjects

JOB_KIND = "sanctions_screening"


@task()
def screen_all(job_id: int) -> None:
    """Screen every supplier, site and smelter. Idempotent: a hit is stored once, so a rerun adds nothing."""
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.status == Job.Status.DONE:
        return
    job_progress(job_id, status=Job.Status.RUNNING, message=_("Screening names against the sanctions lists…"))
    try:
        result = screen_subjects(actor=job.created_by)
    except Exception as exc:
        job_progress(job_id, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    job_progress(
        job_id,
        status=Job.Status.DONE,
        done=result.screened,
        total=result.screened,
        message=_("%(screened)d names screened, %(hits)d new hits to review.")
        % {"screened": result.screened, "hits": len(result.new_hits)},
        result={"screened": result.screened, "new_hits": len(result.new_hits)},
    )
