"""The Excel functions RMI templates use, each taking the evaluation context and its argument trees."""

from __future__ import annotations

from typing import Any

from openpyxl.utils.cell import get_column_letter

from .values import (
    NA,
    REF,
    VALUE,
    Ref,
    Unsupported,
    XlError,
    _compare,
    _criterion,
    _fold,
    _is_error,
    _number,
    _text,
    _truth,
    parse_ref,
)


def _args_values(ctx, args) -> list[Any]:
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


FUNCTIONS = {
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
