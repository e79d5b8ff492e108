from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals.services import load_smelter_list


class Command(BaseCommand):
    help = "Load the RMI smelter reference list from the Smelter Look-up sheet of CMRT/EMRT templates."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="RMI template workbooks (.xlsx), e.g. RMI_CMRT_6.5.xlsx")

    def handle(self, *args, **options):
        failed = False
        for raw in options["paths"]:
            path = Path(raw)
            if not path.is_file():
                self.stderr.write(f"{path}: no such file")
                failed = True
                continue
            try:
                load = load_smelter_list(path)
            except RuleViolation as exc:
                self.stderr.write("; ".join(exc.messages))
                failed = True
                continue
            self.stdout.write(
                f"{path.name}: {load.template} {load.version}: {load.smelters_created} smelters created, "
                f"{load.smelters_updated} updated, {load.aliases_added} aliases added"
            )
        if failed:
            raise CommandError("some files were not loaded", returncode=1)
