"""supplyesg load_disclosure_catalogue [--catalogue-version V] [--folder DIR]: load (or reload) a catalogue version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supplyesg.reporting.services.catalogue import CURRENT_VERSION, CatalogueError, load_catalogue


class Command(BaseCommand):
    help = "Load a version of the disclosure catalogue (GRI, ESRS, OECD step 5, SEC Form SD, KPIs) and make it current."

    def add_arguments(self, parser):
        # not --version: Django's own option on every command (the version of Django)
        parser.add_argument("--catalogue-version", dest="catalogue_version", default=CURRENT_VERSION)
        parser.add_argument("--folder", help="a folder of catalogue JSON files (default: the version's shipped files)")

    def handle(self, *args, catalogue_version, folder=None, **options):
        try:
            result = load_catalogue(actor=None, version=catalogue_version, folder=Path(folder) if folder else None)
        except CatalogueError as exc:
            raise CommandError("\n".join(exc.errors)) from None
        self.stdout.write(f"Catalogue {result.version}: {result.created} line items from {', '.join(result.files)}")
