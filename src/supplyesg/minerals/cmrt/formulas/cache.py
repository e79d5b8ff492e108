"""Reading an .xlsx's formulas and writing each formula cell's computed value next to it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .book import Book, _split
from .values import Unsupported, XlError

_CELL_RE = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_F_RE = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_ATTR_RE = re.compile(r'\s([\w:]+)="([^"]*)"')
_DEFINED_RE = re.compile(r"<definedName\b([^>]*)>(.*?)</definedName>", re.S)


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_formulas(xml: str) -> tuple[dict, dict]:
    """(formulas, shared dependents) of one worksheet's XML: {(row, col): text}, {(row, col): (master, origin)}."""
    formulas: dict[tuple[int, int], str] = {}
    dependents: dict[tuple[int, int], str] = {}
    masters: dict[str, tuple[str, str]] = {}
    for match in _CELL_RE.finditer(xml):
        inner = match.group(3) or ""
        if "<f" not in inner:
            continue
        ref = dict(_ATTR_RE.findall(match.group(1))).get("r")
        f = _F_RE.search(inner)
        if ref is None or f is None:
            continue
        attrs = dict(_ATTR_RE.findall(f.group(1)))
        text = _unescape(f.group(2) or "")
        position = _split(ref)
        if attrs.get("t") == "shared":
            if text:
                masters[attrs["si"]] = (text, ref)
                formulas[position] = text
            else:
                dependents[position] = attrs.get("si", "")
        elif text:
            formulas[position] = text
    shared = {pos: masters[si] for pos, si in dependents.items() if si in masters}
    return formulas, shared


def defined_names(workbook_xml: str, sheet_names: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for attrs_text, body in _DEFINED_RE.findall(workbook_xml):
        attrs = dict(_ATTR_RE.findall(attrs_text))
        name, text = attrs.get("name"), _unescape(body)
        if not name or name.startswith("_xlnm."):
            continue
        local = attrs.get("localSheetId")
        if local is not None and local.isdigit() and int(local) < len(sheet_names):
            names[f"{sheet_names[int(local)]}!{name}"] = text
        else:
            names[name] = text
    return names


# Sheets whose formulas only restate the template's own reference data (language table, countries,
# subdivisions, the look-up's key column): their cached values are used as they are.
_CONSTANT_SHEETS = {"L", "C", "SorP", "Smelter Look-up"}


def _constant(value: Any) -> Any:
    """Calamine's cell value as Excel holds it: numbers as floats, dates and times as serial numbers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    if isinstance(value, dt.date):
        return float((value - dt.date(1899, 12, 30)).days)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


def build_book(sheet_values: dict[str, list[list[Any]]], sheet_xml: dict[str, str], workbook_xml: str, order: list[str]) -> Book:
    """A Book from each sheet's values (calamine rows from A1) and XML (for the formulas)."""
    values: dict[str, dict] = {}
    formulas: dict[str, dict] = {}
    shared: dict[str, dict] = {}
    extents: dict[str, int] = {}
    for name, rows in sheet_values.items():
        cells = {}
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    cells[(r, c)] = _constant(value)
        values[name] = cells
        extents[name] = len(rows)
    for name, xml in sheet_xml.items():
        if name in _CONSTANT_SHEETS:  # their cached values are the template's reference data: read, never computed
            continue
        formulas[name], shared[name] = sheet_formulas(xml)
        for keys in (formulas[name], shared[name]):
            if keys:
                extents[name] = max(extents.get(name, 0), max(r for r, _c in keys))
        for position in list(formulas[name]) + list(shared[name]):
            values.get(name, {}).pop(position, None)  # a formula cell's value is computed, never read
    return Book(values, formulas, shared, defined_names(workbook_xml, order), extents)


def _cached(value: Any) -> tuple[str, str]:
    """(t attribute, <v> text) for a computed value."""
    if isinstance(value, XlError):
        return "e", str(value)
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (int, float)):
        number = float(value)
        return "", str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return "str", _escape(str(value))


def write_caches(xml: str, book: Book, sheet: str, wanted) -> tuple[str, int]:
    """Give each formula cell ``wanted(row, col, has_cache)`` selects its computed cached value; returns the new XML
    and the number of cells written. A cell the evaluator cannot compute keeps no cache (Excel recomputes it)."""
    written = 0

    def replace(match: re.Match) -> str:
        nonlocal written
        inner = match.group(3) or ""
        if "<f" not in inner:
            return match.group(0)
        attrs = match.group(1)
        ref = dict(_ATTR_RE.findall(attrs)).get("r")
        if ref is None:
            return match.group(0)
        row, col = _split(ref)
        if not wanted(row, col, "<v>" in inner or "<v/>" in inner):
            return match.group(0)
        formula = _F_RE.search(inner).group(0)
        attrs = re.sub(r'\s(?:t|cm|vm)="[^"]*"', "", attrs)
        try:
            value = book.value(sheet, row, col)
        except (Unsupported, RecursionError, ValueError, TypeError, KeyError, IndexError):
            return f"<c{attrs}>{formula}</c>"
        kind, text = _cached(value)
        written += 1
        t = f' t="{kind}"' if kind else ""
        return f"<c{attrs}{t}>{formula}<v>{text}</v></c>"

    return _CELL_RE.sub(replace, xml), written


# Long input lists: rows below the headers are evaluated only where they hold input or have lost their cache.
_LIST_SHEETS = {"Smelter List": 5, "Mine List": 5}


def cache_workbook(data: bytes) -> tuple[bytes, int]:
    """Store the computed cached value of the formula cells of an .xlsx written by us; returns (bytes, cells written)."""
    import io
    import zipfile

    from python_calamine import CalamineWorkbook

    from ..sheetxml import sheet_paths

    source = zipfile.ZipFile(io.BytesIO(data))
    workbook_xml = source.read("xl/workbook.xml").decode("utf-8")
    paths = sheet_paths(workbook_xml, source.read("xl/_rels/workbook.xml.rels").decode("utf-8"))
    order = [_unescape(n) for n in re.findall(r'<sheet\b[^>]*\sname="([^"]*)"', workbook_xml)]
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
    xml = {name: source.read(path).decode("utf-8") for name, path in paths.items() if path in source.namelist()}
    values = {
        name: calamine.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in calamine.sheet_names if name in xml
    }
    book = build_book(values, xml, workbook_xml, order)
    replaced: dict[str, bytes] = {}
    total = 0
    for name, sheet_xml in xml.items():
        if name in _CONSTANT_SHEETS:
            continue
        first = _LIST_SHEETS.get(name)
        if first is None:
            wanted = _always
        else:
            with_input = {r for (r, c) in book.values.get(name, {}) if r >= first and c <= 17}

            def wanted(row, col, has_cache, first=first, with_input=with_input):
                return row < first or row in with_input or not has_cache

        new_xml, written = write_caches(sheet_xml, book, name, wanted)
        if written:
            replaced[paths[name]] = new_xml.encode("utf-8")
            total += written
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replaced.get(info.filename, source.read(info.filename)))
    return out.getvalue(), total


def _always(row, col, has_cache):
    return True
