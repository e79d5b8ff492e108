"""Downloads over core.exports.IN_REQUEST_ROWS rows are prepared by the worker (core/exports.py): the page that
asked redirects to the job's page, the job reports progress, and the file is served to its requester only, for
KEEP_DAYS. Smaller downloads are still built in the request."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from supplyesg.core import exports
from supplyesg.core.models import Job
from supplyesg.suppliers.models import Supplier
from tests.factories import make_category, make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(db, monkeypatch):
    monkeypatch.setattr(exports, "IN_REQUEST_ROWS", 2)
    monkeypatch.setattr("supplyesg.suppliers.exporting.PROGRESS_EVERY", 2)
    cables = make_category(code="cables-harnesses", name="Cables")
    made = [
        make_supplier(legal_name=f"Cable {n} Co., Ltd.", country="CN", status=Supplier.Status.ACTIVE, categories=[cables])
        for n in range(3)
    ]
    make_supplier(legal_name="Wafer Ltd.", country="DE", status=Supplier.Status.ACTIVE)
    return made


def _export(client, django_capture_on_commit_callbacks, **query):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("suppliers:export"), query)
    return response


def test_a_large_supplier_export_is_prepared_by_the_worker_and_served_to_its_requester(
    client_for, compliance, three, django_capture_on_commit_callbacks
):
    response = _export(client_for(compliance), django_capture_on_commit_callbacks, country="CN", sort="name")
    job = Job.objects.get(kind=exports.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("core:export", kwargs={"pk": job.pk})
    assert (job.status, job.done, job.total, job.created_by) == (Job.Status.DONE, 3, 3, compliance)
    assert job.result["params"]["filters"] == {"country": "CN"} and job.result["filename"].endswith(".xlsx")

    page = client_for(compliance).get(response["Location"]).content.decode()
    assert "Supplier list export: 3 suppliers" in page
    assert f'href="{reverse("core:export_file", kwargs={"pk": job.pk})}"' in page and "Download suppliers-" in page

    download = client_for(compliance).get(reverse("core:export_file", kwargs={"pk": job.pk}))
    assert download.status_code == 200 and job.result["filename"] in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Cable 0 Co., Ltd.", "Cable 1 Co., Ltd.", "Cable 2 Co., Ltd."]


def test_a_category_filter_and_the_csv_format_reach_the_worker(client_for, compliance, three, django_capture_on_commit_callbacks):
    make_supplier(legal_name="Cable 9 Co., Ltd.", country="CN", status=Supplier.Status.ACTIVE)  # not in the category
    response = _export(client_for(compliance), django_capture_on_commit_callbacks, category="cables-harnesses", format="csv")
    job = Job.objects.get(kind=exports.JOB_KIND)
    assert response.status_code == 302 and job.status == Job.Status.DONE
    assert job.result["params"]["filters"] == {"category": "cables-harnesses"}
    download = client_for(compliance).get(reverse("core:export_file", kwargs={"pk": job.pk}))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(row[1] for row in rows[1:]) == ["Cable 0 Co., Ltd.", "Cable 1 Co., Ltd.", "Cable 2 Co., Ltd."]


def test_a_small_export_is_still_built_in_the_request(client_for, compliance, three, django_capture_on_commit_callbacks):
    response = _export(client_for(compliance), django_capture_on_commit_callbacks, country="DE")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert not Job.objects.filter(kind=exports.JOB_KIND).exists()


def test_nobody_else_sees_the_page_or_the_file_of_a_prepared_export(
    client_for, compliance, viewer, supplier_a_user, three, django_capture_on_commit_callbacks
):
    _export(client_for(compliance), django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=exports.JOB_KIND)
    for url in (reverse("core:export", kwargs={"pk": job.pk}), reverse("core:export_file", kwargs={"pk": job.pk})):
        assert client_for(viewer).get(url).status_code == 404, url
        assert client_for(supplier_a_user).get(url).status_code == 404, url
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"], url
    # the job's progress fragment is its owner's too (internal users see every job's progress, not its file)
    assert client_for(supplier_a_user).get(reverse("core:job_status", kwargs={"pk": job.pk})).status_code == 404


def test_a_failed_build_leaves_no_file_and_says_why(
    client_for, compliance, three, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(params, *, on_progress):
        on_progress(1, 3)
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports._builders, "suppliers", broken)
    _export(client_for(compliance), django_capture_on_commit_callbacks)  # the task backend records the failure
    job = Job.objects.get(kind=exports.JOB_KIND)
    assert job.status == Job.Status.FAILED and job.message == "RuntimeError: disk full" and "file" not in job.result
    assert client_for(compliance).get(reverse("core:export_file", kwargs={"pk": job.pk})).status_code == 404
    assert "disk full" in client_for(compliance).get(reverse("core:export", kwargs={"pk": job.pk})).content.decode()


def test_prepared_files_are_removed_after_keep_days_when_the_next_export_is_queued(
    client_for, compliance, three, django_capture_on_commit_callbacks
):
    _export(client_for(compliance), django_capture_on_commit_callbacks)
    old = Job.objects.get(kind=exports.JOB_KIND)
    path = old.result["file"]
    assert default_storage.exists(path)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=exports.KEEP_DAYS, minutes=1))
    _export(client_for(compliance), django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert not default_storage.exists(path) and old.result["expired"] and "next_url" not in old.result
    assert client_for(compliance).get(reverse("core:export_file", kwargs={"pk": old.pk})).status_code == 404
    assert "removed after its time" in client_for(compliance).get(reverse("core:export", kwargs={"pk": old.pk})).content.decode()
    newer = Job.objects.filter(kind=exports.JOB_KIND).exclude(pk=old.pk).get()
    assert default_storage.exists(newer.result["file"])


def test_the_account_page_lists_the_users_own_downloads_to_come_back_to(
    client_for, compliance, viewer, three, django_capture_on_commit_callbacks
):
    _export(client_for(compliance), django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=exports.JOB_KIND)
    page = client_for(compliance).get(reverse("core:account")).content.decode()
    downloads = page.split('id="downloads"')[1].split("</section>")[0]
    assert f'<a href="{reverse("core:export", kwargs={"pk": job.pk})}">Supplier list export: 4 suppliers' in downloads
    assert 'id="downloads"' not in client_for(viewer).get(reverse("core:account")).content.decode()
