"""Evaluate the Excel formulas of an RMI template, so the writer can store every formula cell's cached value.

Why: LibreOffice opens an .xlsx without recalculating by default, and tools that read cached values (calamine,
pandas, most ERPs) never recalculate; a declaration whose formula cells carry the blank template's caches shows the
Checker with every item missing, labels in the language the template was saved in and empty smelter names. Setting
``fullCalcOnLoad`` fixes Excel only. So after writing the inputs we compute each formula as Excel would and store the
result next to the formula: labels from the hidden language sheet, the Smelter List's look-up columns, the
Declaration's helper cells and the Checker.

The evaluator covers the functions RMI's templates use (IF, AND, OR, NOT, ISERROR, ISNUMBER, ISBLANK, IFNA, NA,
LEN, LEFT, SEARCH, ROW, COLUMN, ADDRESS, OFFSET, INDEX, MATCH, INDIRECT, HLOOKUP, COUNTIF, COUNTBLANK, SUM,
SUMPRODUCT) with Excel's semantics for blanks, text comparison (case-insensitive), errors and arrays. Formulas are
tokenised by openpyxl's tokenizer and shared formulas expanded with its translator. Plain Python, no Django import.
An unsupported construct raises ``Unsupported``; the writer then leaves that cell's cache empty, as before.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, get_column_letter

MAX_ROWS = 1_048_576


class Unsupported(Exception):
    """A formula uses something this evaluator does not implement."""


class XlError(str):
    """An Excel error value such as #N/A; it propagates through operators and functions."""


NA = XlError("#N/A")
VALUE = XlError("#VALUE!")
REF = XlError("#REF!")
DIV0 = XlError("#DIV/0!")
NAME = XlError("#NAME?")


@dataclass(frozen=True)
class Ref:
    sheet: str
    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def single(self) -> bool:
        return self.r1 == self.r2 and self.c1 == self.c2


_REF_RE = re.compile(
    r"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!:]+)!)?"
    r"(?:(?P<c1>\$?[A-Z]{1,3})?(?P<r1>\$?\d+)?)(?::(?P<c2>\$?[A-Z]{1,3})?(?P<r2>\$?\d+)?)?$"
)


def _sheet_name(raw: str | None, default: str) -> str:
    if not raw:
        return default
    return raw[1:-1].replace("''", "'") if raw.startswith("'") else raw


def parse_ref(text: str, sheet: str) -> Ref | None:
    match = _REF_RE.match(text.strip())
    if not match or not (match.group("c1") or match.group("r1")):
        return None
    name = _sheet_name(match.group("sheet"), sheet)
    c1, r1, c2, r2 = (match.group(k) for k in ("c1", "r1", "c2", "r2"))
    col1 = column_index_from_string(c1.lstrip("$")) if c1 else 1
    row1 = int(r1.lstrip("$")) if r1 else 1
    if c2 is None and r2 is None and ":" not in text:
        if not (c1 and r1):
            return None
        return Ref(name, row1, col1, row1, col1)
    col2 = column_index_from_string(c2.lstrip("$")) if c2 else (col1 if c1 else 16384)
    row2 = int(r2.lstrip("$")) if r2 else MAX_ROWS
    if not c1:  # a row range such as $1:$6
        col1, col2 = 1, 16384
    return Ref(name, min(row1, row2), min(col1, col2), max(row1, row2), max(col1, col2))


# ---------------------------------------------------------------- parsing


@dataclass
class Node:
    kind: str  # num, str, bool, err, ref, name, func, op, neg, pct, empty
    value: Any = None
    args: tuple = ()


_PRECEDENCE = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


class _Parser:
    def __init__(self, formula: str):
        tokens = [t for t in Tokenizer(formula).items if t.type != Token.WSPACE]
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.expression(0)
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek().value!r}")
        return node

    def expression(self, minimum: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.type != Token.OP_IN or token.value not in _PRECEDENCE:
                if token is not None and token.type == Token.OP_IN and token.value not in _PRECEDENCE:
                    raise Unsupported(f"operator {token.value}")
                return left
            precedence = _PRECEDENCE[token.value]
            if precedence < minimum:
                return left
            self.take()
            right = self.expression(precedence + 1)
            left = Node("op", token.value, (left, right))

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.type == Token.OP_PRE:
            self.take()
            operand = self.unary()
            return Node("neg", args=(operand,)) if token.value == "-" else operand
        node = self.primary()
        while (token := self.peek()) is not None and token.type == Token.OP_POST:
            self.take()
            node = Node("pct", args=(node,))
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.type == Token.OPERAND:
            if token.subtype == Token.NUMBER:
                return Node("num", float(token.value))
            if token.subtype == Token.TEXT:
                return Node("str", token.value[1:-1].replace('""', '"'))
            if token.subtype == Token.LOGICAL:
                return Node("bool", token.value.upper() == "TRUE")
            if token.subtype == Token.ERROR:
                return Node("err", XlError(token.value))
            return Node("ref", token.value)
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            name = token.value[:-1].upper().removeprefix("_XLFN.")
            args: list[Node] = []
            if self.peek() is not None and self.peek().type == Token.FUNC and self.peek().subtype == Token.CLOSE:
                self.take()
                return Node("func", name, ())
            while True:
                nxt = self.peek()
                if nxt is not None and (nxt.type == Token.SEP or (nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE)):
                    args.append(Node("empty"))
                else:
                    args.append(self.expression(0))
                sep = self.take()
                if sep.type == Token.FUNC and sep.subtype == Token.CLOSE:
                    return Node("func", name, tuple(args))
                if sep.type != Token.SEP or sep.subtype != Token.ARG:
                    raise Unsupported(f"unexpected {sep.value!r} in {name}")
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            node = self.expression(0)
            close = self.take()
            if close.type != Token.PAREN:
                raise Unsupported("unbalanced parentheses")
            return node
        raise Unsupported(f"unexpected {token.value!r}")


# ---------------------------------------------------------------- the workbook model


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


def _fold(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, XlError):
        return ("s", value.casefold())
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", float(value))
    return ("x", value)


# ---------------------------------------------------------------- evaluation


def _is_error(value: Any) -> bool:
    return isinstance(value, XlError)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _number(value: Any) -> float | XlError:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, XlError):
        return value
    try:
        return float(str(value).strip())
    except ValueError:
        return VALUE


def _truth(value: Any) -> bool | XlError:
    if isinstance(value, XlError):
        return value
    if value is None:
        return False
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        return VALUE
    return bool(value)


def _compare(op: str, a: Any, b: Any) -> bool | XlError:
    if _is_error(a):
        return a
    if _is_error(b):
        return b
    if a is None:
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0.0)
    if b is None:
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0.0)

    def rank(v):
        return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0

    ka = (rank(a), a.casefold() if isinstance(a, str) else float(a))
    kb = (rank(b), b.casefold() if isinstance(b, str) else float(b))
    return {
        "=": ka == kb,
        "<>": ka != kb,
        "<": ka < kb,
        ">": ka > kb,
        "<=": ka <= kb,
        ">=": ka >= kb,
    }[op]


def _binary(op: str, a: Any, b: Any) -> Any:
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return _compare(op, a, b)
    if op == "&":
        if _is_error(a):
            return a
        if _is_error(b):
            return b
        return _text(a) + _text(b)
    x, y = _number(a), _number(b)
    if _is_error(x):
        return x
    if _is_error(y):
        return y
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return DIV0 if y == 0 else x / y
    if op == "^":
        return x**y
    raise Unsupported(op)


def _criterion(criterion: Any):
    """COUNTIF's criterion as a predicate: "Yes", "<>x", ">0", wildcards "Tin?*", or a value."""
    if isinstance(criterion, str) and not _is_error(criterion):
        match = re.match(r"^(<=|>=|<>|<|>|=)?(.*)$", criterion, re.S)
        op, text = match.group(1) or "=", match.group(2)
        try:
            operand: Any = float(text)
        except ValueError:
            operand = text
        if isinstance(operand, str) and op in ("=", "<>") and any(ch in operand for ch in "*?"):
            pattern = operand.casefold().replace("[", "[[]")

            def wildcard(v):
                hit = isinstance(v, str) and fnmatch.fnmatchcase(v.casefold(), pattern)
                return hit if op == "=" else not hit

            return wildcard
        if operand == "" and op == "=":
            return lambda v: v is None or v == ""
        if operand == "" and op == "<>":
            return lambda v: not (v is None or v == "")

        def compare(v):
            if v is None or (isinstance(v, str) and isinstance(operand, float)):
                return op == "<>" if v is not None else False
            if isinstance(operand, str) and not isinstance(v, str):
                return op == "<>"
            result = _compare(op, v, operand)
            return result is True

        return compare
    return lambda v: _compare("=", v, criterion) is True


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
            function = _FUNCTIONS.get(node.value)
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


def _args_values(ctx: _Context, args) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        value = ctx.array(arg)
        if isinstance(value, list):
            out.extend(value)
        else:
            out.append(value)
    return out


def _f_if(ctx, args):
    condition = ctx.scalar(args[0])
    truth = _truth(condition)
    if _is_error(truth):
        return truth
    if truth:
        return ctx.eval(args[1]) if len(args) > 1 and args[1].kind != "empty" else (0.0 if len(args) > 1 else True)
    if len(args) > 2:
        return ctx.eval(args[2]) if args[2].kind != "empty" else 0.0
    return False


def _f_and_or(is_and: bool):
    def function(ctx, args):
        values = [v for v in _args_values(ctx, args) if v is not None and not (isinstance(v, str) and not _is_error(v))]
        for value in values:
            if _is_error(value):
                return value
        truths = [bool(_number(v)) if not isinstance(v, bool) else v for v in values]
        if not truths:
            return VALUE
        return all(truths) if is_and else any(truths)

    return function


def _f_offset(ctx, args):
    base = ctx.eval(args[0])
    if not isinstance(base, Ref):
        return base if _is_error(base) else VALUE
    numbers = []
    for arg in args[1:3]:
        value = _number(ctx.scalar(arg)) if arg.kind != "empty" else 0.0
        if _is_error(value):
            return value
        numbers.append(int(value))
    rows, cols = (numbers + [0, 0])[:2]
    height = base.r2 - base.r1 + 1
    width = base.c2 - base.c1 + 1
    if len(args) > 3 and args[3].kind != "empty":
        height = int(_number(ctx.scalar(args[3])))
    if len(args) > 4 and args[4].kind != "empty":
        width = int(_number(ctx.scalar(args[4])))
    r1, c1 = base.r1 + rows, base.c1 + cols
    if r1 < 1 or c1 < 1 or height < 1 or width < 1:
        return REF
    return Ref(base.sheet, r1, c1, r1 + height - 1, c1 + width - 1)


def _f_match(ctx, args):
    lookup = ctx.scalar(args[0])
    if _is_error(lookup):
        return lookup
    kind = 1.0 if len(args) < 3 or args[2].kind == "empty" else _number(ctx.scalar(args[2]))
    target = ctx.eval(args[1])
    if _is_error(target):
        return target
    if kind == 0:
        if isinstance(target, Ref):
            position = ctx.book.match_index(target).get(_fold(lookup))
            return float(position) if position else NA
        values = target if isinstance(target, list) else [target]
        for position, value in enumerate(values, start=1):
            if _compare("=", value, lookup) is True:
                return float(position)
        return NA
    values = ctx.book.cells(target) if isinstance(target, Ref) else (target if isinstance(target, list) else [target])
    best = None
    for position, value in enumerate(values, start=1):
        if value is None:
            continue
        relation = _compare("<=" if kind > 0 else ">=", value, lookup)
        if relation is True:
            best = position
        elif relation is False:
            break
    return float(best) if best else NA


def _f_index(ctx, args):
    target = ctx.eval(args[0])
    if _is_error(target):
        return target
    row = _number(ctx.scalar(args[1])) if len(args) > 1 and args[1].kind != "empty" else 0.0
    col = _number(ctx.scalar(args[2])) if len(args) > 2 and args[2].kind != "empty" else 0.0
    for value in (row, col):
        if _is_error(value):
            return value
    row, col = int(row), int(col)
    if isinstance(target, Ref):
        if target.c1 == target.c2 and col <= 1:
            r, c = target.r1 + row - 1, target.c1
        elif target.r1 == target.r2 and (col == 0 or row <= 1):
            r, c = target.r1, target.c1 + (col or row) - 1
        else:
            r, c = target.r1 + row - 1, target.c1 + col - 1
        if r > target.r2 or c > target.c2 or r < target.r1 or c < target.c1:
            return REF
        return Ref(target.sheet, r, c, r, c)
    if isinstance(target, list):
        index = (row or col) - 1
        return target[index] if 0 <= index < len(target) else REF
    return target if row <= 1 and col <= 1 else REF


def _f_indirect(ctx, args):
    text = ctx.scalar(args[0])
    if _is_error(text):
        return text
    ref = parse_ref(_text(text), ctx.sheet)
    return ref if ref is not None else REF


def _f_address(ctx, args):
    row = int(_number(ctx.scalar(args[0])))
    col = int(_number(ctx.scalar(args[1])))
    mode = int(_number(ctx.scalar(args[2]))) if len(args) > 2 and args[2].kind != "empty" else 1
    letters = get_column_letter(col)
    return {1: f"${letters}${row}", 2: f"{letters}${row}", 3: f"${letters}{row}", 4: f"{letters}{row}"}[mode]


def _f_row(ctx, args):
    if not args:
        return float(ctx.row)
    ref = ctx.eval(args[0])
    return float(ref.r1) if isinstance(ref, Ref) else VALUE


def _f_column(ctx, args):
    if not args:
        return float(ctx.col)
    ref = ctx.eval(args[0])
    return float(ref.c1) if isinstance(ref, Ref) else VALUE


def _f_countif(ctx, args):
    values = ctx.array(args[0])
    values = values if isinstance(values, list) else [values]
    criteria = ctx.array(args[1])
    if isinstance(criteria, list):  # an array of criteria gives an array of counts
        return [float(sum(1 for v in values if _criterion(c)(v))) for c in criteria]
    test = _criterion(criteria)
    return float(sum(1 for v in values if test(v)))


def _f_countblank(ctx, args):
    values = ctx.array(args[0])
    values = values if isinstance(values, list) else [values]
    return float(sum(1 for v in values if v is None or v == ""))


def _f_sum(ctx, args):
    total = 0.0
    for arg in args:
        value = ctx.array(arg)
        for item in value if isinstance(value, list) else [value]:
            if _is_error(item):
                return item
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                total += item
            elif not isinstance(value, list) and item is not None:
                number = _number(item)
                if _is_error(number):
                    return number
                total += number
    return total


def _f_sumproduct(ctx, args):
    arrays = [ctx.array(arg) for arg in args]
    arrays = [a if isinstance(a, list) else [a] for a in arrays]
    size = len(arrays[0])
    if any(len(a) != size for a in arrays):
        return VALUE
    total = 0.0
    for i in range(size):
        product = 1.0
        for array in arrays:
            item = array[i]
            if _is_error(item):
                return item
            product *= item if isinstance(item, (int, float)) and not isinstance(item, bool) else 0.0
        total += product
    return total


def _f_hlookup(ctx, args):
    lookup = ctx.scalar(args[0])
    table = ctx.eval(args[1])
    if _is_error(lookup):
        return lookup
    if _is_error(table):
        return table
    row = int(_number(ctx.scalar(args[2])))
    if not isinstance(table, Ref):
        return VALUE
    exact = len(args) > 3 and _truth(ctx.scalar(args[3])) is False
    if not exact:
        raise Unsupported("approximate HLOOKUP")
    for col in range(table.c1, table.c2 + 1):
        if _compare("=", ctx.book.value(table.sheet, table.r1, col), lookup) is True:
            return ctx.book.value(table.sheet, table.r1 + row - 1, col)
    return NA


def _f_search(ctx, args):
    needle, haystack = _text(ctx.scalar(args[0])), _text(ctx.scalar(args[1]))
    position = haystack.casefold().find(needle.casefold())
    return float(position + 1) if position >= 0 else VALUE


def _f_left(ctx, args):
    text = ctx.scalar(args[0])
    if _is_error(text):
        return text
    count = int(_number(ctx.scalar(args[1]))) if len(args) > 1 else 1
    return _text(text)[:count]


def _f_len(ctx, args):
    value = ctx.scalar(args[0])
    return value if _is_error(value) else float(len(_text(value)))


def _f_iserror(ctx, args):
    return _is_error(ctx.scalar(args[0]))


def _f_isnumber(ctx, args):
    value = ctx.scalar(args[0])
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _f_isblank(ctx, args):
    return ctx.scalar(args[0]) is None


def _f_ifna(ctx, args):
    value = ctx.eval(args[0])
    if isinstance(value, Ref):
        value = ctx.book._scalar(value, ctx.row, ctx.col)
    return ctx.eval(args[1]) if value == NA and isinstance(value, XlError) else value


def _f_not(ctx, args):
    truth = _truth(ctx.scalar(args[0]))
    return truth if _is_error(truth) else not truth


_FUNCTIONS = {
    "IF": _f_if,
    "AND": _f_and_or(True),
    "OR": _f_and_or(False),
    "NOT": _f_not,
    "OFFSET": _f_offset,
    "MATCH": _f_match,
    "INDEX": _f_index,
    "INDIRECT": _f_indirect,
    "ADDRESS": _f_address,
    "ROW": _f_row,
    "COLUMN": _f_column,
    "COUNTIF": _f_countif,
    "COUNTBLANK": _f_countblank,
    "SUM": _f_sum,
    "SUMPRODUCT": _f_sumproduct,
    "HLOOKUP": _f_hlookup,
    "SEARCH": _f_search,
    "LEFT": _f_left,
    "LEN": _f_len,
    "ISERROR": _f_iserror,
    "ISNUMBER": _f_isnumber,
    "ISBLANK": _f_isblank,
    "IFNA": _f_ifna,
    "NA": lambda ctx, args: NA,
}


# ---------------------------------------------------------------- reading a workbook's formulas and writing caches

_CELL_RE = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_F_RE = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_ATTR_RE = re.compile(r'\s([\w:]+)="([^"]*)"')
_DEFINED_RE = re.compile(r"<definedName\b([^>]*)>(.*?)</definedName>", re.S)


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _split(ref: str) -> tuple[int, int]:
    match = re.match(r"([A-Z]+)(\d+)$", ref)
    return int(match.group(2)), column_index_from_string(match.group(1))


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

    from .sheetxml import sheet_paths

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
