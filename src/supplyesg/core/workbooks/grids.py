"""Read chosen sheets of a checked workbook into plain rows, in the isolated child. Plain Python.

The importers (suppliers, business scores, questionnaires) need only cell values; the child returns them
as lists, so nothing of calamine crosses the process boundary.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineWorkbook

from . import isolation
from .guard import DEFAULT_LIMITS, Limits, Problem, inspect_workbook


@dataclass
class Grids:
    sheet_names: list[str]
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)  # actual sheet name -> rows
    error: str = ""  # the reader's complaint about a damaged file ("" when read)

    def find(self, name: str) -> str | None:
        """The actual name of the sheet called ``name`` (case-insensitive), or None."""
        return next((n for n in self.sheet_names if n.casefold() == name.casefold()), None)


class UnreadableWorkbook(Exception):
    """The workbook was refused (``problem``) or could not be read safely (``reason``)."""

    def __init__(self, problem: Problem | None = None, reason: str = ""):
        super().__init__(str(problem) if problem else reason)
        self.problem = problem
        self.reason = reason


def read_here(
    data: bytes,
    wanted: tuple[str, ...],
    first_if_missing: bool = False,
    max_rows: int | None = None,
    skip_empty_area: bool = False,
) -> Grids:
    """Read in this process (the child's side). Sheets are matched case-insensitively."""
    grids = Grids([])
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids.sheet_names = list(workbook.sheet_names)
        names = [grids.find(name) for name in wanted]
        if first_if_missing and not any(names) and grids.sheet_names:
            names = [grids.sheet_names[0]]
        for name in filter(None, names):
            grids.sheets[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=skip_empty_area, nrows=max_rows)
    except Exception as exc:  # calamine raises a zoo of errors for damaged files
        grids.error = f"{type(exc).__name__}: {exc}"[:200]
    return grids


def read_grids(
    data: bytes,
    wanted: tuple[str, ...],
    *,
    first_if_missing: bool = False,
    max_rows: int | None = None,
    skip_empty_area: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    child: isolation.ChildLimits = isolation.DEFAULT_CHILD_LIMITS,
) -> Grids:
    """Check the workbook, then read the wanted sheets in a limited child. Raises UnreadableWorkbook."""
    kind, problem = inspect_workbook(data, limits)
    if problem is None and kind != "xlsx":
        problem = Problem(kind or "not_excel")
    if problem:
        raise UnreadableWorkbook(problem)
    try:
        return isolation.call(read_here, data, wanted, first_if_missing, max_rows, skip_empty_area, limits=child)
    except isolation.UnsafeFile as exc:
        raise UnreadableWorkbook(reason=exc.reason) from None
