"""Bulk import: assigning files to campaign suppliers, holding uncertain ones, the task and `cmrt_import`."""

import io
import json
import shutil
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, Job
from supplyesg.core.services import start_job
from supplyesg.minerals import bulk
from supplyesg.minerals.models import Submission, SubmissionRequest
from supplyesg.minerals.tasks import import_bulk
from tests.factories import make_supplier
from tests.minerals.test_submissions import cmrt_file, open_campaign_with

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- assignment rules (no files)


@pytest.fixture
def index(supplier_a, supplier_b):
    everbright = make_supplier(
        legal_name="Shenzhen Everbright Precision Electronics Co., Ltd.",
        local_name="深圳永光精密电子有限公司",
        registration_id="91440300EVERBRIGHT",
    )
    return bulk.SupplierIndex([supplier_a, supplier_b, everbright]), everbright


def test_a_unique_id_equal_to_a_registration_id_assigns_the_file(index, supplier_b):
    idx, _everbright = index
    assignment = idx.assign("Some Trading Name", " my-201901000123 ")
    assert (assignment.outcome, assignment.supplier_id, assignment.matched_by) == (
        "assigned",
        supplier_b.pk,
        "registration_id",
    )


def test_a_name_equal_once_normalised_assigns_the_file(index, supplier_b, supplier_a):
    idx, everbright = index
    assert idx.assign("BETA SOLDER SDN BHD").supplier_id == supplier_b.pk
    assert idx.assign("深圳永光精密电子有限公司").supplier_id == everbright.pk
    assert idx.assign("Alpha Cable Company Limited").matched_by == "name"


def test_a_near_identical_name_is_assigned_by_fuzzy_score(index):
    idx, everbright = index
    assignment = idx.assign("Shenzhen Everbrigth Precision Electronics Co Ltd")
    assert (assignment.outcome, assignment.supplier_id, assignment.matched_by) == (
        "assigned",
        everbright.pk,
        "fuzzy",
    )
    assert assignment.score >= 95


def test_a_slightly_different_name_is_uncertain_with_candidates(index, supplier_a):
    idx, _everbright = index
    assignment = idx.assign("Alhpa Cable Company")
    assert assignment.outcome == "uncertain" and assignment.supplier_id is None
    assert [c["supplier_id"] for c in assignment.candidates] == [supplier_a.pk]
    assert 80 <= assignment.candidates[0]["score"] < 95


def test_two_suppliers_with_the_same_name_make_the_file_uncertain(supplier_a):
    twin = make_supplier(legal_name="ALPHA CABLE LIMITED", country="VN")
    assignment = bulk.SupplierIndex([supplier_a, twin]).assign("Alpha Cable Co., Ltd.")
    assert assignment.outcome == "uncertain"
    assert {c["supplier_id"] for c in assignment.candidates} == {supplier_a.pk, twin.pk}


def test_an_unknown_or_missing_name_is_unassigned(index):
    idx, _everbright = index
    assert idx.assign("Omega Unknown Widgets Inc.").outcome == "unassigned"
    assert idx.assign(None).outcome == "unassigned"


# ---------------------------------------------------------------- imports with real-layout files


@pytest.fixture
def files(cmrt65):
    return {
        "exact": cmrt_file(cmrt65, "valid"),  # "Alpha Cable Co., Ltd."
        "by_id": cmrt_file(cmrt65, "bulk_by_id", company="Beta Solder Malaysia", unique_id="MY-201901000123"),
        "uncertain": cmrt_file(cmrt65, "bulk_uncertain", company="Alhpa Cable Company"),
        "unknown": cmrt_file(cmrt65, "bulk_unknown", company="Omega Unknown Widgets Inc."),
    }


@pytest.fixture
def campaign(compliance, supplier_a, supplier_b):
    return open_campaign_with(compliance, supplier_a, supplier_b)


@pytest.fixture
def archive(tmp_path, files):
    path = tmp_path / "cmrts.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for key, source in files.items():
            zf.write(source, f"2025/{key}.xlsx")
        zf.writestr("2025/notes.pdf", b"%PDF-1.4 not a template")
        zf.writestr("__MACOSX/2025/._exact.xlsx", b"resource fork")
        zf.writestr("2025/~$exact.xlsx", b"lock file")
    return path


def _run(campaign, path):
    return bulk.run_cli_import(campaign, path)


def test_a_zip_is_imported_assigned_uncertain_unassigned_and_skipped(
    campaign, archive, supplier_a, supplier_b
):
    job, result = _run(campaign, archive)
    assigned = {e["file"]: e for e in result["assigned"]}
    assert set(assigned) == {"2025/exact.xlsx", "2025/by_id.xlsx"}
    assert assigned["2025/exact.xlsx"]["supplier_id"] == supplier_a.pk
    assert assigned["2025/by_id.xlsx"]["matched_by"] == "registration_id"
    assert [e["file"] for e in result["uncertain"]] == ["2025/uncertain.xlsx"]
    assert result["uncertain"][0]["candidates"][0]["supplier_id"] == supplier_a.pk
    assert [e["file"] for e in result["unassigned"]] == ["2025/unknown.xlsx"]
    assert [e["file"] for e in result["skipped"]] == ["2025/notes.pdf"]
    assert Submission.objects.filter(channel=Submission.Channel.BULK).count() == 2
    assert campaign.requests.get(supplier=supplier_b).status == SubmissionRequest.Status.RECEIVED_VALID
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and (job.done, job.total) == (5, 5)
    assert job.result["campaign_id"] == campaign.pk
    for entry in result["uncertain"] + result["unassigned"]:
        assert default_storage.exists(entry["held"])


def test_a_person_confirms_the_supplier_of_an_uncertain_file(campaign, archive, compliance, supplier_a):
    job, result = _run(campaign, archive)
    item = result["uncertain"][0]
    submission = bulk.confirm_bulk_file(job, item=item["id"], supplier_id=supplier_a.pk, actor=compliance)
    assert submission.request.supplier == supplier_a and submission.channel == Submission.Channel.BULK
    assert submission.original_name == "uncertain.xlsx" and submission.version == 2
    job.refresh_from_db()
    confirmed = job.result["uncertain"][0]["confirmed"]
    assert confirmed["submission_id"] == submission.pk and confirmed["by"] == compliance.username
    assert AuditEvent.objects.filter(action="campaign.bulk_file_assigned", supplier=supplier_a).exists()
    with pytest.raises(RuleViolation, match="already assigned"):
        bulk.confirm_bulk_file(job, item=item["id"], supplier_id=supplier_a.pk, actor=compliance)


def test_an_unassigned_file_can_only_go_to_a_supplier_of_the_campaign(campaign, archive, compliance):
    job, result = _run(campaign, archive)
    outsider = make_supplier(legal_name="Omega Unknown Widgets Inc.")
    with pytest.raises(RuleViolation, match="supplier of this campaign"):
        bulk.confirm_bulk_file(
            job, item=result["unassigned"][0]["id"], supplier_id=outsider.pk, actor=compliance
        )
    with pytest.raises(RuleViolation, match="not waiting"):
        bulk.confirm_bulk_file(
            job, item=result["assigned"][0]["id"], supplier_id=outsider.pk, actor=compliance
        )


def test_a_retried_import_does_not_store_a_file_twice(campaign, archive):
    job = start_job(kind=bulk.JOB_KIND)
    job.result = {
        **bulk.empty_result(campaign),
        "assigned": [{"id": 1, "file": "2025/exact.xlsx", "supplier_id": 0, "submission_id": 0}],
    }
    job.save()
    result = bulk.import_files(campaign, archive, job=job)
    assert [e["file"] for e in result["assigned"]] == ["2025/exact.xlsx", "2025/by_id.xlsx"]
    assert Submission.objects.count() == 1


def test_the_background_task_imports_once_and_then_leaves_the_job_alone(campaign, archive):
    job = start_job(kind=bulk.JOB_KIND)
    job.result = bulk.empty_result(campaign)
    job.save()
    import_bulk.call(job.pk, campaign.pk, str(archive))
    import_bulk.call(job.pk, campaign.pk, str(archive))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Submission.objects.count() == 2
    assert archive.exists()  # a path outside the bulk upload folder is never removed


def test_the_task_marks_the_job_failed_when_the_file_is_gone(campaign, tmp_path):
    job = start_job(kind=bulk.JOB_KIND)
    import_bulk.call(job.pk, campaign.pk, str(tmp_path / "gone.zip"))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message


def test_a_corrupt_archive_is_reported_not_raised(campaign, tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    _job, result = _run(campaign, path)
    assert [e["file"] for e in result["skipped"]] == ["broken.zip"]


# ---------------------------------------------------------------- the command


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("cmrt_import", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_the_command_prints_progress_and_json_and_exits_1_when_files_need_a_person(campaign, archive):
    code, out, err = _command(str(archive), "--campaign", str(campaign.pk), "--json")
    assert code == 1
    assert "[##############################] 5/5" in err
    data = json.loads(out)
    assert len(data["assigned"]) == 2 and len(data["uncertain"]) == 1 and len(data["unassigned"]) == 1
    assert data["page"] == f"/minerals/campaigns/{campaign.pk}/bulk/{data['job_id']}/"


def test_the_command_summary_lists_uncertain_and_unassigned_files(campaign, archive):
    code, out, _err = _command(str(archive), "--campaign", str(campaign.pk))
    assert code == 1
    assert "2 assigned, 1 uncertain, 1 unassigned, 1 skipped" in out
    assert '2025/uncertain.xlsx: "Alhpa Cable Company" -> Alpha Cable Co., Ltd. (91)' in out
    assert '2025/unknown.xlsx: "Omega Unknown Widgets Inc."' in out


def test_the_command_exits_0_when_every_file_in_a_folder_is_assigned(campaign, files, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(files["exact"], folder / "alpha.xlsx")
    shutil.copy(files["by_id"], folder / "beta.xlsx")
    code, out, _err = _command(str(folder), "--campaign", str(campaign.pk))
    assert code == 0
    assert "2 assigned, 0 uncertain, 0 unassigned, 0 skipped" in out


def test_the_command_refuses_an_unknown_campaign_or_path(campaign, tmp_path):
    with pytest.raises(CommandError, match="no campaign") as caught:
        call_command("cmrt_import", str(tmp_path), "--campaign", "999999")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match="no such file"):
        call_command("cmrt_import", str(tmp_path / "missing"), "--campaign", str(campaign.pk))
