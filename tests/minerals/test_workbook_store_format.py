"""Format 2 of the workbook store: every real workbook comes back byte for byte, alone or as a delta against
its family's base; members zlib cannot reproduce keep their bytes; damage is refused; a failed store leaves
nothing."""

import io
import zipfile
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from supplyesg.minerals import workbooks
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.cmrt import packing, reflate
from supplyesg.minerals.models import StoredWorkbook, Submission, WorkbookPiece
from supplyesg.minerals.workbooks import storing
from tests.hostile_workbooks import rezip

from .conftest import FIXTURES, fixture_file
from .factories_minerals import make_campaign, make_request

pytestmark = pytest.mark.django_db

FILLED = ["filled/CMRT_6.4_filled_Honeywell_HEM.xlsx", "filled/CMRT_6.4_filled_giga.xlsx"]


def _fixture_names() -> list[str]:
    found = sorted(p for folder in ("", "filled", "legacy") for p in (FIXTURES / folder).glob("*.xls*"))
    return [str(p.relative_to(FIXTURES)) for p in found] or ["(fixtures missing)"]


@pytest.fixture(autouse=True)
def _fresh_bases():
    workbooks.forget_bases()
    yield
    workbooks.forget_bases()


def _rebuilt(stored: StoredWorkbook) -> bytes:
    workbooks.forget_bases()  # read the base from storage, as another process would
    return workbooks.workbook_bytes(StoredWorkbook.objects.get(pk=stored.pk))


def _sibling(data: bytes) -> bytes:
    """Another file of the same family: the same members rewritten by Python's zipfile, one sheet changed."""
    if not zipfile.is_zipfile(io.BytesIO(data)):  # an .xls: any other bytes
        return data[:-1] + bytes([data[-1] ^ 1])
    sheets = sorted(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/sheet"))
    return rezip(data, replace={sheets[0]: lambda xml: xml.replace(b"</sheetData>", b"</sheetData>", 1) + b" "})


# Every real workbook's bytes through the store and back: the outcome is the bytes (the rows only point at the
# stored files), so the PostgreSQL pass leaves this matrix to SQLite; the other tests here run on both.
@pytest.mark.same_on_every_database
@pytest.mark.parametrize("name", _fixture_names())
def test_every_fixture_workbook_comes_back_byte_for_byte_alone_and_after_a_base_of_its_family(name):
    data = fixture_file(name).read_bytes()

    alone = workbooks.store_workbook(data)
    assert alone.format_version == StoredWorkbook.Format.REFLATED and alone.base is None
    assert _rebuilt(alone) == data
    StoredWorkbook.objects.all().delete()
    WorkbookPiece.objects.all().delete()
    workbooks.forget_bases()

    other = _sibling(data)
    sibling = workbooks.store_workbook(other)
    after = workbooks.store_workbook(data)
    assert after.pk != sibling.pk
    assert _rebuilt(after) == data
    assert _rebuilt(sibling) == other
    if after.base_id:
        assert after.base_id == sibling.pk and after.stored_size < alone.stored_size


def test_an_excel_saved_file_after_another_of_its_family_keeps_a_small_delta():
    base_data, data = (fixture_file(name).read_bytes() for name in FILLED)
    base = workbooks.store_workbook(base_data, template="CMRT 6.4")
    stored = workbooks.store_workbook(data, template="CMRT 6.4")
    assert stored.base_id == base.pk and stored.zlib_version == zlib.ZLIB_RUNTIME_VERSION
    assert stored.stored_size < 400 * 1024 < len(data) / 3  # the budget: 8 GB for 20,000 files
    sources = {p["source"] for p in stored.manifest["parts"] if isinstance(p, dict)}
    assert {"delta", "base"} <= sources
    assert _rebuilt(stored) == data
    other_template = workbooks.store_workbook(data[:-22] + data[-22:], template="CMRT 6.5")  # same bytes: found
    assert other_template.pk == stored.pk


def test_a_second_copy_stores_nothing_new():
    data = fixture_file(FILLED[1]).read_bytes()
    first = workbooks.store_workbook(data)
    files = sorted(p.file.name for p in WorkbookPiece.objects.all()) + [first.file.name]
    again = workbooks.store_workbook(bytes(data))
    assert again.pk == first.pk
    assert StoredWorkbook.objects.count() == 1
    assert sorted(p.file.name for p in WorkbookPiece.objects.all()) + [again.file.name] == files


def _huffman_only(payload: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15, 8, zlib.Z_HUFFMAN_ONLY)
    return packer.compress(payload) + packer.flush()


def _zip_with_member_packed_by_another_deflate(monkeypatch) -> bytes:
    """A zip whose sheet was deflated with a strategy no tried setting uses (as another program's deflate)."""
    real = zipfile._get_compressor

    class HuffmanOnly:
        def __init__(self):
            self.packer = zlib.compressobj(6, zlib.DEFLATED, -15, 8, zlib.Z_HUFFMAN_ONLY)

        def compress(self, data):
            return self.packer.compress(data)

        def flush(self):
            return self.packer.flush()

    monkeypatch.setattr(
        zipfile, "_get_compressor", lambda kind, level=None: HuffmanOnly() if kind == zipfile.ZIP_DEFLATED else real(kind)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b"<row>cell</row>" * 5000 + b"</worksheet>")
    monkeypatch.setattr(zipfile, "_get_compressor", real)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/styles.xml", b"<styleSheet>" + b"<font/>" * 2000 + b"</styleSheet>")
    return out.getvalue()


def test_a_member_zlib_cannot_reproduce_keeps_its_compressed_bytes(monkeypatch):
    data = _zip_with_member_packed_by_another_deflate(monkeypatch)
    sheet = _huffman_only(b"<worksheet>" + b"<row>cell</row>" * 5000 + b"</worksheet>")
    assert sheet in data and reflate.reflate(sheet) is None
    stored = workbooks.store_workbook(data)
    members = {p["name"]: p for p in stored.manifest["parts"] if isinstance(p, dict)}
    assert members["xl/worksheets/sheet1.xml"]["deflate"] is None
    assert members["xl/worksheets/sheet1.xml"]["size"] == len(sheet)
    assert members["xl/styles.xml"]["deflate"] == [6, 8]
    assert _rebuilt(stored) == data


def test_a_file_that_is_not_a_zip_is_kept_whole_and_comes_back():
    data = b"\xd0\xcf\x11\xe0 an old binary workbook " * 100
    stored = workbooks.store_workbook(data)
    assert stored.family == "" and stored.manifest["parts"] == [len(data)]
    assert _rebuilt(stored) == data


def _base_and_delta():
    base = workbooks.store_workbook(fixture_file(FILLED[0]).read_bytes())
    delta = workbooks.store_workbook(fixture_file(FILLED[1]).read_bytes())
    assert delta.base_id == base.pk
    return base, delta


def _overwrite(name: str, payload: bytes) -> None:
    default_storage.delete(name)
    default_storage.save(name, ContentFile(payload))


def test_a_missing_base_makes_its_deltas_refuse_to_rebuild():
    base, delta = _base_and_delta()
    default_storage.delete(base.file.name)
    with pytest.raises(workbooks.WorkbookDamaged):
        _rebuilt(delta)
    with pytest.raises(workbooks.WorkbookDamaged):
        _rebuilt(base)


def test_an_altered_piece_or_delta_is_refused_naming_what_broke():
    base, delta = _base_and_delta()
    blob = default_storage.open(delta.file.name, "rb").read()
    _overwrite(delta.file.name, blob[:-40] + bytes(40))
    with pytest.raises(workbooks.WorkbookDamaged, match=r"\.xml: "):
        _rebuilt(delta)
    piece = WorkbookPiece.objects.first()
    _overwrite(piece.file.name, packing.squeeze(b"something else"))
    with pytest.raises(workbooks.WorkbookDamaged, match="SHA-256"):
        _rebuilt(base)


def test_a_base_is_never_deleted_while_a_file_needs_it():
    from django.db.models import ProtectedError

    base, _delta = _base_and_delta()
    with pytest.raises(ProtectedError):
        base.delete()


def test_a_supplier_whose_file_no_longer_rebuilds_reads_why_and_gets_no_other_file(
    client_for, compliance, supplier_a, supplier_a_user
):
    campaign = make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin", "Tantalum", "Tungsten", "Gold"])
    workbooks.store_workbook(fixture_file(FILLED[0]).read_bytes(), template="CMRT 6.4")  # as read on upload
    submission = campaigns.submit_declaration(
        make_request(campaign, supplier_a, status="requested"),
        data=fixture_file(FILLED[1]).read_bytes(),
        file_name="giga.xlsx",
        actor=compliance,
        channel=Submission.Channel.STAFF,
    )
    assert submission.workbook.base_id
    default_storage.delete(submission.workbook.base.file.name)
    workbooks.forget_bases()
    response = client_for(supplier_a_user).get(reverse("minerals_portal:file", args=[submission.pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "giga.xlsx" in page and "failed its integrity check" in page
    assert response["Content-Type"].startswith("text/html")


def test_a_store_that_fails_before_commit_leaves_no_record_and_no_file(monkeypatch):
    data = fixture_file(FILLED[1]).read_bytes()

    def refuse(**fields):
        raise RuntimeError("database went away")

    monkeypatch.setattr(StoredWorkbook.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        workbooks.store_workbook(data)
    assert not StoredWorkbook.objects.exists() and not WorkbookPiece.objects.exists()
    sha = packing.sha256(data)
    assert not default_storage.exists(f"{storing.STORE_DIR}/files/{sha[:2]}/{sha}.v2")


def test_a_file_that_does_not_rebuild_in_format_2_is_kept_in_format_1(monkeypatch):
    data = fixture_file(FILLED[1]).read_bytes()
    real = packing.rebuild
    monkeypatch.setattr(packing, "rebuild", lambda *args, **kwargs: real(*args, **kwargs) + b"!")
    stored = workbooks.store_workbook(data)
    assert stored.format_version == StoredWorkbook.Format.WHOLE_MEMBERS
    sha = packing.sha256(data)
    assert not default_storage.exists(f"{storing.STORE_DIR}/files/{sha[:2]}/{sha}.v2")
    monkeypatch.setattr(packing, "rebuild", real)
    assert _rebuilt(stored) == data


def test_a_member_reproduced_once_is_not_compressed_again_and_other_bytes_still_are(monkeypatch):
    """The process remembers which setting reproduced a member's stored bytes: the same bytes again (the same
    sheet in the next file of a bulk import) skip the trial compressions; the same data deflated differently is
    other bytes, tried and answered on its own."""
    content = b"<worksheet>" + b"<row><c>smelter</c></row>" * 4000 + b"</worksheet>"
    at_six, at_one = reflate.deflate(content, (6, 8)), reflate.deflate(content, (1, 8))
    assert at_six != at_one
    reflate._known.clear()
    tries = []
    real = reflate._deflates_to
    monkeypatch.setattr(reflate, "_deflates_to", lambda c, p, s: tries.append(s) or real(c, p, s))
    assert reflate.reflate(at_six) == (content, (6, 8))
    assert tries == [(6, 8)]
    assert reflate.reflate(at_six) == (content, (6, 8))
    assert reflate.reflate(at_six, prefer=(1, 8)) == (content, (6, 8))
    assert tries == [(6, 8)], "the same stored bytes are not compressed again"
    assert reflate.reflate(at_one) == (content, (1, 8))
    assert tries == [(6, 8), (6, 8), (1, 8)]
    monkeypatch.setattr(reflate, "KNOWN_MEMBERS", 1)  # bounded: a new member pushes out the least recently used
    other = b"<styleSheet>" + b"<font/>" * 2000 + b"</styleSheet>"
    assert reflate.reflate(reflate.deflate(other, (6, 8))) == (other, (6, 8))
    assert len(reflate._known) == 1
    reflate._known.clear()
    assert reflate.reflate(b"not a deflate stream") is None and not reflate._known
