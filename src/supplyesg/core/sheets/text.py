"""Uploaded CSV text: its encoding and its delimiter.

Accepted: UTF-8 with or without BOM, UTF-16 LE/BE with BOM (what Excel's "Unicode text" writes, tab-separated)
or without BOM when the byte pattern says so, and GB18030 (Chinese Excel's default "CSV" encoding).
Delimiter: comma, semicolon or tab, whichever the header line uses.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

DELIMITERS = (",", ";", "\t")
# Control characters text files do not hold (tab, line breaks and form feed are fine).
_BINARY = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


class TextFileError(ValueError):
    """The bytes are not text in an accepted encoding."""


def _looks_binary(text: str) -> bool:
    """NUL characters, or control characters in more than 1 % of the text (one in a cell is the cell's problem)."""
    sample = text[:8192]
    return "\x00" in sample or len(_BINARY.findall(sample)) > max(1, len(sample) // 100)


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def detect_encoding(data: bytes) -> str:
    """The codec name for `data`; TextFileError when it is neither UTF-8, UTF-16 nor GB18030 text."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        guessed = _utf16_without_bom(data)
        candidates = ([guessed] if guessed else []) + ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return encoding
    raise TextFileError("not text")


def decode_text(data: bytes) -> str:
    encoding = detect_encoding(data)
    return data.decode(encoding).lstrip("\ufeff")


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are text (a multi-byte character may be cut at the end)."""
    for cut in (0, 1, 2, 3):
        sample = head[: len(head) - cut] if cut else head
        try:
            detect_encoding(sample)
            return True
        except TextFileError:
            continue
    return False


def sniff_delimiter(text: str) -> str:
    """The delimiter the first line uses most: comma, semicolon or tab (comma when none)."""
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(data: bytes) -> list[list[str]]:
    """All rows of CSV or tab-separated text as lists of strings. Raises TextFileError or csv.Error."""
    text = decode_text(data)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
