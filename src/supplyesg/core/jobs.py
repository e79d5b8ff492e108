"""Background tasks by job kind. Each app wires its tasks in from `AppConfig.ready` (`register(JOB_KIND, task)`);
a service that starts work queues it by the kind of its `Job` record (`enqueue_on_commit(job, ...)`).

Why: tasks import services to run them, so a service importing its app's `tasks` module closed an import circle.
With this registry, tasks import services and services import only core (the `jobs` import-linter contract).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

_tasks: dict = {}


def register(kind: str, task) -> None:
    """The task that runs jobs of `kind`; it takes the job id first, then the arguments given at enqueue time."""
    _tasks[kind] = task


def task_for(kind: str):
    try:
        return _tasks[kind]
    except KeyError:
        raise ImproperlyConfigured(f"No background task is registered for job kind {kind!r} (see core/jobs.py).") from None


def enqueue_on_commit(job, *args) -> None:
    """Queue the task of `job.kind` with (job.pk, *args) once the current transaction commits.

    An unknown kind fails here, inside the caller's transaction, so the job record is not left queued for nothing.
    """
    task = task_for(job.kind)
    transaction.on_commit(lambda: task.enqueue(job.pk, *args))
