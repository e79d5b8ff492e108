"""Conservation checks and coverage arithmetic, with no database (listed in pyproject's `pure` contract).

- Nothing leaves a holder that it did not hold: per lot and holder, receipts and outputs made are the "in",
  shipments and inputs consumed the "out"; a new out may not take the balance below zero.
- A transformation's outputs lie within a tolerance of its inputs times the output material's conversion
  factor (yield): e.g. 1.08 kg polysilicon per kg metallurgical silicon is refused at factor 0.9 and 2 %.
- An input lot with no recorded upstream (no event made it, and its material is not an origin stage) is an
  untraced input: it is flagged, not refused, because the supplier may not know yet.
- Mass balance per account (party and material) and period: inputs, outputs, expected outputs, deficit alert
  when more came out than the inputs allow.

Findings are codes with their numbers; the services turn them into sentences in the user's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Finding:
    code: str  # "over_shipped", "out_of_tolerance", "untraced_input", "deficit"
    field: str
    values: dict = field(default_factory=dict)


# ---------------------------------------------------------------- holding


def balance(moves: Iterable[tuple[str, Decimal]]) -> Decimal:
    """What a holder still holds of a lot: moves are ("in" | "out", quantity)."""
    total = ZERO
    for direction, quantity in moves:
        total += quantity if direction == "in" else -quantity
    return total


def check_take(held: Decimal, wanted: Decimal, *, field_name: str, lot: str) -> list[Finding]:
    """Shipping or consuming `wanted` of a lot of which `held` is left."""
    if wanted <= ZERO:
        return [Finding("not_positive", field_name, {"lot": lot})]
    if wanted > held:
        return [Finding("over_shipped", field_name, {"lot": lot, "held": held, "wanted": wanted})]
    return []


# ---------------------------------------------------------------- transformation


def expected_output(inputs: Decimal, factor: Decimal) -> Decimal:
    return inputs * factor


def check_transformation(
    inputs: Decimal, outputs: Decimal, factor: Decimal, tolerance_percent: Decimal, *, field_name: str = "output_quantity"
) -> list[Finding]:
    """Outputs within ±tolerance of inputs × factor."""
    expected = expected_output(inputs, factor)
    allowed = expected * tolerance_percent / HUNDRED
    if abs(outputs - expected) > allowed:
        return [
            Finding(
                "out_of_tolerance",
                field_name,
                {
                    "inputs": inputs,
                    "outputs": outputs,
                    "factor": factor,
                    "expected": _q(expected),
                    "tolerance": tolerance_percent,
                },
            )
        ]
    return []


def untraced_inputs(inputs: Iterable[tuple[str, bool, bool]]) -> list[Finding]:
    """inputs: (lot identifier, has an upstream event, material is an origin stage)."""
    return [
        Finding("untraced_input", "inputs", {"lot": lot}) for lot, has_upstream, origin in inputs if not (has_upstream or origin)
    ]


# ---------------------------------------------------------------- mass balance


@dataclass(frozen=True)
class MassBalance:
    account: str  # party and material, as shown
    inputs: Decimal
    outputs: Decimal
    factor: Decimal
    tolerance: Decimal

    @property
    def expected(self) -> Decimal:
        return _q(self.inputs * self.factor)

    @property
    def deficit(self) -> Decimal:
        """How much more came out than the inputs allow (0 when none)."""
        return max(ZERO, _q(self.outputs - self.expected * (1 + self.tolerance / HUNDRED)))

    @property
    def alert(self) -> bool:
        return self.deficit > ZERO


# ---------------------------------------------------------------- coverage


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weakest(levels: Iterable[str], order: list[str]) -> str | None:
    """The weakest assurance level of a trace (None for an empty trace)."""
    ranks = [order.index(level) for level in levels if level in order]
    return order[min(ranks)] if ranks else None


@dataclass(frozen=True)
class VolumeRow:
    level: str  # an assurance level, or "untraced"
    quantity: Decimal
    share: Decimal | None


def volume_by_level(lots: Iterable[tuple[Decimal, bool, str | None]], order: list[str]) -> list[VolumeRow]:
    """lots: (quantity, reaches origin, weakest level). Traced volume per level, then what is not traced."""
    totals = {level: ZERO for level in order}
    untraced = ZERO
    for quantity, traced, level in lots:
        if traced and level in totals:
            totals[level] += quantity
        else:
            untraced += quantity
    whole = sum(totals.values(), ZERO) + untraced
    rows = [VolumeRow(level, totals[level], percent(totals[level], whole)) for level in reversed(order)]
    rows.append(VolumeRow("untraced", untraced, percent(untraced, whole)))
    return rows


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    """[first day, first day after) of a year or of one quarter of it."""
    if not quarter:
        return date(year, 1, 1), date(year + 1, 1, 1)
    if not 1 <= quarter <= 4:
        raise ValueError("quarter")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
