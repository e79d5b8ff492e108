"""What every spreadsheet import answers: counts, the per-cell errors and whether anything was written.
A file with any error changes nothing, so `applied` is true only for a file without errors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportResult:
    filename: str
    errors: list[str] = field(default_factory=list)
    rows: int = 0
    failed: int = 0  # rows with at least one error
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors
