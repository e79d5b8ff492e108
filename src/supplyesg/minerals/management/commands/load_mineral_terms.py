from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from supplyesg.minerals.mineral_terms import load_mineral_terms


class Command(BaseCommand):
    help = "Load the words that map supplier categories to template minerals (data/mineral_terms.json). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="Another terms file in the same format.")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options.get("file") else None
        if path is not None and not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            result = load_mineral_terms(path)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"{path or 'mineral_terms.json'}: {exc}") from exc
        self.stdout.write(f"mineral terms: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")
