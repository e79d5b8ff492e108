"""Edit worksheet XML inside an .xlsx as text, cell by cell, leaving every other byte as it was.

Used by the CMRT/EMRT writer: loading a workbook into a library and saving it again would drop
extension lists, rewrite styles and lose cached values, so the template would no longer be RMI's.
``SheetEditor`` keeps the sheet as a string, parses only the rows it is asked about and splices the
edited rows back in. Values are written as numbers or inline strings (never formulas); formula cells
can be emptied of their cached value, restored from a neighbouring row, and a shared formula whose
master cell is overwritten is handed over to the next cell of its group, as Excel does.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, unescape

from .layouts import col_index


def attr(tag: str, name: str) -> str | None:
    """The value of attribute ``name`` in a start tag (double-quoted, as Office writes them)."""
    match = re.search(rf'\s{re.escape(name)}="([^"]*)"', tag)
    return match.group(1) if match else None


def sheet_paths(workbook_xml: str, rels_xml: str) -> dict[str, str]:
    """Sheet name -> zip part name, from xl/workbook.xml and xl/_rels/workbook.xml.rels."""
    targets = {}
    for tag in re.findall(r"<Relationship\b[^>]*>", rels_xml):
        rid, target = attr(tag, "Id"), attr(tag, "Target")
        if rid and target:
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rid] = os.path.normpath(path).replace(os.sep, "/")
    paths = {}
    for tag in re.findall(r"<sheet\b[^>]*>", workbook_xml):
        name, rid = attr(tag, "name"), attr(tag, "r:id")
        if name and rid in targets:
            paths[unescape(name, {"&quot;": '"', "&apos;": "'"})] = targets[rid]
    return paths


_ROW_RE = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ROW_NUMBER_RE = re.compile(r'\br="(\d+)"')
_CELL_REF_RE = re.compile(r'\br="([A-Z]+)(\d+)"')
_FORMULA_RE = re.compile(r"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)
_VALUE_ATTRS_RE = re.compile(r'\s(?:t|cm|vm)="[^"]*"')
_SHARED_MASTER_RE = re.compile(r'<c\b[^>]*?\sr="[A-Z]+(\d+)"[^>]*><f\b([^>]*\sref="[^>]*)>[^<]*</f>')
# A cell whose content starts with a value, i.e. has no formula (<f> precedes <v>).
_LITERAL_CELL_RE = re.compile(r'<c\b[^>]*?\sr="([A-Z]+)(\d+)"[^>]*>(?:<v>[^<]|<is>)')


@dataclass
class Cell:
    column: str
    attrs: str  # the attribute text of <c ...>, e.g. ' r="B5" s="148" t="str"'
    inner: str  # the element content ('' when self-closing)
    raw: str  # the element as it stands in the file

    @property
    def formula(self) -> str | None:
        match = _FORMULA_RE.search(self.inner)
        return match.group(0) if match else None

    @property
    def shared_group(self) -> str | None:
        """The ``si`` of a shared formula (master or dependent), else None."""
        formula = self.formula
        if formula is None or not re.search(r'\st="shared"', formula):
            return None
        return attr(formula[: formula.find(">") + 1], "si")

    @property
    def is_shared_master(self) -> bool:
        formula = self.formula or ""
        return self.shared_group is not None and attr(formula[: formula.find(">") + 1], "ref") is not None


class SheetEditor:
    """Cell-level edits of one worksheet's XML; everything outside the edited cells is kept verbatim."""

    def __init__(self, name: str, xml: str):
        self.name = name
        self.xml = xml
        start = xml.find("<sheetData>")
        end = xml.find("</sheetData>")
        if start < 0 or end < 0:
            raise ValueError(f'The "{name}" sheet of the template has no cell data.')
        self.body_start = start + len("<sheetData>")
        self.body_end = end
        self.rows: dict[int, tuple[int, int]] = {}
        for match in _ROW_RE.finditer(xml, self.body_start, self.body_end):
            number = _ROW_NUMBER_RE.search(match.group(0), 0, match.group(0).find(">"))
            if number:
                self.rows[int(number.group(1))] = (match.start(), match.end())
        self.edits: dict[int, dict[str, str]] = {}  # row -> column -> new cell XML
        self._parsed: dict[int, dict[str, Cell]] = {}
        self._formula_cols: set[str] | None = None
        self._masters: dict[str, tuple[int, str]] | None = None  # si -> (row, <f> element)
        self._displaced: list[tuple[int, str]] = []  # shared-formula masters overwritten by a value

    # -- reading

    def cells(self, row: int) -> dict[str, Cell]:
        if row not in self._parsed:
            span = self.rows.get(row)
            self._parsed[row] = _parse_cells(self.xml[span[0] : span[1]]) if span else {}
        return self._parsed[row]

    def last_row(self) -> int:
        dimension = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', self.xml)
        last = max(self.rows, default=1)
        return max(last, int(dimension.group(1))) if dimension else last

    def rows_with_input(self, first: int, last: int, columns: set[str]) -> list[int]:
        """Rows holding a literal in one of ``columns``: values left over in the template."""
        found = set()
        for match in _LITERAL_CELL_RE.finditer(self.xml, self.body_start, self.body_end):
            row = int(match.group(2))
            if first <= row <= last and match.group(1) in columns:
                found.add(row)
        return sorted(found)

    # -- writing

    def set_input(self, ref: str, value: str | int | float | None) -> None:
        """Set an input cell; refuses to overwrite a formula (that means a wrong cell map)."""
        row, column = split_ref(ref)
        cell = self.cells(row).get(column)
        if cell is not None and cell.formula is not None:
            raise ValueError(
                f"{self.name}!{ref} holds a formula in this template, where an input was expected: "
                "the template layout is not the one this version should have."
            )
        self._put(row, column, value_cell(ref, cell, value))

    def rewrite_row(self, row: int, values: dict[str, str], inputs: tuple[str, ...], first: int, last: int) -> None:
        """Rewrite a data row of the table spanning rows ``first``..``last``.

        ``inputs`` columns get ``values`` (or are emptied); a value typed over a formula column is what
        a user picking from a dropdown does. Formula columns keep (or get back) their formula, without
        a cached value, so every application recalculates them.
        """
        cells = self.cells(row)
        formula_columns = self.formula_columns(first, last)
        for column in inputs:
            ref = f"{column}{row}"
            if column in values:
                if column in cells and cells[column].is_shared_master:
                    self._displaced.append((row, column))
                self._put(row, column, value_cell(ref, cells.get(column), values[column]))
            elif column in formula_columns:
                self._put(row, column, self._formula_cell(row, column, first, last))
            else:
                self._put(row, column, value_cell(ref, cells.get(column), None))
        for column in formula_columns:
            if column not in inputs:
                self._put(row, column, self._formula_cell(row, column, first, last))
        for column, cell in cells.items():
            if column not in formula_columns and cell.formula is not None and column not in values:
                self._put(row, column, strip_cache(cell))

    def formula_columns(self, first: int, last: int) -> set[str]:
        """Columns whose data cells hold formulas in the template, judged on its last data row."""
        if self._formula_cols is None:
            reference = next((r for r in range(last, first, -1) if r in self.rows), last)
            self._formula_cols = {c for c, cell in self.cells(reference).items() if cell.formula is not None}
        return self._formula_cols

    def _formula_cell(self, row: int, column: str, first: int, last: int) -> str:
        cell = self.cells(row).get(column)
        if cell is not None and cell.formula is not None:
            return strip_cache(cell)
        source_row, formula = self._nearest_formula(row, column, first, last)
        if formula is None:
            return value_cell(f"{column}{row}", cell, None)
        style = _style_attr(cell.attrs) if cell else ""
        return f'<c r="{column}{row}"{style}>{shift_formula_xml(formula, row - source_row)}</c>'

    def _nearest_formula(self, row: int, column: str, first: int, last: int) -> tuple[int, str | None]:
        """The formula of the closest row in ``column`` (a shared one via its master), made explicit."""
        for other in list(range(row + 1, last + 1)) + list(range(row - 1, first - 1, -1)):
            cell = self.cells(other).get(column) if other in self.rows else None
            if cell is None or cell.formula is None:
                continue
            group = cell.shared_group
            if group is None:
                return other, cell.formula
            master = self.shared_masters().get(group)
            if master:
                return master[0], explicit_formula(master[1])
        return row, None

    def shared_masters(self) -> dict[str, tuple[int, str]]:
        if self._masters is None:
            self._masters = {}
            for match in _SHARED_MASTER_RE.finditer(self.xml, self.body_start, self.body_end):
                group = attr(match.group(2), "si")
                if group is not None and attr(match.group(2), "t") == "shared":
                    self._masters.setdefault(group, (int(match.group(1)), match.group(0)[match.group(0).find("<f") :]))
        return self._masters

    def _relocate_displaced_masters(self) -> None:
        """A value typed over a shared formula's master: the next dependent becomes the master."""
        for row, column in self._displaced:
            cell = self.cells(row)[column]
            formula = cell.formula or ""
            head = formula[: formula.find(">") + 1]
            area = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", attr(head, "ref") or "")
            if area is None:
                continue  # a one-cell group has no dependents
            if area.group(1) != column or area.group(3) != column:
                raise ValueError(
                    f"{self.name}!{column}{row} is the master of a shared formula spanning several columns; "
                    "this template layout is not supported."
                )
            group, end = cell.shared_group, int(area.group(4))
            for other in range(row + 1, end + 1):
                dependent = self.cells(other).get(column) if other in self.rows else None
                edit = self.edits.get(other, {}).get(column)
                if dependent is None or dependent.shared_group != group or (edit is not None and "<f" not in edit):
                    continue
                new_head = re.sub(r'\sref="[^"]*"', f' ref="{column}{other}:{column}{end}"', head)
                text = shift_formula_xml(formula, other - row)[len(head) :]
                attrs = _VALUE_ATTRS_RE.sub("", dependent.attrs)
                self._put(other, column, f"<c{attrs}>{new_head}{text}</c>")
                break

    def _put(self, row: int, column: str, xml: str) -> None:
        self.edits.setdefault(row, {})[column] = xml

    def render(self) -> str:
        if not self.edits:
            return self.xml
        self._relocate_displaced_masters()
        pieces = [self.xml[: self.body_start]]
        position = self.body_start
        for row in sorted(set(self.edits) | set(self.rows)):
            if row in self.rows:
                start, end = self.rows[row]
                pieces.append(self.xml[position:start])
                chunk = self.xml[start:end]
                pieces.append(self._render_row(row, chunk) if row in self.edits else chunk)
                position = end
            else:  # a row the template does not have: goes where the next existing row starts
                pieces.append(f'<row r="{row}">' + _in_column_order(self.edits[row]) + "</row>")
        pieces.append(self.xml[position:])
        return "".join(pieces)

    def _render_row(self, row: int, chunk: str) -> str:
        head_end = chunk.find(">") + 1
        head = chunk[:head_end]
        if head.endswith("/>"):
            head = head[:-2] + ">"
            cells: dict[str, str] = {}
        else:
            cells = {column: cell.raw for column, cell in self.cells(row).items()}
        cells.update(self.edits[row])
        columns = [col_index(c) + 1 for c in cells]
        spans = re.search(r'\sspans="(\d+):(\d+)"', head)
        if spans and (min(columns) < int(spans.group(1)) or max(columns) > int(spans.group(2))):
            low, high = min(min(columns), int(spans.group(1))), max(max(columns), int(spans.group(2)))
            head = head[: spans.start()] + f' spans="{low}:{high}"' + head[spans.end() :]
        return head + _in_column_order(cells) + "</row>"


def _parse_cells(row_xml: str) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for match in _CELL_RE.finditer(row_xml):
        ref = _CELL_REF_RE.search(match.group(1))
        if ref:
            cells[ref.group(1)] = Cell(ref.group(1), match.group(1), match.group(2) or "", match.group(0))
    return cells


def _in_column_order(cells: dict[str, str]) -> str:
    return "".join(cells[c] for c in sorted(cells, key=col_index))


def split_ref(ref: str) -> tuple[int, str]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if not match:
        raise ValueError(ref)
    return int(match.group(2)), match.group(1)


def _style_attr(attrs: str) -> str:
    match = re.search(r'\ss="\d+"', attrs)
    return match.group(0) if match else ""


def value_cell(ref: str, cell: Cell | None, value: str | int | float | None) -> str:
    style = _style_attr(cell.attrs) if cell else ""
    if value is None or value == "":
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def explicit_formula(formula: str) -> str:
    """A shared formula's master <f> as a plain formula of that cell (no t/ref/si)."""
    head_end = formula.find(">") + 1
    head = re.sub(r'\s(?:t|ref|si)="[^"]*"', "", formula[:head_end])
    return head + formula[head_end:]


def strip_cache(cell: Cell) -> str:
    """The formula cell without its cached value (and without the value type that went with it)."""
    attrs = _VALUE_ATTRS_RE.sub("", cell.attrs)
    return f"<c{attrs}>{cell.formula}</c>"


# ---------------------------------------------------------------- formula copying

_FORMULA_TOKEN_RE = re.compile(r'("(?:[^"]|"")*")|(\'(?:[^\']|\'\')*\')|([^"\']+)')
_A1_RE = re.compile(r"(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])")


def shift_formula(formula: str, delta: int) -> str:
    """Move relative row references by ``delta`` rows, leaving string literals and sheet names alone."""

    def shift(match: re.Match[str]) -> str:
        col_abs, col, row_abs, row = match.groups()
        return f"{col_abs}{col}{row_abs}{row if row_abs else int(row) + delta}"

    out = []
    for literal, sheet_name, code in _FORMULA_TOKEN_RE.findall(formula):
        out.append(literal or sheet_name or _A1_RE.sub(shift, code))
    return "".join(out)


def shift_formula_xml(element: str, delta: int) -> str:
    """Shift the text of an <f> element (XML-escaped) by ``delta`` rows."""
    match = re.fullmatch(r"(<f\b[^>]*>)(.*)(</f>)", element, re.S)
    if not match:
        return element
    text = unescape(match.group(2), {"&quot;": '"', "&apos;": "'"})
    return match.group(1) + escape(shift_formula(text, delta), {'"': "&quot;"}) + match.group(3)
