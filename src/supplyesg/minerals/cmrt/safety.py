"""Cheap guards run before a workbook is handed to calamine, worded as CMRT findings.

``inspect_bytes`` runs the core guard (first bytes, zip central directory, macros, declared counts, parts'
prologs) in the serving process, in milliseconds and bounded memory. The sheets' extents are checked in
the reading child on the slim copy (``oversized_sheet``), where they are cheap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from supplyesg.core.workbooks import guard
from supplyesg.core.workbooks.guard import OLE2_MAGIC, ZIP_MAGIC

from .findings import Finding, make_finding

MAX_FILE_BYTES = 25 * 1024 * 1024
# A real CMRT expands to ~10 MB; the largest single part (the Smelter List) to ~5 MB. The largest sheet
# (the hidden language list) spans 6,226 rows x 3 columns, the Smelter List ~2,500 x 34.
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 64 * 1024 * 1024
MAX_MEMBERS = 2000
LIMITS = guard.Limits(
    max_file_bytes=MAX_FILE_BYTES,
    max_total_uncompressed=MAX_TOTAL_UNCOMPRESSED,
    max_member_uncompressed=MAX_MEMBER_UNCOMPRESSED,
    max_members=MAX_MEMBERS,
    max_sheet_cells=1_000_000,
)
_MB = 1024 * 1024


@dataclass(frozen=True)
class SafetyReport:
    """``kind`` is "xlsx", "xls" or None; ``finding`` is set when the file must not be parsed."""

    kind: str | None
    finding: Finding | None = None


def _mb(n: int) -> str:
    return f"{n / _MB:.1f}"


def inspect_bytes(data: bytes) -> SafetyReport:
    """The core guard (directory, macros, declared counts, parts' prologs) worded as CMRT findings."""
    if data and not data.startswith((OLE2_MAGIC, ZIP_MAGIC)) and data.lstrip()[:5].lower() in (b"<?xml", b"<html", b"<!doc"):
        return SafetyReport(None, make_finding("unsupported_file_format", detail="XML/HTML, not .xlsx"))
    kind, problem = guard.inspect_workbook(data, LIMITS, sheets=False)
    return SafetyReport(kind, finding_for(problem) if problem else None)


def finding_for(problem: guard.Problem) -> Finding:
    code, params = problem.code, problem.params
    if code in _SAME_PARAMS:
        return make_finding(_SAME_PARAMS[code], **params)
    if code in _FORMATS:
        return make_finding("unsupported_file_format", detail=_FORMATS[code])
    if code == "sheet_too_large":
        return make_finding("sheet_too_large", rows=params.get("rows"), columns=params.get("columns"))
    if code == "macros":
        return make_finding("file_has_macros", detail=params.get("detail", ""))
    if code == "corrupt":
        return make_finding("file_corrupt", detail=params.get("detail", ""))
    if code in ("count_bomb", "dtd"):  # crafted, not damaged: never stored
        return make_finding("file_unreadable_safely", detail=str(problem))
    return make_finding("file_corrupt", detail=str(problem)[:160])


_SAME_PARAMS = {
    "empty": "file_empty",
    "too_large": "file_too_large",
    "not_excel": "file_not_excel",
    "encrypted": "file_password_protected",
    "zip_bomb": "zip_bomb",
}
_FORMATS = {"xls": "Excel 97-2003 .xls", "xlsb": "binary workbook .xlsb", "ods": "OpenDocument spreadsheet"}


def read_capped(path: str | os.PathLike[str]) -> tuple[bytes | None, Finding | None]:
    """Read a file, refusing anything over MAX_FILE_BYTES without reading it whole."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        return None, make_finding("file_corrupt", detail=str(exc)[:120])
    if size > MAX_FILE_BYTES:
        return None, make_finding("file_too_large", size_mb=_mb(size), limit_mb=_mb(MAX_FILE_BYTES))
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, make_finding("file_corrupt", detail=str(exc)[:120])
    return data, None


def oversized_sheet(data: bytes) -> Finding | None:
    """A finding when any worksheet reaches past a real template's bounds (the range calamine allocates)."""
    problem = guard.check_sheets(data, LIMITS)
    if problem is None or problem.code == "corrupt":
        return None  # calamine reports the damage itself
    return finding_for(problem)
