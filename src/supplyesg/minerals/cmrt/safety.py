"""Cheap guards run before a workbook is handed to calamine.

They look at the first bytes and at the zip central directory only, so a hostile upload (huge file,
zip bomb, encrypted or legacy container, random bytes) is refused in milliseconds and bounded memory.
"""

from __future__ import annotations

import io
import os
import zipfile
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
        return SafetyReport(
            None, make_finding("file_too_large", size_mb=_mb(len(data)), limit_mb=_mb(MAX_FILE_BYTES))
        )
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
            return SafetyReport(
                None, make_finding("file_corrupt", detail=f"inconsistent sizes for {info.filename}")
            )
        if size > MAX_MEMBER_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED:
            return SafetyReport(
                None,
                make_finding("zip_bomb", size_mb=_mb(max(total, size)), limit_mb=_mb(MAX_TOTAL_UNCOMPRESSED)),
            )
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "content.xml" in names:
            return SafetyReport(
                None, make_finding("unsupported_file_format", detail="OpenDocument spreadsheet")
            )
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
