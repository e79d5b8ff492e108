"""`supplyesg cmrt_export --year Y --template CMRT|EMRT|AMRT [--blank PATH] --out PATH`: the company declaration.

Writes the year's company CMRT/EMRT/AMRT (answers derived from the accepted supplier declarations plus the
company's saved answers; the Smelter List from the company smelter list) into a blank RMI template.
--blank defaults to the setting SUPPLYESG_CMRT_TEMPLATE / SUPPLYESG_EMRT_TEMPLATE. The output is written
to a temporary file first and renamed, so a failed export leaves no half-written file.
Exit status: 0 when written, 2 on bad usage (missing or wrong blank template, unknown template, bad path).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import declaration


class Command(BaseCommand):
    help = "Write the company's own CMRT/EMRT for a reporting year into a blank RMI template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="reporting year, e.g. 2025")
        parser.add_argument("--template", help="CMRT or EMRT")
        parser.add_argument("--blank", help="the blank RMI template (.xlsx); default: the configured one")
        parser.add_argument("--out", help="where to write the filled .xlsx")

    def handle(self, *args, year=None, template=None, blank=None, out=None, **options) -> None:
        template = (template or "").upper()
        problems = []
        if not year:
            problems.append("--year is required (e.g. --year 2025)")
        elif not declaration.MIN_YEAR <= year <= declaration.MAX_YEAR:
            problems.append(f"--year {year} is not a reporting year")
        if template not in declaration.DECLARED_TEMPLATES:
            problems.append("--template must be CMRT, EMRT or AMRT")
        if not out:
            problems.append("--out PATH is required")
        if problems:
            raise CommandError("; ".join(problems) + ".", returncode=2)
        blank = blank or declaration.blank_template_setting(template)
        if not blank:
            raise CommandError(
                f"no blank {template} template: pass --blank PATH or set {template}_TEMPLATE_PATH.",
                returncode=2,
            )
        if not Path(blank).is_file():
            raise CommandError(f"--blank {blank}: no such file.", returncode=2)
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {target.parent} does not exist.", returncode=2)
        try:
            data = declaration.export_declaration(year, template, blank)
        except RuleViolation as exc:
            raise CommandError(" ".join(exc.messages), returncode=2)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".cmrt_export-", suffix=".xlsx")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        effective = declaration.effective_declaration(year, template)
        for problem in declaration.declaration_problems(effective):
            self.stderr.write(f"warning: {problem}")
        self.stdout.write(
            f"{target}: company {template} {year} with {len(effective.smelters)} smelter(s) "
            f"({len(effective.derived.unresolved)} name(s) without an id not listed)."
        )
