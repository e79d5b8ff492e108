"""What a reporting template says, as plain data (the reader fills it, the checks and the writer read it), and
the cell-value cleaning every reader step shares: blanks and Excel error values, texts, dates, dropdown answers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import layouts as L
from .findings import Finding
from .reference import ReferenceList

_ERROR_VALUES = frozenset({"#N/A", "#REF!", "#VALUE!", "#NAME?", "#DIV/0!", "#NULL!", "#NUM!", "#GETTING_DATA"})


@dataclass
class Person:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None


@dataclass
class Company:
    name: str | None = None
    scope: str | None = None  # "A", "B", "C" or None
    scope_raw: str | None = None
    scope_description: str | None = None
    unique_id: str | None = None
    unique_id_authority: str | None = None
    address: str | None = None
    contact: Person = field(default_factory=Person)
    authorizer: Person = field(default_factory=Person)
    effective_date: dt.date | None = None
    effective_date_raw: Any = None


@dataclass
class SmelterRow:
    """One Smelter List row as written; ``cid_input`` is column A, ``cid`` column F."""

    row: int
    metal: str | None
    metal_raw: str | None
    lookup_name: str | None
    name: str | None
    country: str | None
    cid_input: str | None
    cid_input_raw: str | None
    cid: str | None
    source: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    mine_names: str | None = None
    mine_countries: str | None = None
    recycled: str | None = None
    comments: str | None = None

    @property
    def is_not_listed(self) -> bool:
        return (self.lookup_name or "").casefold() == L.NOT_LISTED

    @property
    def is_not_identified(self) -> bool:
        return (self.lookup_name or "").casefold() == L.NOT_IDENTIFIED


@dataclass
class MineRow:
    """One Mine List row (AMRT): the mine a smelter sources from."""

    row: int
    metal: str | None
    metal_raw: str | None
    smelter_name: str | None
    name: str | None
    mine_id: str | None
    country: str | None
    source: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    comments: str | None = None


@dataclass
class Declaration:
    """Everything read from one file. ``template`` is None when the file could not be identified."""

    file: str
    template: str | None = None
    version: str | None = None
    layout: L.Layout | None = None
    language: str | None = None
    company: Company = field(default_factory=Company)
    metals: list[str] = field(default_factory=list)  # metals/minerals with question rows, in row order
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # metal -> {"q1": ...}
    answer_cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (metal, "q1") -> "D26"
    comments: dict[str, dict[str, str | None]] = field(default_factory=dict)
    company_answers: dict[str, Any] = field(default_factory=dict)  # "A" -> answer, EMRT "C" -> {metal: ..}
    company_answer_cells: dict[str, Any] = field(default_factory=dict)
    policy_url: str | None = None
    products: list[dict[str, str | None]] = field(default_factory=list)
    smelters: list[SmelterRow] = field(default_factory=list)
    mines: list[MineRow] = field(default_factory=list)
    unnamed_other_cells: list[str] = field(default_factory=list)  # AMRT "Other [specify below]" left unnamed
    lookup: ReferenceList = field(default_factory=ReferenceList)
    findings: list[Finding] = field(default_factory=list)  # problems with the file itself

    @property
    def readable(self) -> bool:
        return self.layout is not None


# ---------------------------------------------------------------- values


def clean(value: Any) -> Any:
    """Strip text (tabs, NBSP), map '' and Excel error values to None."""
    if isinstance(value, str):
        text = value.replace("\xa0", " ").strip()
        if not text or text.upper() in _ERROR_VALUES:
            return None
        return text
    return value


def text(value: Any, *, zero_is_blank: bool = False) -> str | None:
    value = clean(value)
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, float):
        if zero_is_blank and value == 0:
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return None if zero_is_blank and value == 0 else str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value)


_DATE_FORMATS = (
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%d/%b/%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d-%b-%y",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
)


def parse_date(value: Any) -> dt.date | None:
    value = clean(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial date
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    if isinstance(value, str):
        candidate = re.sub(r"\s+", " ", value.strip().rstrip("."))
        candidate = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", candidate)
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    return None


def canonical(value: Any, allowed: tuple[str, ...], *, numeric_percent: bool = False) -> Any:
    """Map an answer to its allowed spelling; numbers 1 / 0.9 ... become '100%' etc."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "100%" in allowed and value == 1:
            return "100%"
        return text(value)
    if isinstance(value, str):
        folded = " ".join(value.split()).casefold()
        for option in allowed:
            if option.casefold() == folded:
                return option
        if numeric_percent and folded in ("1", "100", "100 %"):
            return "100%"
        return " ".join(value.split())
    return text(value)


# ---------------------------------------------------------------- grid
