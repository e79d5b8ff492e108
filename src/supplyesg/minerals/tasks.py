"""Background work for minerals: bulk CMRT/EMRT imports (django-tasks; ids in, progress in a core Job)."""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from supplyesg.core.models import Job
from supplyesg.core.services import job_progress
from supplyesg.minerals import aggregation, bulk
from supplyesg.minerals.models import Campaign


def _is_our_upload(path: Path) -> bool:
    """Only a zip the bulk page stored is removed afterwards; a path given on the command line never is."""
    root = (Path(settings.MEDIA_ROOT) / bulk.HOLD_DIR).resolve()
    return path.resolve().is_relative_to(root)


@task()
def import_bulk(job_id: int, campaign_id: int, path: str) -> None:
    """Import the files at `path` into the campaign. Idempotent: a finished job is left alone, and a
    retried one skips the files it already recorded."""
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.status == Job.Status.DONE:
        return
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    source = Path(path)
    if campaign is None or not source.exists():
        job_progress(
            job_id, status=Job.Status.FAILED, message=_("The campaign or the uploaded file no longer exists.")
        )
        return
    try:
        bulk.import_files(campaign, source, job=job, actor=job.created_by)
    except Exception as exc:
        job_progress(job_id, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    if source.is_file() and _is_our_upload(source):
        source.unlink(missing_ok=True)


@task()
def refresh_minerals_dashboard(year: int, template: str) -> None:
    """Recompute the stored dashboard figures of one year and template (0 and "": all of them). Idempotent; a
    snapshot already refreshed by an earlier run of the queue is simply computed again."""
    aggregation.refresh_dashboard(year or None, template or None)
