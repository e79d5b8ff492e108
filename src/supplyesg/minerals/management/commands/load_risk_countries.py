import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from supplyesg.minerals.aggregation import figures_changed
from supplyesg.minerals.models import RiskCountry

DATA = Path(__file__).resolve().parents[2] / "data" / "covered_countries.json"


class Command(BaseCommand):
    help = "Load the SEC covered countries (DR Congo and its neighbours) with their source. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        data = json.loads(DATA.read_text())
        created = 0
        for code in data["countries"]:
            _obj, was_created = RiskCountry.objects.update_or_create(
                kind=RiskCountry.Kind.COVERED,
                country=code,
                defaults={"source": data["source"][:255], "as_of": date.fromisoformat(data["as_of"])},
            )
            created += was_created
        figures_changed(None)
        self.stdout.write(
            f"covered countries: {created} created, {len(data['countries']) - created} already there"
        )
