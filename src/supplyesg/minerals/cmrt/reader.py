"""Read a CMRT 6.x / EMRT 1.x-2.x / AMRT 1.x / CRT 2.x workbook into plain data, by cell address.

Never raises for a bad file: problems with the file itself come back as findings on the result.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError, WorksheetNotFound

from supplyesg.core.workbooks import isolation

from . import layouts as L
from .findings import METAL_ZH, Finding, make_finding
from .records import Declaration, MineRow, Person, SmelterRow, canonical, clean, parse_date, text
from .reference import ReferenceList, normalise_cid
from .safety import inspect_bytes, oversized_sheet, read_capped
from .slim import slim_workbook

# A real CMRT peaks at ~46 MB in the child (bench/fuzz_reader.py); a hostile one is stopped long before
# it can hurt the server.
CHILD_LIMITS = isolation.ChildLimits(memory_mb=512, cpu_seconds=30, timeout_seconds=60)

SHEET_DECLARATION = "Declaration"
SHEET_SMELTERS = "Smelter List"
SHEET_PRODUCTS = "Product List"
SHEET_LOOKUP = "Smelter Look-up"
SHEET_REVISION = "Revision"
SHEET_MINES = "Mine List"
SHEET_MINERALS_SCOPE = "Minerals Scope"
# Sheets copied into the slim workbook (see slim.py); any other sheet is read from the original file.
_SLIM_SHEETS = (SHEET_DECLARATION, SHEET_SMELTERS, SHEET_PRODUCTS, SHEET_REVISION, SHEET_LOOKUP, SHEET_MINES)

_LOOKUP_CACHE: dict[tuple[str, str, int], ReferenceList] = {}


class Grid:
    """Rows of a sheet as returned by calamine (padded from A1), addressed like 'D16'."""

    def __init__(self, rows: list[list[Any]]):
        self.rows = rows

    def at(self, row: int, col: int) -> Any:
        """0-based row/col."""
        try:
            return self.rows[row][col]
        except IndexError:
            return None

    def __getitem__(self, addr: str) -> Any:
        return self.at(*L.split_cell(addr))


class _Sheets:
    """Parse each sheet at most once per file (calamine re-parses on every get_sheet_by_name).

    ``full`` opens the original file when ``workbook`` is a slim copy lacking a sheet.
    """

    def __init__(self, workbook: CalamineWorkbook, full: Callable[[], CalamineWorkbook] | None = None):
        self.workbook = workbook
        self.names = set(workbook.sheet_names)
        self._grids: dict[str, Grid] = {}
        self._open_full = full
        self._full: CalamineWorkbook | None = None

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def rows(self, name: str) -> list[list[Any]]:
        try:
            return self.workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except WorksheetNotFound:
            if self._open_full is None:
                raise
        if self._full is None:
            self._full = self._open_full()
        return self._full.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def get(self, name: str) -> Grid | None:
        if name not in self.names:
            return None
        if name not in self._grids:
            self._grids[name] = Grid(self.rows(name))
        return self._grids[name]

    def close(self) -> None:
        if self._full is not None:
            self._full.close()
            self._full = None


# ---------------------------------------------------------------- entry point


def read_workbook(source: str | os.PathLike[str] | bytes, *, filename: str | None = None, isolated: bool = True) -> Declaration:
    """Read a file path or bytes. File-level problems are returned as ``Declaration.findings``.

    The file is inspected here; calamine then runs in a limited child process (``isolated``), so a file
    that crashes it or exhausts memory or time gives a "could not be read safely" finding.
    """
    if isinstance(source, (bytes, bytearray)):
        data: bytes | None = bytes(source)
        name = filename or "<upload>"
    else:
        name = filename or str(source)
        data, problem = read_capped(source)
        if problem:
            return Declaration(file=name, findings=[problem])
    assert data is not None
    result = Declaration(file=name)
    report = inspect_bytes(data)
    if report.finding:
        result.findings.append(report.finding)
        return result
    if report.kind == "xls":
        result.findings.append(make_finding("unsupported_file_format", detail="Excel 97-2003 .xls"))
        return result
    if not isolated:
        return read_checked(data, name, report.kind)
    try:
        return isolation.call(read_checked, data, name, report.kind, limits=CHILD_LIMITS)
    except isolation.UnsafeFile as exc:
        return Declaration(file=name, findings=[make_finding("file_unreadable_safely", detail=exc.reason)])


def read_checked(data: bytes, name: str, kind: str | None) -> Declaration:
    """The reading proper, once ``inspect_bytes`` passed (in the child when isolated)."""
    result = Declaration(file=name)
    slim = slim_workbook(data, _SLIM_SHEETS) if kind == "xlsx" else None
    # The slim copy is small, so checking its extent is cheap; the original is checked before it is opened.
    oversized = oversized_sheet(slim or data) if kind == "xlsx" else None
    if oversized:
        result.findings.append(oversized)
        return result
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(slim or data))
    except PasswordError:
        result.findings.append(_password_finding(kind))
        return result
    except Exception as exc:  # calamine raises a zoo of errors for damaged files
        result.findings.append(make_finding("file_corrupt", detail=_short(exc)))
        return result
    except BaseException as exc:  # pyo3 panics derive from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        result.findings.append(make_finding("file_corrupt", detail=_short(exc)))
        return result
    sheets = _Sheets(workbook, (lambda: _open_checked(data)) if slim else None)
    try:
        with workbook:
            _read(sheets, result, kind)
    except PasswordError:
        result.findings.append(_password_finding(kind))
    except Exception as exc:
        result.layout = None
        result.findings.append(make_finding("file_corrupt", detail=_short(exc)))
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        result.layout = None
        result.findings.append(make_finding("file_corrupt", detail=_short(exc)))
    finally:
        sheets.close()
    return result


def _open_checked(data: bytes) -> CalamineWorkbook:
    """Open the original file (for a sheet the slim copy lacks) once its sheets are known to be bounded."""
    oversized = oversized_sheet(data)
    if oversized:
        raise ValueError(oversized.message)
    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:150]


def _password_finding(kind: str | None) -> Finding:
    if kind == "xls":
        return make_finding("unsupported_file_format", detail="password-protected Excel 97-2003 .xls")
    return make_finding("file_password_protected")


def detect(workbook: CalamineWorkbook | _Sheets) -> tuple[str | None, str | None, str | None]:
    """(template, version, title) from the workbook content, never the file name."""
    sheets = workbook if isinstance(workbook, _Sheets) else _Sheets(workbook)
    names = sheets.names
    if SHEET_DECLARATION not in names:
        return None, None, None
    declaration = sheets.get(SHEET_DECLARATION)
    title = None
    # Declaration!D2 is the translated title but keeps "(CMRT)"/"(EMRT)"; the Revision sheet's English
    # title is only parsed when D2 says nothing (it costs another sheet parse).
    header = text(declaration["D2"]) if declaration else None
    if not header or "(" not in header:
        revision = sheets.get(SHEET_REVISION)
        header = " ".join(filter(None, [header, text(revision["B3"]) if revision else None]))
    folded = header.casefold()
    template = None
    if "conflict minerals reporting" in folded or "(cmrt)" in folded:
        template = "CMRT"
    elif "extended mineral" in folded or "(emrt)" in folded:
        template = "EMRT"
    elif "cobalt reporting" in folded or "(crt)" in folded:
        template = "CRT"
    elif "additional minerals" in folded or "(amrt)" in folded:
        template = "AMRT"
    elif "reporting template" in folded:  # an RMI template this reader does not know (yet)
        title = " ".join(header.split())
    version = L.parse_revision(declaration["J3"]) if declaration else None
    if version is None and template and SHEET_SMELTERS in names:
        version = L.parse_revision(sheets.get(SHEET_SMELTERS)["Q3"])  # type: ignore[index]
    if template is None and title is None and version and {SHEET_SMELTERS, "Checker"} <= names:
        template = "AMRT" if SHEET_MINERALS_SCOPE in names else "EMRT" if SHEET_MINES in names else "CMRT"
    return template, version, title


def _read(sheets: _Sheets, result: Declaration, kind: str | None) -> None:
    template, version, title = detect(sheets)
    result.template, result.version = template, version
    if title:
        result.findings.append(make_finding("unsupported_template", detail=title))
        return
    if template is None or version is None:
        result.template = None if version is None else template
        result.findings.append(make_finding("not_a_template"))
        return
    layout = L.layout_for(template, version)
    if kind == "xls" or layout is None:
        result.findings.append(make_finding("unsupported_version", template=template, version=version, latest=L.LATEST[template]))
        return
    if version not in L.VERIFIED_VERSIONS.get(template, ()):
        result.findings.append(make_finding("untested_version", template=template, version=version, layout=layout.name))
    names = sheets.names
    if SHEET_SMELTERS not in names:
        result.findings.append(make_finding("not_a_template"))
        return
    result.layout = layout
    declaration = sheets.get(SHEET_DECLARATION)
    assert declaration is not None
    _read_company(declaration, layout, result)
    _read_questions(declaration, layout, result)
    if result.company.scope == "B" and SHEET_PRODUCTS in names:
        _read_products(sheets.get(SHEET_PRODUCTS), result)  # type: ignore[arg-type]
    smelters = sheets.get(SHEET_SMELTERS)
    assert smelters is not None
    _read_smelters(smelters, layout, result)
    if layout.mine_columns and SHEET_MINES in names:
        _read_mines(sheets.get(SHEET_MINES), layout, result)  # type: ignore[arg-type]
    if SHEET_LOOKUP in names:
        result.lookup = _lookup(sheets, template, version)


def _lookup(sheets: _Sheets, template: str, version: str) -> ReferenceList:
    """The Smelter Look-up is part of a template release: parse it once per (template, version)."""
    key = (template, version)
    cached = _LOOKUP_CACHE.get(key)
    if cached is None:
        rows = sheets.rows(SHEET_LOOKUP)
        cached = ReferenceList.from_lookup_rows(rows[4:])
        if len(_LOOKUP_CACHE) > 64:
            _LOOKUP_CACHE.clear()
        _LOOKUP_CACHE[key] = cached
    return cached


def _read_company(grid: Grid, layout: L.Layout, result: Declaration) -> None:
    c = layout.company_cells
    company = result.company
    result.language = text(grid[c["language"]])
    company.name = text(grid[c["name"]])
    company.scope_raw = text(grid[c["scope"]])
    raw = (company.scope_raw or "").strip()
    if raw[:1].upper() in L.SCOPES and (len(raw) == 1 or raw[1:2] in (".", " ", ")")):
        company.scope = raw[:1].upper()
    company.scope_description = text(grid[c["scope_description"]])
    company.unique_id = text(grid[c["unique_id"]])
    company.unique_id_authority = text(grid[c["unique_id_authority"]])
    company.address = text(grid[c["address"]])
    company.contact = Person(
        name=text(grid[c["contact_name"]]),
        email=text(grid[c["contact_email"]]),
        phone=text(grid[c["contact_phone"]]),
    )
    company.authorizer = Person(
        name=text(grid[c["authorizer_name"]]),
        email=text(grid[c["authorizer_email"]]),
        phone=text(grid[c["authorizer_phone"]]),
        title=text(grid[c["authorizer_title"]]),
    )
    company.effective_date_raw = clean(grid[c["effective_date"]])
    company.effective_date = parse_date(company.effective_date_raw)


def _selected_minerals(grid: Grid, layout: L.Layout) -> list[str]:
    by_fold = {m.casefold(): m for m in layout.metals}
    chosen = {by_fold[v.casefold()] for v in (text(grid[a]) for a in layout.mineral_slots) if v and v.casefold() in by_fold}
    return sorted(chosen)


def mineral_name(value: str, offered: tuple[str, ...] = ()) -> str:
    """A mineral as typed -> its English spelling: offered names and Chinese names are recognised
    (the AMRT asks for English, but the blank 1.2 carries Chinese examples)."""
    folded = " ".join(value.split()).casefold()
    for name in (*offered, *METAL_ZH):
        if name.casefold() == folded:
            return name
    by_zh = {zh: en for en, zh in METAL_ZH.items()}
    return by_zh.get(" ".join(value.split()), " ".join(value.split()))


def _named_minerals(grid: Grid, layout: L.Layout, result: Declaration) -> list[str]:
    """AMRT: the minerals named in the slots, "Other" replaced by the name below it, in the template's
    question-row order (sorted alphabetically, duplicates once; see Declaration!P12:AA21)."""
    chosen: dict[str, str] = {}
    for addr in layout.mineral_slots:
        value = text(grid[addr])
        if not value:
            continue
        if layout.other_rows_below and value.casefold() == L.OTHER_MINERAL.casefold():
            row, col = L.split_cell(addr)
            other_addr = f"{addr.rstrip('0123456789')}{row + 1 + layout.other_rows_below}"
            value = text(grid.at(row + layout.other_rows_below, col))
            if not value:
                result.unnamed_other_cells.append(other_addr)
                continue
        name = mineral_name(value, layout.metals)
        chosen.setdefault(name.casefold(), name)
    return sorted(chosen.values(), key=str.casefold)[: layout.max_metal_rows]


def _read_questions(grid: Grid, layout: L.Layout, result: Declaration) -> None:
    if layout.open_minerals:
        metals = _named_minerals(grid, layout, result)
    else:
        metals = _selected_minerals(grid, layout) if layout.mineral_slots else list(layout.metals)
    result.metals = metals
    numeric = L.uses_numeric_percent(layout.template, result.version or "")
    for index, metal in enumerate(metals):
        answers: dict[str, Any] = {}
        comments: dict[str, str | None] = {}
        for question in layout.questions:
            row = question.header_row + 1 + index
            cell = f"D{row}"
            answers[question.key] = canonical(grid[cell], question.allowed_for(metal), numeric_percent=numeric)
            comments[question.key] = text(grid[f"G{row}"])
            result.answer_cells[(metal, question.key)] = cell
        result.answers[metal] = answers
        result.comments[metal] = comments
    for cq in layout.company_questions:
        if cq.cell:
            result.company_answers[cq.key] = canonical(grid[cq.cell], cq.allowed)
            result.company_answer_cells[cq.key] = cq.cell
        else:
            per_metal: dict[str, Any] = {}
            cells: dict[str, str] = {}
            for index, metal in enumerate(metals[: len(cq.per_metal_rows)]):
                cell = f"D{cq.per_metal_rows[index]}"
                per_metal[metal] = canonical(grid[cell], cq.allowed_by_metal.get(metal, cq.allowed))
                cells[metal] = cell
            result.company_answers[cq.key] = per_metal
            result.company_answer_cells[cq.key] = cells
    result.policy_url = text(grid[layout.url_cell]) if layout.url_cell else None


def _read_products(grid: Grid, result: Declaration) -> None:
    first = (result.layout.product_first_row if result.layout else 6) - 1
    layout = result.layout
    requester = bool(layout and layout.product_requester)
    if layout is not None and layout.product_requester is None:
        requester = layout.name == "EMRT 2.x" and result.version != "2.0"
    for row in grid.rows[first:]:
        if not any(row[1:6]):
            continue
        values = [text(v, zero_is_blank=True) for v in (row[1:6] if len(row) > 1 else [])] + [None] * 5
        if not any(values[:5]) or (values[0] or "").startswith("©"):
            continue
        product = {"number": values[0], "name": values[1]}
        if requester:
            product.update(requester_number=values[2], requester_name=values[3], comments=values[4])
        else:
            product["comments"] = values[2]
        result.products.append(product)


def _columns(mapping: dict[str, str]) -> tuple[dict[str, int], int]:
    index = {key: L.col_index(letters) for key, letters in mapping.items()}
    return index, max(index.values()) + 1


def _metal_names(layout: L.Layout, result: Declaration) -> dict[str, str]:
    names = {m.casefold(): m for m in layout.metals}
    if layout.open_minerals:  # AMRT: the minerals this declaration names, however the requester spelled them
        names = {m.casefold(): m for m in result.metals}
    return names


def _read_smelters(grid: Grid, layout: L.Layout, result: Declaration) -> None:
    metals = _metal_names(layout, result)
    columns, width = _columns(layout.smelter_columns)
    key_columns = [columns[k] for k in ("cid_input", "metal", "lookup_name", "name", "country") if k in columns]
    first = layout.smelter_first_row - 1
    for offset, raw in enumerate(grid.rows[first : layout.smelter_last_row]):
        if not any(v for i in key_columns if i < len(raw) and not (isinstance(v := raw[i], str) and not v.strip())):
            continue
        row = list(raw[:width]) + [None] * (width - min(len(raw), width))

        def cell(key: str, row: list[Any] = row) -> str | None:
            index = columns.get(key)
            return None if index is None else text(row[index], zero_is_blank=key != "cid_input")

        if not any(cell(k) for k in ("cid_input", "metal", "lookup_name", "name", "country")):
            continue
        metal_raw = cell("metal")
        a_raw = cell("cid_input")
        cid_value = row[columns["cid"]] if "cid" in columns else None
        metal = metals.get((metal_raw or "").casefold())
        if metal is None and metal_raw and layout.open_minerals:
            metal = metals.get(mineral_name(metal_raw, layout.metals).casefold())
        result.smelters.append(
            SmelterRow(
                row=layout.smelter_first_row + offset,
                metal=metal,
                metal_raw=metal_raw,
                # AMRT 1.2 has no look-up column: the typed name is the supplier's choice
                lookup_name=cell("lookup_name") if "lookup_name" in columns else cell("name"),
                name=cell("name"),
                country=cell("country"),
                cid_input=normalise_cid(a_raw),
                cid_input_raw=a_raw,
                cid=normalise_cid(cid_value) if clean(cid_value) not in (None, 0) else None,
                source=cell("source"),
                street=cell("street"),
                city=cell("city"),
                state=cell("state"),
                mine_names=cell("mine_names"),
                mine_countries=cell("mine_countries"),
                recycled=cell("recycled"),
                comments=cell("comments"),
            )
        )


def _read_mines(grid: Grid, layout: L.Layout, result: Declaration) -> None:
    metals = _metal_names(layout, result)
    columns, width = _columns(layout.mine_columns)
    first = layout.smelter_first_row - 1
    for offset, raw in enumerate(grid.rows[first : layout.mine_last_row]):
        row = [text(v, zero_is_blank=True) for v in list(raw[:width]) + [None] * (width - min(len(raw), width))]
        values = {key: row[index] for key, index in columns.items()}
        if not any(values[k] for k in ("metal", "smelter_name", "name", "mine_id", "country")):
            continue
        metal_raw = values["metal"]
        metal = metals.get((metal_raw or "").casefold()) or (
            metals.get(mineral_name(metal_raw, layout.metals).casefold()) if metal_raw else None
        )
        result.mines.append(
            MineRow(
                row=layout.smelter_first_row + offset,
                metal=metal,
                metal_raw=metal_raw,
                smelter_name=values["smelter_name"],
                name=values["name"],
                mine_id=values["mine_id"],
                country=values["country"],
                source=values.get("source"),
                street=values.get("street"),
                city=values.get("city"),
                state=values.get("state"),
                comments=values.get("comments"),
            )
        )


def read_path(path: str | Path) -> Declaration:
    return read_workbook(Path(path))
