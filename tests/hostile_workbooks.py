"""A corpus of hostile workbooks, built here (never downloaded): each one once broke or could break a reader.

``corpus()`` maps a name to (bytes, what a person should read in the refusal). Every upload path is
tested with every entry in tests/*/test_hostile_*.py.
"""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

BOMB_COUNT = 4294967295


def workbook_bytes(sheets: dict[str, dict[str, object]] | None = None) -> bytes:
    """A small real .xlsx written by openpyxl: {sheet name: {cell: value}}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, cells in (sheets or {"Declaration": {"A1": "Conflict Minerals Reporting Template"}}).items():
        sheet = workbook.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(data: bytes, *, replace=None, add=None, compress=zipfile.ZIP_DEFLATED) -> bytes:
    """A copy of the archive with members replaced (bytes, or a function of the old bytes) or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compression=compress) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            change = replace.get(info.filename)
            if change is not None:
                payload = change(payload) if callable(change) else change
            target.writestr(info.filename, payload)
        for name, payload in add.items():
            target.writestr(name, payload)
    return out.getvalue()


SST_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def with_shared_strings(sst: bytes) -> bytes:
    """A workbook whose Declaration!A1 is shared string 0 of the given xl/sharedStrings.xml."""
    def rels(xml: bytes) -> bytes:
        return xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdSst" Target="sharedStrings.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        )

    def types(xml: bytes) -> bytes:
        return xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )

    def sheet(xml: bytes) -> bytes:
        start = xml.index(b"<sheetData")
        end = xml.index(b"</sheetData>") + len(b"</sheetData>")
        return xml[:start] + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>' + xml[end:]

    return rezip(
        workbook_bytes(),
        replace={"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types, "xl/worksheets/sheet1.xml": sheet},
        add={"xl/sharedStrings.xml": sst},
    )


def count_bomb() -> bytes:
    """sharedStrings.xml declares 4,294,967,295 strings: calamine reserved ~100 GB and aborted the process."""
    count = str(BOMB_COUNT).encode()
    return with_shared_strings(
        b'<?xml version="1.0" encoding="UTF-8"?><sst ' + SST_NS + b' count="' + count + b'" uniqueCount="'
        + count + b'"><si><t>Conflict Minerals Reporting Template</t></si></sst>'
    )


def far_cell() -> bytes:
    return workbook_bytes({"Declaration": {"A1": "x", "XFD1048576": 1}})


def near_guard_in_five_sheets() -> bytes:
    """One cell at ZZ9999 in five sheets: within the old row/column guard, 7 million cells each."""
    names = ("Declaration", "Smelter List", "Product List", "Revision", "Smelter Look-up")
    return workbook_bytes({name: {"A1": name, "ZZ9999": "x"} for name in names})


def lying_dimension() -> bytes:
    def lie(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)

    return rezip(workbook_bytes(), replace={"xl/worksheets/sheet1.xml": lie})


def with_macros() -> bytes:
    """A VBA project part and the macro-enabled content type, as Excel writes an .xlsm."""
    def macro_type(xml: bytes) -> bytes:
        return xml.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')

    return rezip(
        workbook_bytes(),
        replace={"[Content_Types].xml": macro_type},
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"" * 10},
    )


def truncated() -> bytes:
    data = workbook_bytes({"Declaration": {f"A{n}": f"row {n}" for n in range(1, 400)}})
    return data[: len(data) * 2 // 3]


def zip_bomb() -> bytes:
    """A worksheet of 20 MB of spaces compressed ~1000:1."""
    return rezip(workbook_bytes(), replace={"xl/worksheets/sheet1.xml": lambda xml: xml + b" " * (20 * 1024 * 1024)})


def entity_bomb() -> bytes:
    """"Billion laughs" entities in the shared strings."""
    return with_shared_strings(
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b"<sst " + SST_NS + b' count="1" uniqueCount="1"><si><t>&d;</t></si></sst>'
    )


def corpus() -> dict[str, tuple[bytes, str]]:
    """name -> (file, a phrase of the refusal a person reads)."""
    return {
        "count_bomb": (count_bomb(), "declares 4294967295 entries"),
        "far_cell": (far_cell(), "1048576"),
        "near_guard_in_five_sheets": (near_guard_in_five_sheets(), "9999"),
        "lying_dimension": (lying_dimension(), "1048576"),
        "macros": (with_macros(), "macro"),
        "truncated": (truncated(), "damaged"),
        "zip_bomb": (zip_bomb(), "expand"),
        "entity_bomb": (entity_bomb(), "DTD"),
    }


def control_characters() -> bytes:
    """A CMRT-like workbook whose smelter name holds an escaped BEL (_x0007_) and other odd text."""
    return workbook_bytes(
        {
            "Declaration": {"A1": "Conflict Minerals Reporting Template", "D8": "Acme_x0007_ Ltd"},
            "Smelter List": {"D5": "Bad_x0007_Smelter", "E5": "=cmd|' /C calc'!A0"},
        }
    )


def future_zip_version() -> bytes:
    """The central directory asks for zip version 8.7: Python's zipfile raised NotImplementedError (found by
    bench/fuzz_reader.py), which no reader caught."""
    data = bytearray(workbook_bytes())
    at = data.index(b"PK\x01\x02")
    data[at + 6 : at + 8] = (87).to_bytes(2, "little")
    return bytes(data)
