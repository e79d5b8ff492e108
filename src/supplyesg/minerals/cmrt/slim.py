"""A slimmer copy of a CMRT/EMRT workbook for calamine, so that checking a file stays fast.

Most of the time of reading a real file went into parsing the Smelter List: ~2,500 rows of formulas
(5 MB of XML) of which a supplier fills a few dozen. ``slim_workbook`` builds a new zip holding only the
parts the reader uses, copied still compressed, with the Smelter List cut after the last row holding a
typed value in columns A-E (the reader skips rows without one anyway). Shared strings, styles, formula
results and errors such as #N/A are still resolved by calamine, from the same XML.

The cut is made only when the sheet is written the way Excel, LibreOffice, WPS and openpyxl write it
(compact, unprefixed ``<c r="A5" ...><v>``); anything else returns None and the whole file is read.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from .sheetxml import sheet_paths

SHEET_SMELTERS = "Smelter List"
# Parts calamine needs to open the workbook and resolve values, besides the worksheets themselves.
_WORKBOOK_PARTS = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
)
_INPUT_COLUMNS = (b"A", b"B", b"C", b"D", b"E")
_FIRST_DATA_ROW = 5
# A cell whose value follows its start tag directly is a typed value; a formula's result follows </f>.
_LITERAL_MARKERS = (b'"><v>', b'"><is>')
_CELL_REF_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_LOOSE_MARKUP_RE = re.compile(rb">\s+<|\br='|<\w+:(?:c|row|v)\b")


def slim_workbook(data: bytes, sheets: tuple[str, ...]) -> bytes | None:
    """A workbook holding only the named sheets (plus the Smelter List, cut short), or None.

    None means the Smelter List cannot be cut safely (unusual XML, no such sheet, damaged member):
    the caller then reads the original file, which reports any damage itself.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            paths = sheet_paths(
                archive.read("xl/workbook.xml").decode("utf-8", "replace"),
                archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace"),
            )
        smelter = infos.get(paths.get(SHEET_SMELTERS, ""))
        if smelter is None:
            return None
        xml = _inflate(data, smelter)
        cut = cut_smelter_rows(xml) if xml is not None else None
        if cut is None:
            return None
        out = _ZipWriter()
        wanted = list(_WORKBOOK_PARTS) + [paths[s] for s in sheets if s in paths and s != SHEET_SMELTERS]
        for name in dict.fromkeys(wanted):
            info = infos.get(name)
            if info is not None:
                out.add(name, _raw(data, info), info.compress_type, info.CRC, info.file_size)
        out.add(smelter.filename, cut, zipfile.ZIP_STORED, zlib.crc32(cut), len(cut))
        return out.finish()
    except Exception:  # any doubt about the archive: read the original, which reports the damage
        return None


def cut_smelter_rows(xml: bytes) -> bytes | None:
    """The Smelter List XML without the rows after the last one with a typed value in A-E."""
    body = xml.find(b"<sheetData>")
    end = xml.rfind(b"</sheetData>")
    first = xml.find(b'<row r="%d"' % _FIRST_DATA_ROW, body)
    if body < 0 or end < 0 or first < 0 or first > end:
        return None
    header = xml[body:first]
    if b'<c r="' not in header or _LOOSE_MARKUP_RE.search(header):
        return None
    last_hit = -1
    for marker in _LITERAL_MARKERS:
        position = xml.rfind(marker, max(first, last_hit + 1), end)
        while position > last_hit:
            start = xml.rfind(b"<c ", first, position)
            ref = _CELL_REF_RE.match(xml, start) if start >= 0 else None
            if ref is None:
                return None
            if ref.group(1) in _INPUT_COLUMNS:
                last_hit = position
                break
            position = xml.rfind(marker, max(first, last_hit + 1), start)
    cut = first if last_hit < 0 else xml.find(b"<row ", last_hit, end)
    if cut < 0:
        return xml
    return xml[:cut] + xml[end:]


# ---------------------------------------------------------------- zip plumbing


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes as stored in the archive (still compressed)."""
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    start = offset + 30 + name_length + extra_length
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename} is truncated")
    return raw


def _inflate(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The member's content, never more than its declared size (a lying header is not followed)."""
    raw = _raw(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        return raw
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    content = inflater.decompress(raw, info.file_size + 1)
    return content if len(content) == info.file_size else None


class _ZipWriter:
    """Writes members whose compressed bytes, CRC and sizes are already known (no recompression)."""

    _DOS_DATE = 0x21  # 1980-01-01

    def __init__(self) -> None:
        self.out = bytearray()
        self.entries: list[tuple[bytes, int, int, int, int, int, int]] = []

    def add(self, name: str, payload: bytes, method: int, crc: int, size: int) -> None:
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        offset = len(self.out)
        self.out += struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            flags,
            method,
            0,
            self._DOS_DATE,
            crc,
            len(payload),
            size,
            len(encoded),
            0,
        )
        self.out += encoded
        self.out += payload
        self.entries.append((encoded, flags, method, crc, len(payload), size, offset))

    def finish(self) -> bytes:
        directory = len(self.out)
        for encoded, flags, method, crc, compressed, size, offset in self.entries:
            self.out += struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                0,
                self._DOS_DATE,
                crc,
                compressed,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            self.out += encoded
        count = len(self.entries)
        self.out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(self.out) - directory, directory, 0)
        return bytes(self.out)
