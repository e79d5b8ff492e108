"""Downloads too large to build inside a request, prepared by the worker as a job with progress.

At 100,000 suppliers the supplier export took 21 s, the quarterly business review 48 s and the annual-report
workbook of a snapshot 275 s (bench/every_page.py), each holding a web process (and the user, in front of a page
that did not answer) for that long. A download over `IN_REQUEST_ROWS` rows is queued instead: the page that asked
for it redirects to the job's page, which shows the progress and, once built, the file. Smaller downloads are still
built in the request, as before.

Each app registers a builder per export name from its `AppConfig.ready` (core sits below the apps):
`register(name, build)`, where `build(params, *, on_progress)` returns an `Output` (the bytes or a file object,
the file name, the content type) and calls `on_progress(done, total)` as it goes. `params` are the JSON the view
stored when it queued the export: the view has already checked that the user may read what they describe, and
the file is only ever served to that user (`file_for`).

Prepared files live in the default storage under `exports/<job>/` and are removed after `KEEP_DAYS` (a product
default) when the next export is queued, so the storage does not grow with every download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supplyesg.core import jobs as job_queue
from supplyesg.core.models import Job
from supplyesg.core.services import job_progress, start_job

JOB_KIND = "export"
IN_REQUEST_ROWS = 5000  # product default: larger downloads are prepared by the worker
KEEP_DAYS = 7  # product default: how long a prepared file stays downloadable


@dataclass(frozen=True)
class Output:
    data: bytes | IO[bytes]
    filename: str
    content_type: str


_builders: dict[str, Callable[..., Output]] = {}


def register(name: str, build: Callable[..., Output]) -> None:
    _builders[name] = build


def builder(name: str) -> Callable[..., Output]:
    try:
        return _builders[name]
    except KeyError:
        raise ValueError(f"No export is registered under {name!r} (see core/exports.py).") from None


@transaction.atomic
def start_export(*, actor, name: str, params: dict, label: str, total: int = 0) -> Job:
    """Queue building the download `name` with `params` for `actor`; `label` says what it is on the job's page."""
    builder(name)  # an unknown name fails here, before anything is queued
    purge_expired()
    job = start_job(kind=JOB_KIND, total=total, actor=actor)
    job.result = {"export": name, "params": params, "label": label, "language": get_language() or settings.LANGUAGE_CODE}
    job.save(update_fields=["result"])
    job_queue.enqueue_on_commit(job)
    return job


def run_export(job_id: int) -> bool:
    """What the background task runs. A finished job is left alone; a failed one may run again (the file is written
    once the build has succeeded, under a path of the job's own)."""
    job = Job.objects.filter(pk=job_id, kind=JOB_KIND).first()
    if job is None or job.status == Job.Status.DONE:
        return False
    with translation.override(job.result.get("language") or settings.LANGUAGE_CODE):  # the file and its messages
        return _build(job)


def _build(job: Job) -> bool:
    job_progress(job.pk, status=Job.Status.RUNNING, done=0)
    try:
        output = builder(job.result["export"])(
            job.result.get("params") or {}, on_progress=lambda done, total: job_progress(job.pk, done=done, total=total)
        )
        path = _save(job, output)
    except Exception as exc:
        job_progress(job.pk, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    size = default_storage.size(path)
    job_progress(
        job.pk,
        status=Job.Status.DONE,
        message=_("%(name)s is ready (%(size)s KB).") % {"name": output.filename, "size": f"{(size + 1023) // 1024:,}"},
        result={
            **job.result,
            "file": path,
            "filename": output.filename,
            "content_type": output.content_type,
            "size": size,
            "next_url": reverse("core:export_file", kwargs={"pk": job.pk}),
            "next_label": _("Download %(name)s") % {"name": output.filename},
        },
    )
    return True


def _save(job: Job, output: Output) -> str:
    content = ContentFile(output.data) if isinstance(output.data, bytes) else File(output.data)
    try:
        return default_storage.save(f"exports/{job.pk}/{output.filename}", content)
    finally:
        if not isinstance(output.data, bytes):
            output.data.close()


def job_for(user, pk) -> Job:
    """An export job of `user`'s own: a prepared file holds what its requester was allowed to read, so nobody
    else, staff included, is given it (404, as for an object that does not exist)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    job = Job.objects.filter(pk=pk, kind=JOB_KIND, created_by=user).first()
    if job is None:
        raise Http404
    return job


def file_for(user, pk) -> tuple[Job, IO[bytes]]:
    """The prepared file of a finished export of `user`'s (404 when it is not finished, or was removed)."""
    job = job_for(user, pk)
    path = job.result.get("file")
    if job.status != Job.Status.DONE or not path or not default_storage.exists(path):
        raise Http404
    return job, default_storage.open(path, "rb")


def recent_for(user, now=None) -> list[Job]:
    """The user's downloads of the last KEEP_DAYS, newest first (the account page lists them to come back to)."""
    since = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    return list(Job.objects.filter(kind=JOB_KIND, created_by=user, created_at__gte=since).order_by("-created_at", "-pk")[:20])


def purge_expired(now=None) -> int:
    """Remove the prepared files older than KEEP_DAYS (their jobs stay, without a file); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    removed = 0
    for job in Job.objects.filter(kind=JOB_KIND, finished_at__lt=cutoff, result__has_key="file"):
        path = job.result.pop("file")
        job.result.pop("next_url", None)
        if default_storage.exists(path):
            default_storage.delete(path)
        job.result["expired"] = True
        job.save(update_fields=["result"])
        removed += 1
    return removed
