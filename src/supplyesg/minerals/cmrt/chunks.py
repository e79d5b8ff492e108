"""Cutting a workbook (a zip) into pieces that many files share, for storing each piece once.

Workbooks written alike (the same RMI template filled by the same program) carry byte-identical compressed
members (the smelter look-up sheet, styles, images): only the sheets a supplier filled differ. `split_zip`
cuts the file at its members' compressed data so those can be stored once; the pieces, concatenated in order,
are the file's exact bytes whatever it contains (a file that is not a zip is one piece).
"""

from __future__ import annotations

import io
import zipfile

MIN_SHARED = 16 * 1024  # smaller members stay with the file's own bytes (headers, the sheets it filled)
_LOCAL_HEADER = b"PK\x03\x04"


def member_spans(data: bytes) -> list[tuple[zipfile.ZipInfo, int, int]]:
    """(info, start, end) of each member's stored data, in file order, skipping members that overlap or whose
    local header is not where the central directory says. Not a zip: no members."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, UnicodeDecodeError):
        return []
    spans = []
    position = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        header = info.header_offset
        if header < position or data[header : header + 4] != _LOCAL_HEADER:
            continue
        name_length = int.from_bytes(data[header + 26 : header + 28], "little")
        extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
        start = header + 30 + name_length + extra_length
        end = start + info.compress_size
        if end > len(data):
            continue
        spans.append((info, start, end))
        position = end
    return spans


def split_zip(data: bytes, min_shared: int = MIN_SHARED) -> list[tuple[str, int, int]]:
    """Segments (kind, start, end) covering `data` in order: "shared" for one member's compressed data of at
    least `min_shared` bytes, "own" for everything between them."""
    segments: list[tuple[str, int, int]] = []
    position = 0
    for info, start, end in member_spans(data):
        if info.compress_size < min_shared:
            continue
        if start > position:
            segments.append(("own", position, start))
        segments.append(("shared", start, end))
        position = end
    if position < len(data):
        segments.append(("own", position, len(data)))
    return segments
