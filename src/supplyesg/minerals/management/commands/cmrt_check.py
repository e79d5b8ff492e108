"""`supplyesg cmrt_check PATH... [--json]`: validate CMRT/EMRT files without a database.

Exit status: 0 when every file is valid, 1 when any file has an error, 2 on bad usage (no such path, a
special file such as a FIFO, device or socket, or no workbook found).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supplyesg.minerals.cmrt import check_file, expand_paths
from supplyesg.minerals.cmrt.checks import CheckResult


class Command(BaseCommand):
    help = "Check supplier CMRT/EMRT workbooks against the template rules (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a workbook or a folder of workbooks")
        parser.add_argument("--json", action="store_true", help="print one JSON array, one object per file")

    def handle(self, *args, paths: list[str], json: bool = False, **options) -> None:
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=2)
        special = [p for p in paths if Path(p).exists() and not (Path(p).is_file() or Path(p).is_dir())]
        if special:
            raise CommandError(f"not a regular file or folder: {', '.join(special)}", returncode=2)
        files = expand_paths(paths)
        if not files:
            raise CommandError(f"no workbook found in: {', '.join(paths)}", returncode=2)
        # Streamed: each file's result is written as soon as it is checked and then dropped, so memory stays
        # flat for 20,000 files. The JSON is the same array `json.dumps(results, indent=2)` would print.
        invalid = False
        if json:
            self.stdout.write("[", ending="\n")
        for number, path in enumerate(files):
            result = check_file(path, filename=str(path))
            invalid = invalid or not result.valid
            if json:
                text = "  " + _dumps(result.to_dict()).replace("\n", "\n  ")
                self.stdout.write(text + ("," if number < len(files) - 1 else ""), ending="\n")
            else:
                self.stdout.write(_human(result))
            self.stdout.flush()
        if json:
            self.stdout.write("]", ending="\n")
        if invalid:
            sys.exit(1)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _human(result: CheckResult) -> str:
    d = result.declaration
    template = f"{d.template} {d.version}" if d.template else "unknown template"
    lines = [
        f"{d.file}",
        f"  {template}: {'valid' if result.valid else 'INVALID'}"
        f" ({len(result.errors)} error(s), {len(result.warnings)} warning(s))",
    ]
    for f in result.findings:
        where = f" {f.location}" if f.location else ""
        lines.append(f"  {f.severity.upper():7} {f.code}{where}: {f.message}")
    return "\n".join(lines) + "\n"
