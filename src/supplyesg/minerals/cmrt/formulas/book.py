"""The workbook model: cells evaluated on demand, once, with formulas parsed once per canonical position."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from .functions import FUNCTIONS
from .parser import Node, _Parser
from .values import NA, NAME, REF, VALUE, Ref, Unsupported, _binary, _fold, _is_error, _number, parse_ref


class Book:
    """Constant values and formulas of a workbook; ``value()`` evaluates a cell on demand, once.

    ``values[sheet]`` maps (row, col) to a constant; ``formulas[sheet]`` maps (row, col) to the formula text
    (without "="); ``shared[sheet]`` maps (row, col) to (master formula, master ref) for shared-formula dependents.
    ``names`` maps a defined name (workbook-wide, or "sheet!name" for a sheet-local one) to its text.
    """

    def __init__(self, values, formulas, shared, names, extents):
        self.values: dict[str, dict[tuple[int, int], Any]] = values
        self.formulas: dict[str, dict[tuple[int, int], str]] = formulas
        self.shared: dict[str, dict[tuple[int, int], tuple[str, str]]] = shared
        self.names: dict[str, str] = names
        self.extents: dict[str, int] = extents  # last used row per sheet
        self._cache: dict[tuple[str, int, int], Any] = {}
        self._parsed: dict[str, Node] = {}
        self._busy: set[tuple[str, int, int]] = set()
        self._match_index: dict[tuple, dict] = {}

    # -- cells

    def has_formula(self, sheet: str, row: int, col: int) -> bool:
        return (row, col) in self.formulas.get(sheet, {}) or (row, col) in self.shared.get(sheet, {})

    def formula(self, sheet: str, row: int, col: int) -> str | None:
        text = self.formulas.get(sheet, {}).get((row, col))
        if text is not None:
            return text
        master = self.shared.get(sheet, {}).get((row, col))
        if master is None:
            return None
        formula, origin = master
        translated = Translator("=" + formula, origin=origin).translate_formula(f"{get_column_letter(col)}{row}")
        return translated[1:]

    def value(self, sheet: str, row: int, col: int) -> Any:
        key = (sheet, row, col)
        if key in self._cache:
            return self._cache[key]
        text = self.formulas.get(sheet, {}).get((row, col))
        at = (row, col)
        if text is None:
            master = self.shared.get(sheet, {}).get((row, col))
            if master is None:
                return self.values.get(sheet, {}).get((row, col))
            text, origin = master
            at = _split(origin)
        # Formulas that differ only by their row (a column of them) are parsed once, in a canonical position;
        # each cell evaluates that parse with its relative references moved back to where it stands.
        text = canonical(text, *at)
        shift = (row - ORIGIN[0], col - ORIGIN[1])
        if key in self._busy:  # a circular reference: Excel shows 0
            return 0.0
        self._busy.add(key)
        try:
            result = self.evaluate(text, sheet, row, col, shift)
        finally:
            self._busy.discard(key)
        if isinstance(result, Ref):
            result = self._scalar(result, row, col)
        elif isinstance(result, list):
            result = result[0] if result else VALUE
        if result is None:
            result = 0.0  # a formula pointing at an empty cell shows 0
        self._cache[key] = result
        return result

    def evaluate(self, formula: str, sheet: str, row: int, col: int, shift: tuple[int, int] = (0, 0)) -> Any:
        node = self._parsed.get(formula)
        if node is None:
            node = _Parser("=" + formula).parse()
            self._parsed[formula] = node
        return _Context(self, sheet, row, col, shift).eval(node)

    def cells(self, ref: Ref) -> list[Any]:
        """Values of a range, row by row, bounded to the sheet's used area."""
        last = min(ref.r2, self.extents.get(ref.sheet, ref.r1))
        return [self.value(ref.sheet, r, c) for r in range(ref.r1, last + 1) for c in range(ref.c1, ref.c2 + 1)]

    def _scalar(self, ref: Ref, row: int, col: int) -> Any:
        if ref.single:
            return self.value(ref.sheet, ref.r1, ref.c1)
        # implicit intersection with the formula's row or column
        if ref.c1 == ref.c2 and ref.r1 <= row <= ref.r2:
            return self.value(ref.sheet, row, ref.c1)
        if ref.r1 == ref.r2 and ref.c1 <= col <= ref.c2:
            return self.value(ref.sheet, ref.r1, col)
        return VALUE

    def match_index(self, ref: Ref) -> dict:
        """First position of each folded value in a one-dimensional range, for exact MATCH."""
        index = self._match_index.get(ref)
        if index is None:
            index = {}
            for position, value in enumerate(self.cells(ref), start=1):
                index.setdefault(_fold(value), position)
            self._match_index[ref] = index
        return index


ORIGIN = (500_000, 8_000)
_CELL_IN_TEXT_RE = re.compile(r"(?<![A-Za-z_\d.])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])")


def canonical(formula: str, row: int, col: int) -> str:
    """The formula as if it stood at ORIGIN: relative cell references moved by (ORIGIN - (row, col))."""
    rows, cols = ORIGIN[0] - row, ORIGIN[1] - col

    def move(match: re.Match) -> str:
        col_abs, letters, row_abs, digits = match.groups()
        if not col_abs:
            letters = get_column_letter(column_index_from_string(letters) + cols)
        if not row_abs:
            digits = str(int(digits) + rows)
        return f"{col_abs}{letters}{row_abs}{digits}"

    pieces = formula.split('"')
    for i in range(0, len(pieces), 2):  # outside string literals only
        pieces[i] = _CELL_IN_TEXT_RE.sub(move, pieces[i])
    return '"'.join(pieces)


_PART_RE = re.compile(r"(\$?)([A-Z]{1,3})?(\$?)(\d+)?")
_shifted: dict[tuple[str, int, int], str] = {}


def shift_reference(text: str, rows: int, cols: int) -> str:
    """``text`` as a shared formula's dependent sees it: relative rows and columns moved, absolute ones kept."""
    key = (text, rows, cols)
    found = _shifted.get(key)
    if found is not None:
        return found
    sheet, bang, address = text.rpartition("!")
    parts = []
    for part in address.split(":"):
        match = _PART_RE.fullmatch(part)
        if match is None:
            parts.append(part)
            continue
        col_abs, col, row_abs, row = match.groups()
        if not (col and row):  # whole columns or rows: canonical() leaves them, so do we
            parts.append(part)
            continue
        if not col_abs:
            col = get_column_letter(column_index_from_string(col) + cols)
        if row and not row_abs:
            row = str(int(row) + rows)
        parts.append(f"{col_abs}{col or ''}{row_abs}{row or ''}")
    result = f"{sheet}{bang}{':'.join(parts)}"
    if len(_shifted) < 200_000:
        _shifted[key] = result
    return result


class _Context:
    def __init__(self, book: Book, sheet: str, row: int, col: int, shift: tuple[int, int] = (0, 0)):
        self.book, self.sheet, self.row, self.col = book, sheet, row, col
        self.shift = shift

    # values: scalars, Ref, or lists (arrays)

    def eval(self, node: Node) -> Any:
        kind = node.kind
        if kind == "num":
            return node.value
        if kind in ("str", "bool", "err"):
            return node.value
        if kind == "empty":
            return None
        if kind == "ref":
            return self.reference(node.value)
        if kind == "neg":
            value = self.scalar(node.args[0])
            number = _number(value)
            return number if _is_error(number) else -number
        if kind == "pct":
            number = _number(self.scalar(node.args[0]))
            return number if _is_error(number) else number / 100
        if kind == "op":
            return self.operator(node)
        if kind == "func":
            function = FUNCTIONS.get(node.value)
            if function is None:
                raise Unsupported(f"function {node.value}")
            return function(self, node.args)
        raise Unsupported(kind)

    def reference(self, text: str) -> Any:
        if self.shift != (0, 0) and parse_ref(text, self.sheet) is not None:
            text = shift_reference(text, *self.shift)
        ref = parse_ref(text, self.sheet)
        if ref is not None:
            return ref
        name = self.book.names.get(f"{self.sheet}!{text}") or self.book.names.get(text)
        if name is None:
            if text.upper() in ("TRUE", "FALSE"):
                return text.upper() == "TRUE"
            return NAME  # Excel's answer to a name the workbook does not define (the templates' stray "LT")
        if "#REF!" in name:
            return REF
        ref = parse_ref(name, self.sheet)
        if ref is not None:
            return ref
        return self.book.evaluate(name, self.sheet, self.row, self.col)

    def scalar(self, node: Node) -> Any:
        value = self.eval(node)
        if isinstance(value, Ref):
            return self.book._scalar(value, self.row, self.col)
        if isinstance(value, list):
            return value[0] if value else VALUE
        return value

    def array(self, node: Node) -> list[Any] | Any:
        value = self.eval(node)
        if isinstance(value, Ref):
            return self.book.cells(value) if not value.single else [self.book.value(value.sheet, value.r1, value.c1)]
        return value

    def operator(self, node: Node) -> Any:
        op = node.value
        left, right = self.eval(node.args[0]), self.eval(node.args[1])
        left = self._operand(left)
        right = self._operand(right)
        if isinstance(left, list) or isinstance(right, list):
            xs = left if isinstance(left, list) else None
            ys = right if isinstance(right, list) else None
            size = max(len(xs) if xs is not None else 1, len(ys) if ys is not None else 1)
            return [
                _binary(op, xs[i] if xs is not None else left, ys[i] if ys is not None else right)
                if (xs is None or i < len(xs)) and (ys is None or i < len(ys))
                else NA
                for i in range(size)
            ]
        return _binary(op, left, right)

    def _operand(self, value: Any) -> Any:
        if isinstance(value, Ref):
            if value.single:
                return self.book.value(value.sheet, value.r1, value.c1)
            return self.book.cells(value)
        return value


def _split(ref: str) -> tuple[int, int]:
    match = re.match(r"([A-Z]+)(\d+)$", ref)
    return int(match.group(2)), column_index_from_string(match.group(1))
