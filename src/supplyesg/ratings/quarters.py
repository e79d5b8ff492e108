"""Quarters as people write them (2026Q3, 2026-Q3, Q3 2026, 2026年第3季度) and their first and last days.
No database, no translation: callers turn a QuarterError into a message naming their field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MIN_YEAR = 2000

_FORMS = (
    re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*Q(?P<q>[1-4])$", re.IGNORECASE),
    re.compile(r"^Q(?P<q>[1-4])\s*[-/ ]?\s*(?P<year>\d{4})$", re.IGNORECASE),
    re.compile(r"^(?P<year>\d{4})\s*年?\s*第?\s*(?P<q>[1-4一二三四])\s*季度?$"),
)
_CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


class QuarterError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __post_init__(self):
        if not (isinstance(self.year, int) and isinstance(self.quarter, int)):
            raise QuarterError("year and quarter must be whole numbers")
        if not 1 <= self.quarter <= 4:
            raise QuarterError(f"quarter {self.quarter} is not 1-4")
        if not MIN_YEAR <= self.year <= 9999:
            raise QuarterError(f"year {self.year} is out of range")

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        return str(self)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1) if self.year < 9999 or self.quarter < 4 else date(9999, 12, 31)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text) -> Quarter:
    """'2026Q3' and its usual spellings → Quarter; QuarterError otherwise."""
    value = str(text or "").strip().replace("\u3000", " ")
    for pattern in _FORMS:
        match = pattern.match(value)
        if match:
            q = _CHINESE_DIGITS.get(match.group("q"), match.group("q"))
            return Quarter(int(match.group("year")), int(q))
    raise QuarterError(f"{value!r} is not a quarter such as 2026Q3")


def quarter_of(year, quarter) -> Quarter:
    """A Quarter from a year and a quarter number given as numbers or digit strings."""
    try:
        y = int(str(year).strip())
        q = int(str(quarter).strip().upper().lstrip("Q"))
    except (TypeError, ValueError):
        raise QuarterError(f"{year!r}/{quarter!r} is not a year and quarter") from None
    return Quarter(y, q)
