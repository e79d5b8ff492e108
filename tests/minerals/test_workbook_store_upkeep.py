"""Keeping the workbook store sound: `minerals_verify_store` proves every file still rebuilds (and fails loudly
when one does not), `minerals_store_workbooks --repack` rewrites format 1 records in format 2."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from supplyesg.minerals import workbooks
from supplyesg.minerals.cmrt import packing
from supplyesg.minerals.models import StoredWorkbook, WorkbookPiece
from supplyesg.minerals.workbooks import storing
from tests.factories import make_supplier

from .conftest import fixture_file
from .factories_minerals import make_campaign, make_request, make_submission

pytestmark = pytest.mark.django_db

FILLED = [
    "filled/CMRT_6.4_filled_Honeywell_HEM.xlsx",
    "filled/CMRT_6.4_filled_giga.xlsx",
    "filled/CMRT_6.4_filled_SK_WF6.xlsx",
]


@pytest.fixture(autouse=True)
def _fresh_bases():
    workbooks.forget_bases()
    yield
    workbooks.forget_bases()


def _verify() -> tuple[str, int]:
    """The command's output and the exit code a shell would see (a CommandError exits with its returncode)."""
    out = io.StringIO()
    try:
        call_command("minerals_verify_store", stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def test_the_check_says_every_stored_file_rebuilds_and_exits_zero():
    for name in FILLED[:2]:
        workbooks.store_workbook(fixture_file(name).read_bytes())
    out, code = _verify()
    assert code == 0
    assert "2 stored workbook(s) checked (format 2: 2)" in out and "all 2 rebuild exactly" in out
    assert f"zlib here {packing.ZLIB_VERSION}" in out


def test_the_check_lists_each_file_that_no_longer_rebuilds_and_exits_non_zero():
    base = workbooks.store_workbook(fixture_file(FILLED[0]).read_bytes())
    delta = workbooks.store_workbook(fixture_file(FILLED[1]).read_bytes())
    assert delta.base_id == base.pk
    default_storage.delete(base.file.name)

    out, code = _verify()
    assert code == 1
    assert f"DAMAGED {base.sha256}" in out and f"DAMAGED {delta.sha256}" in out
    assert "2 of 2 stored workbook(s) do not rebuild" in out


def _format_1(data: bytes) -> StoredWorkbook:
    stored = storing._store_whole_members(data, packing.sha256(data))
    assert stored.format_version == StoredWorkbook.Format.WHOLE_MEMBERS
    return stored


def test_repacking_rewrites_format_1_records_in_place_and_deletes_their_old_files_on_commit(
    client_for, compliance, django_capture_on_commit_callbacks
):
    files = [fixture_file(name).read_bytes() for name in FILLED]
    old = [_format_1(data) for data in files]
    old_names = [w.file.name for w in old]
    old_pieces = set(WorkbookPiece.objects.values_list("pk", flat=True))
    old_media = sum(w.stored_size for w in old) + sum(p.stored_size for p in WorkbookPiece.objects.all())
    campaign = make_campaign(template="CMRT")
    submission = make_submission(make_request(campaign, make_supplier()), template_version="6.4")
    submission.__class__.objects.filter(pk=submission.pk).update(workbook=old[1], file="")

    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("minerals_store_workbooks", "--repack", "--batch", "2", stdout=out)
    assert "3 stored file(s) repacked in format 2" in out.getvalue()

    repacked = list(StoredWorkbook.objects.order_by("pk"))
    assert [w.pk for w in repacked] == [w.pk for w in old]
    assert all(w.format_version == StoredWorkbook.Format.REFLATED for w in repacked)
    assert repacked[2].base_id == repacked[0].pk  # same family, no template known for either
    new_media = sum(w.stored_size for w in repacked) + sum(
        p.stored_size for p in WorkbookPiece.objects.exclude(pk__in=old_pieces)
    )
    assert new_media < old_media and repacked[2].stored_size < 400 * 1024  # the budget per file
    for workbook, data in zip(repacked, files, strict=True):
        workbooks.forget_bases()
        assert workbooks.workbook_bytes(workbook) == data
    assert not any(default_storage.exists(name) for name in old_names)
    response = client_for(compliance).get(reverse("minerals:submission_file", args=[submission.pk]))
    assert b"".join(response.streaming_content) == files[1]

    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("minerals_store_workbooks", "--repack", stdout=out)
    assert "0 stored file(s) repacked" in out.getvalue()


def test_a_format_1_record_that_no_longer_rebuilds_is_reported_and_left_as_it_is(django_capture_on_commit_callbacks):
    broken = _format_1(fixture_file(FILLED[0]).read_bytes())
    default_storage.delete(broken.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("minerals_store_workbooks", "--repack", stdout=out)
    assert f"DAMAGED {broken.sha256}" in out.getvalue()
    broken.refresh_from_db()
    assert broken.format_version == StoredWorkbook.Format.WHOLE_MEMBERS
