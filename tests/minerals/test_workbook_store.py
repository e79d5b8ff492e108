"""Declaration files are stored once, their shared pieces once, compressed, and come back byte for byte."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from supplyesg.minerals import workbooks
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.cmrt.chunks import split_zip
from supplyesg.minerals.models import StoredWorkbook, Submission, WorkbookPiece
from tests.factories import make_supplier

from .factories_minerals import make_campaign, make_request, make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_files(cmrt65):
    first = cmrt65.write({"Declaration": {"D8": "Alpha Cable Co., Ltd."}}).read_bytes()
    second = cmrt65.write({"Declaration": {"D8": "Beta Solder Sdn. Bhd."}}).read_bytes()
    return first, second


def test_the_pieces_of_a_workbook_are_its_exact_bytes_in_order(two_files):
    data = two_files[0]
    segments = split_zip(data)
    assert b"".join(data[start:end] for _kind, start, end in segments) == data
    assert any(kind == "shared" for kind, _s, _e in segments)
    assert split_zip(b"not a zip at all") == [("own", 0, 16)]


def test_a_stored_workbook_comes_back_byte_for_byte(two_files):
    for data in two_files:
        stored = workbooks.store_workbook(data)
        assert workbooks.workbook_bytes(StoredWorkbook.objects.get(pk=stored.pk)) == data


def test_the_same_file_twice_is_stored_once(two_files):
    first = workbooks.store_workbook(two_files[0])
    again = workbooks.store_workbook(two_files[0])
    assert first.pk == again.pk and StoredWorkbook.objects.count() == 1


def test_two_files_written_from_the_same_template_share_their_unchanged_pieces_and_take_far_less_room(two_files):
    one = workbooks.store_workbook(two_files[0])
    pieces_after_one = WorkbookPiece.objects.count()
    two = workbooks.store_workbook(two_files[1])
    assert WorkbookPiece.objects.count() == pieces_after_one  # nothing new to share
    media = sum(p.stored_size for p in WorkbookPiece.objects.all()) + one.stored_size + two.stored_size
    assert media < 0.6 * (len(two_files[0]) + len(two_files[1]))
    assert two.stored_size < 0.2 * len(two_files[1])


def test_a_supplier_downloads_exactly_the_file_it_sent(client_for, supplier_a, supplier_a_user, compliance, two_files):
    campaign = make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin", "Tantalum", "Tungsten", "Gold"])
    request_a = make_request(campaign, supplier_a, status="requested")
    submission = campaigns.submit_declaration(
        request_a, data=two_files[0], file_name="alpha.xlsx", actor=compliance, channel=Submission.Channel.STAFF
    )
    assert submission.workbook_id and not submission.file
    response = client_for(supplier_a_user).get(reverse("minerals_portal:file", args=[submission.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == two_files[0]
    assert 'filename="alpha.xlsx"' in response["Content-Disposition"]


def test_a_damaged_store_answers_with_a_message_rather_than_a_wrong_file(client_for, compliance, supplier_a, two_files):
    campaign = make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin", "Tantalum", "Tungsten", "Gold"])
    submission = campaigns.submit_declaration(
        make_request(campaign, supplier_a, status="requested"),
        data=two_files[0],
        file_name="alpha.xlsx",
        actor=compliance,
        channel=Submission.Channel.STAFF,
    )
    piece = WorkbookPiece.objects.first()
    default_storage.delete(piece.file.name)
    default_storage.save(piece.file.name, ContentFile(b"\xfd7zXZ\x00 broken"))
    workbooks.forget_bases()
    url = reverse("minerals:submission_file", args=[submission.pk])
    response = client_for(compliance).get(url)
    assert response.status_code == 503
    assert "failed its integrity check" in response.content.decode()


def test_files_kept_whole_before_the_store_move_into_it_and_still_download(
    client_for, compliance, two_files, django_capture_on_commit_callbacks
):
    campaign = make_campaign()
    old = make_submission(make_request(campaign, make_supplier()))
    whole = default_storage.save(old.file.name, ContentFile(two_files[1]))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("minerals_store_workbooks")
        call_command("minerals_store_workbooks")  # a second run finds nothing left to move

    old.refresh_from_db()
    assert old.workbook.sha256 and not old.file
    assert not default_storage.exists(whole)
    response = client_for(compliance).get(reverse("minerals:submission_file", args=[old.pk]))
    assert b"".join(response.streaming_content) == two_files[1]
