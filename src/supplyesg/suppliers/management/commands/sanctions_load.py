from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supplyesg.core.errors import RuleViolation
from supplyesg.suppliers.sanctions import lists
from supplyesg.suppliers.sanctions.services import UN_LIST_NAME, load_sanctions_list, screen_subjects


class Command(BaseCommand):
    help = (
        "Load a sanctions list from a file (no network): the UN Security Council Consolidated List XML, a CSV "
        "or FollowTheMoney JSON. The new version replaces the current one (history is kept); then suppliers, "
        "sites and smelters are screened against every current list."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="e.g. consolidated.xml downloaded from scsanctions.un.org")
        parser.add_argument("--format", dest="fmt", choices=lists.FORMATS, default="un-xml")
        parser.add_argument("--list", dest="list_name", default="", help=f'list name (default for un-xml: "{UN_LIST_NAME}")')
        parser.add_argument("--source", default="", help="where the file comes from (URL or publisher)")
        parser.add_argument("--list-version", dest="list_version", default="", help="edition, when the file does not say")
        parser.add_argument("--no-screen", action="store_true", help="load only; screen later with screen_sanctions")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        name = options["list_name"] or (UN_LIST_NAME if options["fmt"] == "un-xml" else "")
        if not name:
            raise CommandError("--list: name the list (required for csv and ftm)", returncode=2)
        try:
            version = load_sanctions_list(
                path.read_bytes(),
                fmt=options["fmt"],
                list_name=name,
                file_name=path.name,
                source=options["source"],
                version=options["list_version"],
            )
        except RuleViolation as exc:
            raise CommandError("; ".join(exc.messages), returncode=1)
        self.stdout.write(f"{name}: version {version.version}, {version.entry_count} entries loaded")
        if not options["no_screen"]:
            result = screen_subjects()
            self.stdout.write(f"{result.screened} parties screened, {len(result.new_hits)} new hits to review")
