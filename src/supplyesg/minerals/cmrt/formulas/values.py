"""Excel values for the evaluator: errors, references, coercions and operators with Excel's semantics."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.cell import column_index_from_string

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


def _fold(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, XlError):
        return ("s", value.casefold())
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", float(value))
    return ("x", value)
