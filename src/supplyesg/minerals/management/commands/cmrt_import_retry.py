"""`supplyesg cmrt_import_retry [JOB_ID]`: find bulk imports whose worker died, and queue one again.

Without JOB_ID: marks failed the imports without progress for JOB_STALE_MINUTES and lists the failed ones.
With JOB_ID: queues that failed import again (files it already recorded are not imported twice).
Exit status: 0 on success, 2 on bad usage (unknown job, not failed, archive gone).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from supplyesg.core.models import Job
from supplyesg.core.services import fail_stale_jobs
from supplyesg.minerals import bulk


class Command(BaseCommand):
    help = "Mark bulk CMRT imports whose worker died as failed, and queue a failed one again."

    def add_arguments(self, parser):
        parser.add_argument("job", nargs="?", type=int, metavar="JOB_ID", help="a failed import to queue again")

    def handle(self, *args, job: int | None = None, **options):
        for pk in fail_stale_jobs(kind=bulk.JOB_KIND):
            self.stdout.write(f"job {pk}: the worker stopped without finishing; marked failed")
        if job is None:
            for failed in Job.objects.filter(kind=bulk.JOB_KIND, status=Job.Status.FAILED)[:50]:
                self.stdout.write(f"job {failed.pk} failed: {failed.message}")
            return
        target = Job.objects.filter(pk=job, kind=bulk.JOB_KIND).first()
        if target is None:
            raise CommandError(f"no bulk import job {job}", returncode=2)
        try:
            bulk.retry_bulk_import(target, actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2)
        self.stdout.write(f"job {job}: queued again")
