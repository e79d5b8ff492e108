"""The slim copy of a workbook (Smelter List cut after its last typed row) reads exactly like the file."""

from __future__ import annotations

import io
import re
import struct
import zipfile

import pytest

from supplyesg.minerals.cmrt import check_file, read_workbook, reader
from supplyesg.minerals.cmrt.slim import cut_smelter_rows, slim_workbook

from .conftest import OPTIONS, fixture_file

FILES = [
    "filled/CMRT_6.4_filled_Honeywell_HEM.xlsx",
    "filled/CMRT_6.4_filled_JX_Advanced_Metals.xlsx",
    "filled/CMRT_6.4_filled_Merck_WF6.xlsx",
    "filled/CMRT_6.4_filled_PKG_DE00.xlsx",
    "filled/CMRT_6.4_filled_SK_WF6.xlsx",
    "filled/CMRT_6.4_filled_giga.xlsx",
    "RMI_CMRT_6.01.xlsx",
    "RMI_CMRT_6.22.xlsx",
    "RMI_CMRT_6.4.xlsx",
    "RMI_CMRT_6.5.xlsx",
    "RMI_EMRT_1.1.xlsx",
    "RMI_EMRT_2.1.xlsx",
    "legacy/CMRT_3.01_green.xlsx",
]


def read_fast(data: bytes):
    return check_file(data, options=OPTIONS, filename="f.xlsx")


def read_in_full(data: bytes, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        patch.setattr(reader, "slim_workbook", lambda data, sheets: None)
        return check_file(data, options=OPTIONS, filename="f.xlsx")


def smelter_part(data: bytes) -> tuple[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("sheet5.xml"))
        return name, archive.read(name)


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize("name", FILES)
def test_a_file_reads_the_same_through_the_slim_copy(name, monkeypatch):
    data = fixture_file(name).read_bytes()
    fast, full = read_fast(data), read_in_full(data, monkeypatch)
    assert fast.to_dict() == full.to_dict()
    assert fast.declaration == full.declaration
    if not name.startswith("legacy/"):
        assert slim_workbook(data, ("Declaration",)) is not None


def test_the_slim_copy_is_used_for_real_files_and_keeps_only_the_rows_up_to_the_last_smelter():
    data = fixture_file("filled/CMRT_6.4_filled_PKG_DE00.xlsx").read_bytes()
    slim = slim_workbook(data, ("Declaration", "Smelter List"))
    assert slim is not None and len(slim) < len(data)
    _, xml = smelter_part(slim)
    rows = [int(r) for r in re.findall(rb'<row r="(\d+)"', xml)]
    assert rows[-1] == max(s.row for s in read_workbook(data).smelters) == 71
    with zipfile.ZipFile(io.BytesIO(slim)) as archive:
        assert archive.testzip() is None  # every copied member is intact (CRC checked)
        assert {"xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"} <= set(archive.namelist())


def test_a_smelter_typed_far_below_empty_rows_is_kept(cmrt65, monkeypatch):
    path = cmrt65.write(
        {"Smelter List": {"A5": None, "B2400": "Tin", "C2400": "Smelter not listed", "D2400": "X Tin"}}
    )
    data = path.read_bytes()
    declaration = read_workbook(data)
    assert [(s.row, s.name) for s in declaration.smelters] == [(2400, "X Tin")]
    assert read_fast(data).to_dict() == read_in_full(data, monkeypatch).to_dict()


def test_a_row_with_values_only_outside_a_to_e_is_cut_as_the_reader_ignores_it(cmrt65, monkeypatch):
    path = cmrt65.write({"Smelter List": {"Q300": "a comment with no smelter"}})
    data = path.read_bytes()
    name, xml = smelter_part(data)
    cut = cut_smelter_rows(xml)
    assert b'<row r="300"' in xml and b'<row r="300"' not in cut and b'<row r="5"' in cut
    assert read_fast(data).to_dict() == read_in_full(data, monkeypatch).to_dict()


def test_inline_strings_written_by_our_own_writer_count_as_typed_values(monkeypatch):
    from supplyesg.minerals.cmrt.writer import CompanyData, write_declaration

    data = write_declaration(
        fixture_file("RMI_CMRT_6.5.xlsx"),
        CompanyData(
            company_name="Acme",
            smelters=[
                {"metal": "Tin", "cid": "CID001070"},
                {"metal": "Gold", "name": "Z", "country": "PERU"},
            ],
        ),
    )
    rows = [(s.row, s.metal, s.cid) for s in check_file(data, options=OPTIONS).smelters]
    assert rows == [(5, "Tin", "CID001070"), (6, "Gold", None)]
    assert read_fast(data).to_dict() == read_in_full(data, monkeypatch).to_dict()


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        (rb'(<row r="4")', rb"\n\1"),  # pretty-printed
        (rb"<c r=\"A4\"", rb"<c r='A4'"),  # single-quoted attributes
    ],
)
def test_xml_written_in_an_unusual_way_is_read_in_full(pattern, replacement, cmrt65, monkeypatch):
    data = cmrt65.write().read_bytes()
    name, xml = smelter_part(data)
    odd = re.sub(pattern, replacement, xml, count=1)
    assert cut_smelter_rows(odd) is None
    changed = replace_part(data, name, odd)
    assert slim_workbook(changed, ("Declaration",)) is None
    result = check_file(changed, options=OPTIONS)
    assert [s.cid for s in result.smelters] == ["CID001070"]
    assert result.valid


def test_a_damaged_smelter_list_member_falls_back_to_reading_the_original():
    data = bytearray(fixture_file("filled/CMRT_6.4_filled_giga.xlsx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("sheet5.xml"))
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length + 1000
    data[start : start + 64] = b"\x00" * 64
    assert slim_workbook(bytes(data), ("Declaration",)) is None
    assert check_file(bytes(data)).codes() == ["file_corrupt"]
