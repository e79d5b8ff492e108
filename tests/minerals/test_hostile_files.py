"""Legacy, foreign and hostile files give one clear finding, never a traceback."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyesg.minerals.cmrt import check_declaration, check_file, read_workbook, safety

from .conftest import OPTIONS, fixture_file


def only_code(result):
    assert not result.valid
    assert len(result.findings) == 1, result.codes()
    return result.findings[0].code


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("legacy/CMRT_2.03a_green.xlsx", "2.03a"),
        ("legacy/CMRT_3.01_green.xlsx", "3.01"),
        ("legacy/CMRT_3.01_high_risk.xlsx", "3.01"),
    ],
)
def test_it_refuses_legacy_cmrt_versions_and_names_the_version(name, version):
    result = check_file(fixture_file(name))
    assert only_code(result) == "unsupported_version"
    assert (
        result.findings[0].message
        == f"Unsupported template version CMRT {version}: ask the supplier for CMRT 6.5."
    )


def test_it_refuses_the_encrypted_legacy_xls():
    result = check_file(fixture_file("legacy/CMRT_3.01_empty.xls"))
    assert only_code(result) == "unsupported_file_format"
    assert ".xls" in result.findings[0].message


def test_it_reports_an_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert only_code(check_file(path)) == "file_empty"


def test_it_reports_random_bytes(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(4096))
    assert only_code(check_file(path)) == "file_not_excel"


def test_it_reports_a_truncated_workbook_as_corrupt(tmp_path):
    data = fixture_file("filled/CMRT_6.4_filled_giga.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert only_code(check_file(path)) == "file_corrupt"


def test_it_reports_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert only_code(check_file(path)) == "file_not_excel"


def test_it_refuses_a_zip_bomb_from_the_central_directory_without_inflating_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):  # 300 MB of zeros, ~300 KB on disk
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    result = check_file(path)
    assert only_code(result) == "zip_bomb"


def test_it_refuses_an_oversized_file_without_reading_it(tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(safety.MAX_FILE_BYTES + 1)  # sparse: no disk or memory cost
    assert only_code(check_file(path)) == "file_too_large"


def test_it_reports_a_password_protected_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    name = "EncryptionInfo".encode("utf-16-le")
    path.write_bytes(safety.OLE2_MAGIC + b"\0" * 512 + name + b"\0" * 512)
    assert only_code(check_file(path)) == "file_password_protected"


def test_it_reports_an_unrelated_workbook(tmp_path):
    path = tmp_path / "budget.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Budget 2025"
    workbook.save(path)
    assert only_code(check_file(path)) == "not_a_template"


def test_it_refuses_an_rmi_template_it_does_not_know(tmp_path):
    path = tmp_path / "prt.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Declaration"
    sheet["D2"] = "Pigments Reporting Template (PRT)"
    sheet["J3"] = "Revision 1.0\nMay 2026"
    workbook.create_sheet("Smelter List")
    workbook.save(path)
    result = check_file(path)
    assert only_code(result) == "unsupported_template"
    assert "Pigments Reporting Template" in result.findings[0].message


@pytest.fixture(scope="module")
def real_bytes():
    return fixture_file("filled/CMRT_6.4_filled_Honeywell_HEM.xlsx").read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_bytes_never_raise_only_produce_findings(real_bytes, data):
    mutated = bytearray(real_bytes)
    for _ in range(data.draw(st.integers(1, 20))):
        mutated[data.draw(st.integers(0, len(mutated) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        mutated = mutated[: data.draw(st.integers(0, len(mutated)))]
    result = check_file(bytes(mutated), options=OPTIONS, filename="mutated.xlsx")
    result.to_dict()
    assert result.valid == (not result.errors)


def _rezip_with_values(data: bytes, replacements: dict[bytes, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                for old, new in replacements.items():
                    payload = payload.replace(old, new)
            target.writestr(info.filename, payload)
    return out.getvalue()


cell_values = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>&"), max_size=30),
    st.sampled_from(
        [
            "#N/A",
            "0",
            "1",
            "CID000000",
            "CID9999999",
            "Smelter not listed",
            "Smelter not yet identified",
            "32-Jan-2024",
            "100%",
            "Unknown",
            "\t\t",
            "same",
            "B. Product",
            "=SUM(A1)",
        ]
    ),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(cell_values, min_size=1, max_size=6), targets=st.data())
def test_mutated_cell_values_never_raise_only_produce_findings(real_bytes, values, targets):
    originals = [b"Yes", b"No", b"Tantalum", b"Tungsten", b"CID001522", b"RMI", b"CHINA", b"100%"]
    chosen = targets.draw(
        st.lists(st.sampled_from(originals), min_size=len(values), max_size=len(values), unique=True)
    )
    replacements = {
        b"<t>" + old + b"</t>": b"<t>" + new.encode() + b"</t>"
        for old, new in zip(chosen, values, strict=True)
    }
    result = check_file(_rezip_with_values(real_bytes, replacements), options=OPTIONS, filename="cells.xlsx")
    assert result.declaration.template == "CMRT"
    result.to_dict()


@settings(max_examples=40, deadline=None)
@given(
    answer=st.one_of(st.none(), st.text(max_size=20), st.floats(allow_nan=True), st.integers()),
    date=st.one_of(st.none(), st.text(max_size=12), st.floats(), st.integers(-10, 10**7)),
)
def test_arbitrary_answers_and_dates_in_a_read_declaration_only_produce_findings(answer, date):
    declaration = _honeywell()
    declaration.answers["Tin"]["q3"] = answer
    declaration.company_answers["E"] = answer
    declaration.company.effective_date_raw = date
    check_declaration(declaration, options=OPTIONS).to_dict()


_CACHE: dict[str, object] = {}


def _honeywell():
    import copy

    if "d" not in _CACHE:
        _CACHE["d"] = read_workbook(fixture_file("filled/CMRT_6.4_filled_Honeywell_HEM.xlsx"))
    return copy.deepcopy(_CACHE["d"])


def test_a_sheet_reaching_the_last_excel_cell_is_refused_without_crashing(tmp_path):
    """calamine would allocate the whole used range (hundreds of GB) and abort the process."""
    from openpyxl import Workbook

    from supplyesg.minerals.cmrt import check_file

    path = tmp_path / "huge.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Declaration"
    sheet["A1"] = "x"
    sheet["XFD1048576"] = 1
    workbook.save(path)
    result = check_file(path)
    assert not result.valid
    assert [f.code for f in result.findings] == ["sheet_too_large"]
    assert "1048576" in result.findings[0].message


def test_a_macro_enabled_workbook_gives_one_finding_naming_the_vba_part():
    from tests.hostile_workbooks import with_macros

    result = check_file(with_macros(), filename="macros.xlsx")
    assert only_code(result) == "file_has_macros"
    assert "xl/vbaProject.bin" in result.findings[0].message


def test_a_lying_shared_string_count_is_refused_before_calamine_could_abort():
    from tests.hostile_workbooks import count_bomb

    result = check_file(count_bomb(), filename="bomb.xlsx")
    assert only_code(result) == "file_unreadable_safely"
    assert "4294967295" in result.findings[0].message


def test_when_the_reader_itself_crashes_the_file_gets_a_finding_and_this_process_lives_on(monkeypatch):
    """The guard is bypassed here: calamine aborts in the child on the count bomb, the caller gets a finding."""
    from supplyesg.minerals.cmrt import reader
    from tests.hostile_workbooks import count_bomb

    monkeypatch.setattr(reader, "inspect_bytes", lambda data: safety.SafetyReport("xlsx"))
    result = check_file(count_bomb(), filename="bomb.xlsx")
    assert only_code(result) == "file_unreadable_safely"
    assert "SIGABRT" in result.findings[0].message
    after = check_file(fixture_file("filled/CMRT_6.4_filled_Honeywell_HEM.xlsx"), options=OPTIONS)
    assert after.declaration.template == "CMRT" and after.declaration.company.name
