"""What a computation is: a function of a `Scope` (period, definitions, filters, the line item's parameters)
returning a `Result` (value, the rows behind it, data-quality flags). Computations only read; they never write.

Plain Python on purpose (no Django import), so the value and row shapes are checked without a database and a
snapshot stores exactly what a computation returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

REGISTRY: dict[str, Callable[[Scope], Result]] = {}


@dataclass(frozen=True)
class Scope:
    year: int
    start: date
    end: date  # inclusive
    definitions: dict
    tiers: tuple[int, ...] = ()  # empty = every tier
    countries: tuple[str, ...] = ()  # ISO alpha-2
    categories: tuple[str, ...] = ()  # suppliers.Category codes
    params: dict = field(default_factory=dict)  # the line item's own (e.g. {"area": "environment"})
    item_scope: dict = field(default_factory=dict)  # the line item's scope filters from the catalogue

    def with_item(self, params: dict, item_scope: dict) -> Scope:
        return Scope(
            self.year,
            self.start,
            self.end,
            self.definitions,
            self.tiers,
            self.countries,
            self.categories,
            dict(params or {}),
            dict(item_scope or {}),
        )

    @property
    def effective_tiers(self) -> tuple[int, ...]:
        """The report's tier filter narrowed by the line item's own scope."""
        own = tuple(self.item_scope.get("tiers") or ())
        if not own:
            return self.tiers
        return tuple(t for t in own if not self.tiers or t in self.tiers)


@dataclass(frozen=True)
class Row:
    """One record behind a figure: `kind` is a model label ("suppliers.supplier") and `pk` its id, so the page links
    to the object while it exists; `cells` are what the report shows, in the Result's column order."""

    kind: str
    pk: int | None
    cells: tuple

    def as_json(self) -> dict:
        return {"kind": self.kind, "pk": self.pk, "cells": [plain(c) for c in self.cells]}


@dataclass
class Result:
    value: object  # a number, None (no data), or {"label": number} for a breakdown, or text
    columns: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # data-quality warnings a reader should see
    note: str = ""

    def value_json(self):
        return plain(self.value)


def plain(value):
    """Canonical JSON: decimals as fixed strings, dates ISO, tuples as lists, dict keys sorted by json.dumps."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")
    return value


def percent(numerator: int, denominator: int, places: int = 1) -> Decimal | None:
    """numerator / denominator as a percentage rounded half-up; None when nothing to divide by."""
    if not denominator:
        return None
    q = Decimal(1).scaleb(-places)
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(q, rounding=ROUND_HALF_UP)


def computation(key: str):
    """Register a computation under the key catalogue line items name."""

    def register(fn):
        if key in REGISTRY and REGISTRY[key] is not fn:
            raise ValueError(f"computation {key!r} registered twice")
        REGISTRY[key] = fn
        return fn

    return register
