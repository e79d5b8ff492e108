"""`supplyesg load_material_definitions [--file PATH]`: the chain stages and their key data from the seed file
(traceability/data/material_definitions.json), created or updated by code; safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supplyesg.traceability import services


class Command(BaseCommand):
    help = "Load or update the material definitions (chains, stages, key data, conversion factors) from the seed file."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="another definitions file of the same shape")

    def handle(self, *args, file=None, **options):
        try:
            result = services.load_material_definitions(path=Path(file) if file else None)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Nothing was loaded: {exc}")
        self.stdout.write(self.style.SUCCESS(f"Material definitions: {result.created} created, {result.updated} updated."))
