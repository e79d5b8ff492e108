"""Cheap guards run before a workbook is handed to calamine.

They look at the first bytes and at the zip central directory only, so a hostile upload (huge file,
zip bomb, encrypted or legacy container, random bytes) is refused in milliseconds and bounded memory.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass

from .findings import Finding, make_finding

MAX_FILE_BYTES = 25 * 1024 * 1024
# A real CMRT expands to ~10 MB; the largest single part (the Smelter List) to ~5 MB.
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 100 * 1024 * 1024
MAX_MEMBERS = 2000

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_OOXML_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_MB = 1024 * 1024


@dataclass(frozen=True)
class SafetyReport:
    """``kind`` is "xlsx", "xls" or None; ``finding`` is set when the file must not be parsed."""

    kind: str | None
    finding: Finding | None = None


def _mb(n: int) -> str:
    return f"{n / _MB:.1f}"


def inspect_bytes(data: bytes) -> SafetyReport:
    if not data:
        return SafetyReport(None, make_finding("file_empty"))
    if len(data) > MAX_FILE_BYTES:
        return SafetyReport(None, make_finding("file_too_large", size_mb=_mb(len(data)), limit_mb=_mb(MAX_FILE_BYTES)))
    if data.startswith(OLE2_MAGIC):
        if any(marker in data for marker in ENCRYPTED_OOXML_MARKERS):
            return SafetyReport(None, make_finding("file_password_protected"))
        return SafetyReport("xls")
    if not data.startswith(ZIP_MAGIC):
        if data.lstrip()[:5].lower() in (b"<?xml", b"<html", b"<!doc"):
            return SafetyReport(None, make_finding("unsupported_file_format", detail="XML/HTML, not .xlsx"))
        return SafetyReport(None, make_finding("file_not_excel"))
    return _inspect_zip(data)


def _inspect_zip(data: bytes) -> SafetyReport:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        return SafetyReport(None, make_finding("file_corrupt", detail=f"bad zip: {exc}"[:120]))
    if len(infos) > MAX_MEMBERS:
        return SafetyReport(None, make_finding("file_corrupt", detail=f"{len(infos)} parts in the archive"))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return SafetyReport(None, make_finding("file_password_protected"))
        size = info.file_size
        total += size
        # Deflate cannot expand beyond ~1032:1, and stored data cannot shrink: sizes outside that
        # envelope mean a lying central directory.
        inconsistent = info.compress_size > size + 1024 + size // 100 or (
            info.compress_type == zipfile.ZIP_STORED and info.compress_size != size
        )
        if inconsistent:
            return SafetyReport(None, make_finding("file_corrupt", detail=f"inconsistent sizes for {info.filename}"))
        if size > MAX_MEMBER_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED:
            return SafetyReport(
                None,
                make_finding("zip_bomb", size_mb=_mb(max(total, size)), limit_mb=_mb(MAX_TOTAL_UNCOMPRESSED)),
            )
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "content.xml" in names:
            return SafetyReport(None, make_finding("unsupported_file_format", detail="OpenDocument spreadsheet"))
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            return SafetyReport(None, make_finding("file_not_excel"))
        return SafetyReport(None, make_finding("file_not_excel"))
    if "xl/workbook.bin" in names:
        return SafetyReport(None, make_finding("unsupported_file_format", detail="binary workbook .xlsb"))
    return SafetyReport("xlsx")


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


# ---------------------------------------------------------------- sheet extent

# calamine allocates a sheet's whole used range at once; one cell at XFD1048576 asks for hundreds of GB
# and aborts the process (a Rust abort, not an exception). The largest RMI template sheet spans 6,226 rows
# (the hidden language sheet) and 35 columns, so a reference with a three-letter column or a row of five
# or more digits (column 703+, row 10,000+) is refused. One regex search per sheet keeps this cheap.
_OUT_OF_BOUNDS_RE = re.compile(rb'\br=["\'](?:[A-Z]{3,}\d|[A-Z]{0,2}\d{5,})')
_REF_RE = re.compile(rb'\br=["\']([A-Z]{0,3})(\d+)["\']')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column) referenced by the cells and rows of a worksheet's XML."""
    rows = cols = 0
    for letters, digits in _REF_RE.findall(xml):
        rows = max(rows, int(digits[:12]))
        if letters:
            cols = max(cols, _column_number(letters))
    return rows, cols


def oversized_sheet(data: bytes) -> Finding | None:
    """A finding when any worksheet in the archive reaches past a real template's bounds, else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                if info.file_size > MAX_MEMBER_UNCOMPRESSED:
                    return make_finding("zip_bomb", size_mb=_mb(info.file_size), limit_mb=_mb(MAX_MEMBER_UNCOMPRESSED))
                xml = archive.read(info)
                if _OUT_OF_BOUNDS_RE.search(xml):
                    rows, cols = sheet_extent(xml)
                    return make_finding("sheet_too_large", rows=rows, columns=cols)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, KeyError, zlib.error):
        return None  # calamine reports the damage itself
    return None
