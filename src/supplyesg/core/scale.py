"""Generators of the scale data set (`supplyesg generate_scale_data`): each app registers the part it owns, in order.

The command in core runs every registered generator; an app's generator uses the app's own services and writers."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScaleOptions:
    suppliers: int
    submissions: int
    year: int
    seed: int = 2026


Generator = Callable[[ScaleOptions, Callable[[str], None]], None]
_GENERATORS: dict[str, tuple[int, Generator]] = {}


def register_scale_generator(key: str, fn: Generator, *, order: int) -> None:
    _GENERATORS[key] = (order, fn)


def scale_generators() -> list[tuple[str, Generator]]:
    return [(key, fn) for key, (order, fn) in sorted(_GENERATORS.items(), key=lambda item: (item[1][0], item[0]))]
