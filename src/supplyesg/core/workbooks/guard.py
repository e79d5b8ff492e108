"""Inspect an .xlsx before any native reader (calamine, openpyxl) touches it. Plain Python, no Django.

calamine trusts what a workbook declares: ``uniqueCount="4294967295"`` in xl/sharedStrings.xml makes it
reserve ~100 GB and abort the whole process (a Rust abort, not an exception), and one cell at XFD1048576
makes it allocate the sheet's whole used range. So the zip central directory, the declared counts, the
sheets' extents and every XML part's prolog are checked first, inflating parts in bounded chunks only.
A refused file comes back as a ``Problem`` (a code and its parameters); each caller words it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_OOXML_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
MB = 1024 * 1024

# Parts and content types that only macro-enabled workbooks carry (.xlsm, .xltm, .xlam).
_MACRO_PART_RE = re.compile(r"(?:^|/)(?:vbaProject\.bin|vbaProjectSignature\.bin|vbaData\.xml)$|^xl/macrosheets/", re.I)
_MACRO_CONTENT_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.vbaProject", b"ms-excel.macrosheet")
_DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_COUNT_RE = re.compile(rb'\b(uniqueCount|count)\s*=\s*["\'](\d+)["\']')
_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*["\']\$?([A-Z]*)\$?(\d*)(?::\$?([A-Z]*)\$?(\d*))?')
_REF_RE = re.compile(rb'\br\s*=\s*["\']\$?([A-Z]{1,4})\$?(\d{1,9})["\']')
# Quick patterns start with a literal (fast to scan for) and catch only columns past Z or rows past 9,999.
_QUICK_REF_RE = re.compile(rb' r="([A-Z]{2,4}(?=\d)|[A-Z](?=\d{5}))(\d{1,9})"')
_QUICK_ROW_RE = re.compile(rb'<row r="(\d{1,9})"')
_ROW_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br\s*=\s*["\'](\d{1,9})["\']')
# The smallest shared string is "<si/>"; a declared count above the part's size / 5 cannot be honest.
_MIN_SHARED_STRING_BYTES = 5
_CHUNK = 256 * 1024
_PROLOG_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what a workbook may declare or expand to. A filled CMRT is ~1.5 MB and expands to ~10 MB."""

    max_file_bytes: int = 25 * MB
    max_total_uncompressed: int = 200 * MB
    max_member_uncompressed: int = 64 * MB
    max_members: int = 2000
    # Deflate expands by at most ~1032:1; real sheets compress 5-40:1. A large part beyond this is a bomb.
    max_ratio: int = 250
    # calamine allocates rows x columns of the used range; the largest RMI sheet is ~6,300 x 35 cells.
    max_sheet_cells: int = 1_500_000
    max_rows: int = 1_048_576
    max_columns: int = 16_384
    max_shared_strings: int = 2_000_000
    allow_macros: bool = False


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Problem:
    """Why a file must not be parsed. ``code`` is one of CODES; ``params`` fill the callers' messages."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return ENGLISH[self.code].format(**{**_BLANK_PARAMS, **self.params})


ENGLISH = {
    "empty": "the file is empty",
    "too_large": "the file is {size_mb} MB; the limit is {limit_mb} MB",
    "not_excel": "the file is not an Excel workbook (.xlsx)",
    "xls": "Excel 97-2003 .xls workbooks are not read; save it as .xlsx",
    "xlsb": "binary .xlsb workbooks are not read; save it as .xlsx",
    "ods": "OpenDocument spreadsheets are not read; save it as .xlsx",
    "corrupt": "the workbook is damaged ({detail})",
    "encrypted": "the workbook is password-protected",
    "zip_bomb": "the workbook would expand to {size_mb} MB (limit {limit_mb} MB)",
    "macros": "the workbook contains macros ({detail}); save it as a macro-free .xlsx workbook",
    "dtd": "the part {detail} declares a DTD or entities, which no Excel workbook does",
    "count_bomb": "the part {detail} declares {count} entries, more than it can hold",
    "sheet_too_large": "the sheet {detail} spans {rows} rows and {columns} columns",
}
CODES = tuple(ENGLISH)
_BLANK_PARAMS = {"detail": "", "size_mb": "", "limit_mb": "", "count": "", "rows": "", "columns": ""}


def _mb(n: int) -> str:
    return f"{n / MB:.1f}"


def inspect_workbook(
    data: bytes, limits: Limits = DEFAULT_LIMITS, *, sheets: bool = True
) -> tuple[str | None, Problem | None]:
    """("xlsx" | "xls" | None, problem or None).

    Checks the central directory, macros, and every XML part's prolog and declared counts; with ``sheets``
    also the extent of every worksheet (the CMRT reader leaves that to ``check_sheets`` on its slim copy).
    """
    if not data:
        return None, Problem("empty")
    if len(data) > limits.max_file_bytes:
        return None, Problem("too_large", {"size_mb": _mb(len(data)), "limit_mb": _mb(limits.max_file_bytes)})
    if data.startswith(OLE2_MAGIC):
        if any(marker in data for marker in ENCRYPTED_OOXML_MARKERS):
            return None, Problem("encrypted")
        return "xls", None
    if not data.startswith(ZIP_MAGIC):
        return None, Problem("not_excel")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError) as exc:
        return None, Problem("corrupt", {"detail": f"bad zip: {exc}"[:120]})
    with archive:
        problem = _check_directory(infos, limits)
        if problem is None:
            problem = _check_parts(archive, infos, limits, sheets=sheets)
    return ("xlsx", None) if problem is None else (None, problem)


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> Problem | None:
    if len(infos) > limits.max_members:
        return Problem("corrupt", {"detail": f"{len(infos)} parts in the archive"})
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return Problem("encrypted")
        size = info.file_size
        total += size
        # Stored data cannot shrink and deflate cannot expand beyond ~1032:1: anything else is a lying directory.
        inconsistent = info.compress_size > size + 1024 + size // 100 or (
            info.compress_type == zipfile.ZIP_STORED and info.compress_size != size
        )
        if inconsistent:
            return Problem("corrupt", {"detail": f"inconsistent sizes for {info.filename}"[:120]})
        dense_limit = limits.max_ratio * max(info.compress_size, 1)
        if size > MB and size > dense_limit:
            return Problem("zip_bomb", {"size_mb": _mb(size), "limit_mb": _mb(max(dense_limit, MB))})
        if size > limits.max_member_uncompressed:
            return Problem("zip_bomb", {"size_mb": _mb(size), "limit_mb": _mb(limits.max_member_uncompressed)})
        if total > limits.max_total_uncompressed:
            return Problem("zip_bomb", {"size_mb": _mb(total), "limit_mb": _mb(limits.max_total_uncompressed)})
    names = {info.filename for info in infos}
    if "xl/workbook.bin" in names:
        return Problem("xlsb")
    if "xl/workbook.xml" not in names:
        return Problem("ods") if "content.xml" in names else Problem("not_excel")
    if not limits.allow_macros:
        macro_parts = sorted(name for name in names if _MACRO_PART_RE.search(name))
        if macro_parts:
            return Problem("macros", {"detail": macro_parts[0]})
    return None


def check_sheets(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Problem | None:
    """The extent check of every worksheet alone (for a workbook whose other parts were inspected)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if _is_sheet(i.filename)]
            return _check_parts(archive, infos, limits, sheets=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError) as exc:
        return Problem("corrupt", {"detail": f"bad zip: {exc}"[:120]})


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_parts(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits, *, sheets: bool
) -> Problem | None:
    try:
        for info in infos:
            name = info.filename
            if not name.endswith((".xml", ".rels", ".vml")) and name != "[Content_Types].xml":
                continue
            if sheets and _is_sheet(name):
                problem = _check_sheet(archive, info, limits)
            else:
                problem = _check_prolog(archive, info, limits)
            if problem:
                return problem
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, NotImplementedError) as exc:
        return Problem("corrupt", {"detail": f"{type(exc).__name__}: {exc}"[:120]})
    return None


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The part's content in chunks, never more than its declared size."""
    left = info.file_size
    with archive.open(info) as handle:
        while left > 0:
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = _PROLOG_BYTES) -> bytes:
    with archive.open(info) as handle:
        return handle.read(min(size, info.file_size))


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> Problem | None:
    head = _head(archive, info)
    if _DTD_RE.search(head):
        return Problem("dtd", {"detail": info.filename})
    if info.filename == "[Content_Types].xml" and not limits.allow_macros:
        for marker in _MACRO_CONTENT_TYPES:
            if marker.lower() in head.lower():
                return Problem("macros", {"detail": marker.decode()})
    if info.filename.endswith("sharedStrings.xml"):
        start = head.find(b"<sst")
        tag = head[start : head.find(b">", start) + 1] if start >= 0 else b""
        ceiling = min(limits.max_shared_strings, info.file_size // _MIN_SHARED_STRING_BYTES + 1)
        for _attr, value in _COUNT_RE.findall(tag):
            if int(value[:12]) > ceiling:
                return Problem("count_bomb", {"detail": info.filename, "count": int(value[:12])})
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> Problem | None:
    """Scan a worksheet in chunks for a DTD and a bound on the range calamine will allocate.

    A quick pass bounds the range from row elements, multi-letter columns and five-digit rows only (a real
    sheet has few of those); only when that bound is over budget are all cell references read.
    """
    bound = _sheet_bound(archive, info, exact=False)
    if isinstance(bound, Problem):
        return bound
    rows, cols, tags = bound
    if max(rows * cols, tags) > limits.max_sheet_cells or rows > limits.max_rows or cols > limits.max_columns:
        bound = _sheet_bound(archive, info, exact=True)
        if isinstance(bound, Problem):
            return bound
        rows, cols, tags = bound
    # Cells written without a reference are placed one after another, so their number bounds the range too.
    if rows > limits.max_rows or cols > limits.max_columns or max(rows * max(cols, 1), tags) > limits.max_sheet_cells:
        return Problem("sheet_too_large", {"detail": info.filename, "rows": rows, "columns": cols})
    return None


def _written_plainly(text: bytes) -> bool:
    """Attributes written as Excel, LibreOffice and openpyxl write them: r="A1", no prefixes, no $."""
    return not any(odd in text for odd in (b"r='", b"r =", b"r= ", b'r="$', b":sheetData", b":c "))


def _sheet_bound(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, exact: bool) -> tuple[int, int, int] | Problem:
    rows = cols = tags = 0
    tail = b""
    first = True
    for chunk in _chunks(archive, info):
        text = tail + chunk
        if first:
            if _DTD_RE.search(text[:_PROLOG_BYTES]):
                return Problem("dtd", {"detail": info.filename})
            dimension = _DIMENSION_RE.search(text[:_PROLOG_BYTES])
            if dimension:
                for letters, digits in (dimension.group(1, 2), dimension.group(3, 4)):
                    rows = max(rows, int((digits or b"0")[:12]))
                    cols = max(cols, _column_number((letters or b"")[:4]))
            first = False
        count = chunk.count(b"<c")
        tags += count
        if exact:
            refs, row_numbers = _REF_RE.findall(text), _ROW_RE.findall(text)
        elif _written_plainly(text):
            if count:
                cols, rows = max(cols, 26), max(rows, 9999)  # any single-letter column, any 4-digit row
            refs, row_numbers = _QUICK_REF_RE.findall(text), _QUICK_ROW_RE.findall(text)
        else:
            return _sheet_bound(archive, info, exact=True)
        for letters, digits in refs:
            cols = max(cols, _column_number(letters))
            rows = max(rows, int(digits))
        for digits in row_numbers:
            rows = max(rows, int(digits))
        # A reference cut at the chunk boundary is matched whole in the next round (twice is harmless).
        cut = text.rfind(b"<", len(text) - 64)
        tail = text[cut:] if cut >= 0 else b""
    return rows, cols, tags
