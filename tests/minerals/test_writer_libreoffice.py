"""The company CMRT and EMRT as people see them in LibreOffice: opened without recalculation (LibreOffice's default for
.xlsx) the Checker is complete, labels follow the chosen language and the smelter rows are filled; after a full
recalculation every formula cell still shows what we stored; both files read back valid through our own checker."""

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from supplyesg.minerals.cmrt import check_file
from supplyesg.minerals.cmrt.formulas import sheet_formulas
from supplyesg.minerals.cmrt.sheetxml import sheet_paths
from supplyesg.minerals.cmrt.writer import write_declaration
from tests.minerals.conftest import fixture_file
from tests.minerals.test_writer import OPTIONS, complete_data

BLANKS = ("RMI_CMRT_6.5.xlsx", "RMI_EMRT_2.1.xlsx")
# LibreOffice's own setting for .xlsx files: 1 never recalculates on load (its default), 0 always does.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>{mode}</value></prop></item>
</oor:items>
"""
REFERENCE_SHEETS = {"L", "C", "SorP", "Smelter Look-up"}


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (libreoffice-calc-nogui) is required when CI=true; make browser installs it")
        pytest.skip("LibreOffice is not installed")
    return path


def resave(files: list[Path], out: Path, *, recalculate: bool) -> list[Path]:
    """Open each file in LibreOffice headless and save it again as .xlsx, as a user pressing Save would."""
    profile = out / ("profile-recalc" if recalculate else "profile-as-saved")
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE.format(mode=0 if recalculate else 1))
    target = out / ("recalculated" if recalculate else "as-saved")
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx", "--outdir", str(target)]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    converted = [target / f.name for f in files]
    assert all(f.is_file() for f in converted), result.stdout + result.stderr
    return converted


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    """{blank: (ours, as LibreOffice shows it without recalculating, after a full recalculation)}."""
    folder = tmp_path_factory.mktemp("libreoffice")
    ours = []
    for name in BLANKS:
        path = fixture_file(name)
        target = folder / f"company-{name}"
        target.write_bytes(write_declaration(path, complete_data(path)))
        ours.append(target)
    as_saved = resave(ours, folder, recalculate=False)
    recalculated = resave(ours, folder, recalculate=True)
    return {name: (o, a, r) for name, o, a, r in zip(BLANKS, ours, as_saved, recalculated, strict=True)}


def rows(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def formula_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    with zipfile.ZipFile(path) as package:
        paths = sheet_paths(package.read("xl/workbook.xml").decode(), package.read("xl/_rels/workbook.xml.rels").decode())
        out = {}
        for name, part in paths.items():
            formulas, shared = sheet_formulas(package.read(part).decode())
            out[name] = set(formulas) | set(shared)
        return out


def same(a, b) -> bool:
    def norm(v):
        return int(v) if isinstance(v, float) and v.is_integer() else v

    return norm(a) == norm(b)


@pytest.mark.parametrize("name", BLANKS)
@pytest.mark.parametrize("view", [1, 2], ids=["without-recalculation", "after-recalculation"])
def test_libreoffice_shows_the_checker_complete_in_english_with_the_smelter_rows_filled(opened, name, view):
    shown = opened[name][view]

    checker = rows(shown, "Checker")
    declaration = rows(shown, "Declaration")
    smelters = rows(shown, "Smelter List")
    assert str(checker[1][3]) == "0"  # "Required fields remaining to be complete"
    assert sum(1 for row in checker if len(row) > 2 and row[2] == "Complete") >= 50
    assert declaration[7][1] == "Company Name (*):" and declaration[2][3] == "English"
    listed = [row for row in smelters[4:] if row[0]]
    assert listed and all(row[2] and row[4] and row[5] == row[0] for row in listed)  # name, country, CID looked up


@pytest.mark.parametrize("name", BLANKS)
def test_every_formula_cell_shows_after_recalculation_what_we_stored(opened, name):
    ours, _as_saved, recalculated = opened[name]
    cells = formula_cells(ours)
    book_ours, book_lo = CalamineWorkbook.from_path(str(ours)), CalamineWorkbook.from_path(str(recalculated))
    compared, differ = 0, []
    for sheet in book_ours.sheet_names:
        if sheet in REFERENCE_SHEETS:
            continue
        a = book_ours.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        b = book_lo.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for row, col in cells.get(sheet, ()):
            if row > len(b):  # LibreOffice drops trailing rows it considers unused
                continue
            mine = a[row - 1][col - 1] if col <= len(a[row - 1]) else ""
            theirs = b[row - 1][col - 1] if col <= len(b[row - 1]) else ""
            compared += 1
            if not same(mine, theirs):
                differ.append((sheet, row, col, mine, theirs))
    assert compared > 30_000
    assert differ == []


@pytest.mark.parametrize("name", BLANKS)
def test_our_file_and_libreoffices_resaved_copy_read_back_valid(opened, name):
    for path in opened[name]:
        result = check_file(path.read_bytes(), options=OPTIONS, filename=path.name)
        assert result.errors == [], (path.name, [e.message for e in result.errors][:5])


def test_excel_still_recalculates_everything_on_load(opened):
    with zipfile.ZipFile(io.BytesIO(opened[BLANKS[0]][0].read_bytes())) as package:
        assert 'fullCalcOnLoad="1"' in package.read("xl/workbook.xml").decode()
