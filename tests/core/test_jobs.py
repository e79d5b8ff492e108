"""core/jobs.py: services queue background work by job kind, so no service imports its app's tasks module."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from supplyesg.assessments.tasks import recompute_risk
from supplyesg.core import jobs
from supplyesg.core.models import Job
from supplyesg.core.services import start_job
from supplyesg.minerals.tasks import import_bulk
from supplyesg.ratings.tasks import compute_ratings

pytestmark = pytest.mark.django_db


class RecordingTask:
    def __init__(self):
        self.calls = []

    def enqueue(self, *args):
        self.calls.append(args)


def test_the_task_is_queued_with_the_job_id_only_once_the_transaction_commits(monkeypatch, django_capture_on_commit_callbacks):
    task = RecordingTask()
    monkeypatch.setitem(jobs._tasks, "test_export", task)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = start_job(kind="test_export")
        jobs.enqueue_on_commit(job, 2026, "Q3")
        assert task.calls == []
    assert len(callbacks) == 1
    assert task.calls == [(job.pk, 2026, "Q3")]


def test_a_job_of_a_kind_nobody_runs_fails_inside_the_transaction_and_leaves_no_job(compliance):
    with pytest.raises(ImproperlyConfigured, match="'nobody_runs_this'"), transaction.atomic():
        job = start_job(kind="nobody_runs_this", actor=compliance)
        jobs.enqueue_on_commit(job)
    assert not Job.objects.filter(kind="nobody_runs_this").exists()


@pytest.mark.parametrize(
    "kind, task", [("risk_recompute", recompute_risk), ("ratings_compute", compute_ratings), ("cmrt_import", import_bulk)]
)
def test_each_app_wires_the_task_of_the_jobs_its_services_start(kind, task):
    assert jobs.task_for(kind) is task


def test_progress_clears_the_debug_query_log_a_worker_would_otherwise_keep(settings):
    """With DEBUG on Django keeps the last 9,000 statements of a connection; a request clears them, a worker's job
    does not, so each progress step does."""
    from django.db import connection

    from supplyesg.core.services import job_progress

    settings.DEBUG = True
    job = start_job(kind="test_export", total=3)
    for _ in range(5):
        Job.objects.filter(pk=job.pk).exists()
    assert len(connection.queries_log) >= 5
    job_progress(job.pk, done=1)
    assert len(connection.queries_log) <= 1  # at most its own write
    assert Job.objects.get(pk=job.pk).done == 1
