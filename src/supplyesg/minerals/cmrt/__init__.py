"""Plain-Python CMRT 6.x / EMRT 1.x-2.x / AMRT 1.x / CRT 2.x reader and validator (no Django import).

See README.md here for the releases read and how to add a new RMI release.

    result = check_file("supplier.xlsx")          # CheckResult
    result.valid, result.findings, result.to_dict()

Pass ``reference=Reference(...)`` to use a reference smelter list, RMAP statuses and country sets
from elsewhere, and ``options=CheckOptions(...)`` for today's date, date age and minimum version.
"""

from __future__ import annotations

import os
from pathlib import Path

from .checks import CheckResult, check_declaration
from .findings import CATALOGUE, Finding, make_finding
from .reader import read_workbook
from .records import Declaration, MineRow, SmelterRow
from .reference import Match, ReferenceList, ReferenceSmelter, loose_key, normalise_cid
from .smelters import CheckOptions, Reference, ResolvedSmelter

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def check_file(
    source: str | os.PathLike[str] | bytes,
    *,
    reference: Reference | None = None,
    options: CheckOptions | None = None,
    filename: str | None = None,
) -> CheckResult:
    """Read and validate one file; never raises for a bad file."""
    return check_declaration(read_workbook(source, filename=filename), reference, options)


def expand_paths(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; folders become their regular files sorted by name (hidden and ~$ lock files skipped).

    Special files (FIFO, device, socket) are left out: opening one would block or read for ever.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                p for p in sorted(path.iterdir(), key=lambda p: p.name) if p.is_file() and not p.name.startswith((".", "~$"))
            )
        elif path.is_file():
            out.append(path)
    return out


__all__ = [
    "CATALOGUE",
    "CheckOptions",
    "CheckResult",
    "Declaration",
    "Finding",
    "Match",
    "MineRow",
    "Reference",
    "ReferenceList",
    "ReferenceSmelter",
    "ResolvedSmelter",
    "SmelterRow",
    "check_declaration",
    "check_file",
    "expand_paths",
    "make_finding",
    "normalise_cid",
    "loose_key",
    "read_workbook",
]
