"""One parser for the percentage and 0-100 score columns of every import.

Spreadsheet programs store a percentage as a fraction: a cell showing 92.5 % holds 0.925 and says so only
in its number format. The readers hand such a cell over as `PercentCell` (see `formats`), so the value is
read as the person typed it. Text "92.5 %" / "92.5%" / "92,5 %" is a percentage too. A plain number between
0 and 1 in a 0-100 column is most likely a fraction copied from another sheet: it is refused, unless the
column allows small shares (spend share, where 0.4 means 0.4 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NOT_NUMBER = "not_number"
OUT_OF_RANGE = "out_of_range"
FRACTION = "fraction"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PercentCell:
    """A number read from a percent-formatted cell: `stored` is the fraction in the file (0.925)."""

    stored: Decimal

    @property
    def percentage(self) -> Decimal:
        return (self.stored * HUNDRED).normalize()

    def __str__(self) -> str:
        return format(self.percentage, "f") + "%"


class NumberProblem(ValueError):
    """`kind` is NOT_NUMBER, OUT_OF_RANGE or FRACTION; `text` is the value as the person sees it."""

    def __init__(self, kind: str, text: str):
        super().__init__(kind, text)
        self.kind = kind
        self.text = text


def number_of(value) -> Decimal:
    """A Decimal from a number, or from text such as "1250", "12.5", "12,5", "92.5 %"; NumberProblem if not."""
    if isinstance(value, PercentCell):
        return value.percentage
    if isinstance(value, bool):
        raise NumberProblem(NOT_NUMBER, str(value))
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).replace("\xa0", " ").replace("\u202f", " ").strip()
        body = text.rstrip("%％").strip()
        if body.count(",") == 1 and "." not in body:
            body = body.replace(",", ".")  # a decimal comma
        try:
            number = Decimal(body.replace(" ", ""))
        except InvalidOperation:
            raise NumberProblem(NOT_NUMBER, text) from None
    if not number.is_finite():
        raise NumberProblem(NOT_NUMBER, str(value))
    return number


def shown(value) -> str:
    """The value as a person sees it in the cell (a percent cell as 92.5%, whole numbers without .0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\xa0", " ").strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_percent_text(value) -> bool:
    return isinstance(value, str) and value.strip().endswith(("%", "％"))


def percentage(value, *, allow_fraction: bool = False, low: Decimal = Decimal(0), high: Decimal = HUNDRED):
    """The percentage (0-100) a cell holds as typed, or None for a blank cell. Raises NumberProblem."""
    if is_blank(value):
        return None
    number = number_of(value)
    if not low <= number <= high:
        raise NumberProblem(OUT_OF_RANGE, shown(value))
    explicit = isinstance(value, PercentCell) or is_percent_text(value)
    if not explicit and not allow_fraction and Decimal(0) < number < Decimal(1):
        raise NumberProblem(FRACTION, shown(value))
    return number
