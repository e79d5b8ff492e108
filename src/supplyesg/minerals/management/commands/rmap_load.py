from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals.services import load_rmap_statuses


class Command(BaseCommand):
    help = (
        "Load an RMAP status list (CSV or xlsx with columns CID, Status, Assessment date, Next assessment)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--demo", action="store_true", help="label the statuses as demo data")

    def handle(self, *args, path, demo, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{file}: no such file", returncode=2)
        try:
            result = load_rmap_statuses(file.read_bytes(), file_name=file.name, is_demo=demo)
        except RuleViolation as exc:
            raise CommandError("; ".join(exc.messages), returncode=1)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{file.name}: {len(result.errors)} errors; nothing was stored", returncode=1)
        self.stdout.write(f"{file.name}: {result.upload.rows} statuses loaded")
