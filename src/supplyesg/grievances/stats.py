"""Figures of the yearly effectiveness review (LkSG §8, UNGP 31). Plain Python.

Counts below the suppression threshold are shown as "fewer than N", never as the number: in a small channel a count of
one or two, crossed with a country or a topic, can point at a person.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    count: int
    suppressed: bool

    def shown(self, threshold: int) -> str:
        return f"<{threshold}" if self.suppressed else str(self.count)


def cells(values: Iterable[str], threshold: int) -> dict[str, Cell]:
    """{value: Cell} sorted by count then value; counts from 1 to threshold-1 are suppressed."""
    counts = Counter(values)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {key: Cell(n, 0 < n < threshold) for key, n in ordered}


def percentile(days: Iterable[float], fraction: float) -> float | None:
    """Nearest-rank percentile (P50 is the median's lower middle for even counts, P90 the value 90 % do not exceed)."""
    ordered = sorted(days)
    if not ordered:
        return None
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(days: Iterable[float]) -> float | None:
    ordered = sorted(days)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Durations:
    count: int
    median: float | None
    p90: float | None
    suppressed: bool


def durations(days: Iterable[float], threshold: int) -> Durations:
    values = list(days)
    if 0 < len(values) < threshold:
        return Durations(len(values), None, None, True)
    return Durations(len(values), median(values), percentile(values, 0.9), False)
