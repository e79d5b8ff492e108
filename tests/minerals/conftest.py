"""Fixture-path helper and builders of template variations.

Real RMI workbooks are read from ../shared/fixtures at run time, never copied into the repo.
Variations are written into a copy in a tmp dir with openpyxl (which leaves formula caches empty,
the "formula cell with no cached value" case).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from supplyesg.minerals.cmrt import CheckOptions

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "cmrt-public"
TODAY = dt.date(2025, 9, 1)
OPTIONS = CheckOptions(today=TODAY)


def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CMRT fixtures missing at {FIXTURES}")
        pytest.skip(f"CMRT fixtures missing at {FIXTURES}")
    return FIXTURES


def fixture_file(name: str) -> Path:
    path = fixtures_dir() / name
    if not path.exists():
        pytest.skip(f"fixture {name} missing")
    return path


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return fixtures_dir()


# A valid CMRT declaration: Tin only, one Tin smelter given by CID in column A.
VALID_CMRT: dict[str, dict[str, Any]] = {
    "Declaration": {
        "D8": "Acme Metals Ltd.",
        "D9": "A. Company",
        "D15": "Jane Roe",
        "D16": "jane@example.com",
        "D17": "+1 555 0100",
        "D18": "John Doe",
        "D20": "john@example.com",
        "D22": dt.datetime(2025, 6, 1),
        "D26": "No",
        "D27": "Yes",
        "D28": "No",
        "D29": "No",
        "D33": "Yes",
        "D39": "No",
        "D45": "No",
        "D51": "No",
        "D57": "100%",
        "D63": "Yes",
        "D69": "Yes",
        "D75": "Yes",
        "D77": "Yes",
        "G77": "https://example.com/policy",
        "D79": "Yes",
        "D81": "Yes",
        "D83": "Yes, in conformance with IPC1755 (e.g., CMRT)",
        "D85": "Yes",
        "D87": "Yes",
        "D89": "No",
    },
    "Smelter List": {"A5": "CID001070"},
}


class TemplateWriter:
    """Keeps one blank template loaded; writes variations (base + changes) to new files."""

    def __init__(self, source: Path, out_dir: Path, base: Mapping[str, Mapping[str, Any]]):
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.workbook = openpyxl.load_workbook(source)
        # With Pillow installed (reportlab needs it) openpyxl keeps the logo images as open file objects that
        # only survive one save; the variants are read as data, so they go without the pictures.
        for sheet in self.workbook.worksheets:
            sheet._images = []
        self.out_dir = out_dir
        self.base = base
        self.count = 0

    def write(self, changes: Mapping[str, Mapping[str, Any]] | None = None, name: str | None = None) -> Path:
        merged: dict[str, dict[str, Any]] = {s: dict(c) for s, c in self.base.items()}
        for sheet, cells in (changes or {}).items():
            merged.setdefault(sheet, {}).update(cells)
        saved = []
        for sheet, cells in merged.items():
            ws = self.workbook[sheet]
            for addr, value in cells.items():
                saved.append((ws, addr, ws[addr].value))
                ws[addr] = value
        self.count += 1
        path = self.out_dir / (name or f"variant_{self.count}.xlsx")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.workbook.save(path)
        finally:
            for ws, addr, value in reversed(saved):
                ws[addr] = value
        return path


@pytest.fixture(scope="session")
def cmrt65(tmp_path_factory: pytest.TempPathFactory) -> TemplateWriter:
    source = fixture_file("RMI_CMRT_6.5.xlsx")
    return TemplateWriter(source, tmp_path_factory.mktemp("cmrt65"), VALID_CMRT)


@pytest.fixture(scope="session")
def emrt21(tmp_path_factory: pytest.TempPathFactory) -> TemplateWriter:
    source = fixture_file("RMI_EMRT_2.1.xlsx")
    return TemplateWriter(source, tmp_path_factory.mktemp("emrt21"), {})


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[[str], Path]:
    def copy(name: str) -> Path:
        target = tmp_path / Path(name).name
        shutil.copyfile(fixture_file(name), target)
        return target

    return copy
