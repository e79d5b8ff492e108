"""Which cells of an .xlsx sheet are percent-formatted, read from the workbook's own XML.

python-calamine returns values without number formats, so the percent cells are found apart: the cell
styles (`xl/styles.xml` cellXfs, each pointing to a number format) and the `s` attribute of each cell of the
sheet, read as a stream. Built-in formats 9 (0%) and 10 (0.00%) and any custom format with a % outside
quotes count. The readers call this only for files that passed their own size checks.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

from supplyesg.core.sheets.numbers import PercentCell

PERCENT_BUILTIN = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def is_percent_format(code: str) -> bool:
    """True when the format code shows a percentage (a % that is not quoted, escaped or in brackets)."""
    return "%" in _QUOTED.sub("", code or "")


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    try:
        root = ET.fromstring(archive.read("xl/styles.xml"))
    except (KeyError, ET.ParseError):
        return set()
    custom: dict[int, str] = {}
    styles: set[int] = set()
    for element in root:
        name = _local(element.tag)
        if name == "numFmts":
            for fmt in element:
                try:
                    custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif name == "cellXfs":
            for index, xf in enumerate(element):
                try:
                    number_format = int(xf.get("numFmtId", "0"))
                except ValueError:
                    continue
                if number_format in PERCENT_BUILTIN or (
                    number_format in custom and is_percent_format(custom[number_format])
                ):
                    styles.add(index)
    return styles


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    rel_id = None
    for element in workbook.iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
    for element in rels.iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == rel_id:
            target = element.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    return None


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def percent_cells(data: bytes, sheet: str) -> set[tuple[int, int]]:
    """(1-based row, 0-based column) of every percent-formatted cell of `sheet`; empty when unreadable."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        styles = _percent_styles(archive)
        part = _sheet_part(archive, sheet) if styles else None
        if part is None:
            return set()
        found = set()
        with archive.open(part) as stream:
            for _event, element in ET.iterparse(stream, events=("end",)):
                name = _local(element.tag)
                if name == "c":
                    ref = _REF.fullmatch(element.get("r") or "")
                    style = element.get("s")
                    if ref and style and style.isdigit() and int(style) in styles:
                        found.add((int(ref.group(2)), _column(ref.group(1))))
                    element.clear()
                elif name == "row":
                    element.clear()
        return found
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, EOFError, ValueError, RuntimeError):
        return set()


def as_percent_cell(value):
    """A number from a percent-formatted cell as `PercentCell`; other values unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return PercentCell(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))


def mark_percent_cells(rows, cells: set[tuple[int, int]]):
    """Replace, in (row number, values) pairs, the numbers of percent-formatted cells by `PercentCell`."""
    if not cells:
        return rows
    by_row: dict[int, list[int]] = {}
    for row, col in cells:
        by_row.setdefault(row, []).append(col)
    out = []
    for number, values in rows:
        if number in by_row:
            values = list(values)
            for col in by_row[number]:
                if col < len(values):
                    values[col] = as_percent_cell(values[col])
        out.append((number, values))
    return out
