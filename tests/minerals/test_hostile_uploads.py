"""Every CMRT/EMRT upload path meets the hostile corpus: a clear error, nothing stored, the server answers.

Paths: the supplier portal, the staff upload page, the JSON API, the bulk zip, and `cmrt_check`.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from supplyesg.core.models import AuditEvent, Job
from supplyesg.core.services import start_job
from supplyesg.minerals import bulk
from supplyesg.minerals.cmrt import check_file
from supplyesg.minerals.models import Submission
from tests.hostile_workbooks import corpus, future_zip_version
from tests.minerals.test_submissions import open_campaign_with

CORPUS = corpus()
# What the person reads: the guard's reason, or the form's own for a zip too damaged to look inside.
PHRASES = {**{name: phrase for name, (_data, phrase) in CORPUS.items()}, "truncated": "is not a .xlsx file"}


@pytest.fixture
def world(compliance, supplier_a, supplier_b):
    campaign = open_campaign_with(compliance, supplier_a, supplier_b)
    return {"campaign": campaign, "request_a": campaign.requests.get(supplier=supplier_a)}


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.xlsx", CORPUS[name][0])


def _refused(response, name: str) -> None:
    assert response.status_code == 400, (name, response.status_code)
    assert PHRASES[name].casefold() in response.content.decode().casefold(), name
    assert not Submission.objects.exists()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_portal_refuses_each_hostile_workbook_and_keeps_answering(world, client_for, supplier_a_user, name):
    client = client_for(supplier_a_user)
    url = reverse("minerals_portal:request", args=[world["request_a"].pk])
    _refused(client.post(url, {"file": _upload(name)}), name)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_staff_upload_refuses_each_hostile_workbook(world, client_for, compliance, name):
    url = reverse("minerals:submission_upload", args=[world["request_a"].pk])
    _refused(client_for(compliance).post(url, {"file": _upload(name)}), name)
    assert client_for(compliance).get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_api_refuses_each_hostile_workbook_in_the_error_shape(world, client_for, compliance, name):
    url = f"/api/minerals/requests/{world['request_a'].pk}/submissions"
    response = client_for(compliance).post(url, {"file": _upload(name)})
    # 400 when the upload itself is refused (name, container), 409 when reading the file refused it
    assert response.status_code in (400, 409), response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert PHRASES[name].casefold() in str(body).casefold()
    assert not Submission.objects.exists()


def test_a_macro_enabled_workbook_is_refused_by_the_api_by_its_name_too(world, client_for, compliance):
    url = f"/api/minerals/requests/{world['request_a'].pk}/submissions"
    upload = SimpleUploadedFile("cmrt.xlsm", CORPUS["macros"][0])
    response = client_for(compliance).post(url, {"file": upload})
    assert response.status_code == 400 and "macro-enabled" in str(response.json())


def test_a_bulk_zip_of_hostile_workbooks_stores_and_holds_nothing_but_reports_each(world, tmp_path):
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, (data, _phrase) in CORPUS.items():
            archive.writestr(f"{name}.xlsx", data)
        archive.writestr("macros.xlsm", CORPUS["macros"][0])
    job, result = bulk.run_cli_import(world["campaign"], path)
    skipped = {entry["file"]: entry["reason"] for entry in result["skipped"]}
    for name, (_data, phrase) in CORPUS.items():
        if name == "truncated":
            continue  # damaged, not crafted: held like any unreadable file, for a person to look at
        assert phrase.casefold() in skipped[f"{name}.xlsx"].casefold(), (name, skipped)
    assert "macro" in skipped["macros.xlsm"]
    assert not result["assigned"] and not Submission.objects.exists()
    held = [entry["file"] for key in ("uncertain", "unassigned") for entry in result[key]]
    assert held == ["truncated.xlsx"]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def test_a_bulk_zip_expanding_past_the_total_limit_is_not_opened(world, tmp_path, settings):
    settings.MAX_BULK_UNCOMPRESSED_MB = 1
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(3):
            archive.writestr(f"file{n}.xlsx", b"\0" * 600_000)
    _job, result = bulk.run_cli_import(world["campaign"], path)
    assert [e["file"] for e in result["skipped"]] == ["big.zip"]
    assert "expands to 1 MB; the limit is 1 MB" in result["skipped"][0]["reason"]


def test_cmrt_check_reports_each_hostile_workbook_as_invalid_and_exits_1(tmp_path, capsys):
    for name, (data, _phrase) in CORPUS.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
    with pytest.raises(SystemExit) as exited:
        call_command("cmrt_check", str(tmp_path))
    assert exited.value.code == 1
    out = capsys.readouterr().out
    for name in CORPUS:
        assert f"{name}.xlsx\n  unknown template: INVALID" in out, name


def test_cmrt_check_refuses_a_fifo_instead_of_hanging(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(CommandError, match="not a regular file") as caught:
        call_command("cmrt_check", str(fifo))
    assert caught.value.returncode == 2


def test_cmrt_check_skips_a_fifo_inside_a_folder(tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    with pytest.raises(CommandError, match="no workbook found") as caught:
        call_command("cmrt_check", str(tmp_path))
    assert caught.value.returncode == 2


def test_cmrt_check_on_an_empty_folder_exits_2(tmp_path):
    with pytest.raises(CommandError, match="no workbook found") as caught:
        call_command("cmrt_check", str(tmp_path))
    assert caught.value.returncode == 2


# ---------------------------------------------------------------- a job whose worker died


def _orphaned_job(campaign, *, minutes: int) -> Job:
    job = start_job(kind=bulk.JOB_KIND)
    job.result = bulk.empty_result(campaign)
    job.status = Job.Status.RUNNING
    job.heartbeat_at = timezone.now() - timedelta(minutes=minutes)
    job.save()
    return job


def test_a_bulk_job_whose_worker_died_shows_failed_and_can_be_retried(
    world, client_for, compliance, django_capture_on_commit_callbacks
):
    job = _orphaned_job(world["campaign"], minutes=60)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("macros.xlsx", CORPUS["macros"][0])
    default_storage.save(f"{bulk.HOLD_DIR}/{job.pk}/upload.zip", buffer)
    page = reverse("minerals:bulk_result", args=[world["campaign"].pk, job.pk])
    response = client_for(compliance).get(page)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "worker stopped" in job.message
    assert "Retry the import" in response.content.decode()
    assert AuditEvent.objects.filter(action="job.stale_failed", target_id=str(job.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        retry = client_for(compliance).post(reverse("minerals:bulk_retry", args=[world["campaign"].pk, job.pk]))
    assert retry.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.DONE  # the test task backend runs the queued import at once
    assert [e["file"] for e in job.result["skipped"]] == ["macros.xlsx"]
    assert AuditEvent.objects.filter(action="job.retried", target_id=str(job.pk)).exists()


def test_a_running_job_with_recent_progress_is_left_alone(world, client_for, compliance):
    job = _orphaned_job(world["campaign"], minutes=1)
    client_for(compliance).get(reverse("minerals:bulk_result", args=[world["campaign"].pk, job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_the_command_marks_dead_imports_failed_and_queues_one_again(world, capsys):
    job = _orphaned_job(world["campaign"], minutes=60)
    call_command("cmrt_import_retry")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"job {job.pk}: the worker stopped" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no longer there") as caught:
        call_command("cmrt_import_retry", str(job.pk))
    assert caught.value.returncode == 2


def test_a_zip_asking_for_an_unknown_version_gives_a_finding_and_a_clean_400(world, client_for, supplier_a_user):
    result = check_file(future_zip_version(), filename="future.xlsx")
    assert [f.code for f in result.findings] == ["file_corrupt"]
    url = reverse("minerals_portal:request", args=[world["request_a"].pk])
    response = client_for(supplier_a_user).post(url, {"file": SimpleUploadedFile("future.xlsx", future_zip_version())})
    assert response.status_code == 400 and "is not a .xlsx file" in response.content.decode()
    assert not Submission.objects.exists()
