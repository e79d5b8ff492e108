"""`supplyesg cmrt_import PATH --campaign ID [--json]`: import many CMRT/EMRT files into a campaign.

PATH is a workbook, a folder (its files by name; zips inside are opened) or a .zip. Each file is assigned to
a supplier of the campaign by the company unique id or name on its Declaration sheet; uncertain and
unassigned files are held and can be confirmed on the campaign's bulk result page. A progress bar goes to
standard error, the summary (or with --json one JSON object) to standard output.

Exit status: 0 when every file was assigned and stored, 1 when any file is uncertain, unassigned or
skipped, 2 on bad usage (unknown campaign, missing PATH).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from supplyesg.minerals import bulk
from supplyesg.minerals.models import Campaign

BAR_WIDTH = 30


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = width if not total else min(width, round(width * done / total))
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = (
        "Import CMRT/EMRT files (a file, a folder or a .zip) into a campaign, assigning each to a supplier."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="a workbook, a folder of workbooks or a .zip")
        parser.add_argument("--campaign", type=int, required=True, help="the campaign id")
        parser.add_argument("--json", action="store_true", help="print the outcome as one JSON object")

    def handle(self, *args, path: str, campaign: int, json: bool = False, **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"no such file or folder: {path}", returncode=2)
        target = Campaign.objects.filter(pk=campaign).first()
        if target is None:
            raise CommandError(f"no campaign with id {campaign}", returncode=2)
        if target.status == Campaign.Status.CLOSED:
            raise CommandError(f"campaign {campaign} ({target.name}) is closed", returncode=2)

        def on_progress(done, total):
            self.stderr.write("\r" + progress_bar(done, total), ending="")
            self.stderr.flush()

        job, result = bulk.run_cli_import(target, source, on_progress=on_progress)
        self.stderr.write("")
        page = reverse("minerals:bulk_result", kwargs={"campaign_pk": target.pk, "job_pk": job.pk})
        if json:
            self.stdout.write(_dumps({**result, "job_id": job.pk, "page": page}))
        else:
            self.stdout.write(_summary(result, page))
        if result["uncertain"] or result["unassigned"] or result["skipped"]:
            sys.exit(1)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _summary(result: dict, page: str) -> str:
    lines = [
        f"{len(result['assigned'])} assigned, {len(result['uncertain'])} uncertain, "
        f"{len(result['unassigned'])} unassigned, {len(result['skipped'])} skipped",
    ]
    invalid = [e for e in result["assigned"] if not e.get("valid")]
    if invalid:
        lines.append(f"{len(invalid)} assigned file(s) have errors (stored, not acceptable as they are).")
    if result["uncertain"]:
        lines.append("Uncertain (confirm the supplier on the bulk result page):")
        for e in result["uncertain"]:
            candidates = "; ".join(f"{c['name']} ({c['score']:.0f})" for c in e["candidates"])
            lines.append(f'  {e["file"]}: "{e.get("company", "")}" -> {candidates}')
    if result["unassigned"]:
        lines.append("Unassigned:")
        for e in result["unassigned"]:
            lines.append(
                f'  {e["file"]}: "{e.get("company", "")}"' + (f" ({e['reason']})" if e.get("reason") else "")
            )
    if result["skipped"]:
        lines.append("Skipped:")
        for e in result["skipped"]:
            lines.append(f"  {e['file']}: {e['reason']}")
    if result["uncertain"] or result["unassigned"]:
        lines.append(f"Confirm suppliers at {page}")
    return "\n".join(lines) + "\n"
