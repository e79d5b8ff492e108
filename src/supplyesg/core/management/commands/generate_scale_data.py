"""`supplyesg generate_scale_data --suppliers 100000 --submissions 20000`: the data set the benches measure.

Every app registers the part it owns (core/scale.py) from its AppConfig.ready, in order: suppliers (sites,
contacts, categories, documents), assessments (questionnaire answers and the yearly risk assessment), audits,
ratings (business scores and the quarterly ratings), minerals (the declarations). Each part writes through the
app's own services and bulk writers, is deterministic for a seed, and skips what it already generated for
the year, so the command can be run again after a failure.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from supplyesg.core.maintenance import refresh_planner_statistics
from supplyesg.core.scale import ScaleOptions, scale_generators
from supplyesg.core.services import forget_debug_queries


class Command(BaseCommand):
    help = "Generate the scale data set (suppliers, assessments, ratings, declarations) for the benches."

    def add_arguments(self, parser):
        parser.add_argument("--suppliers", type=int, default=100_000, help="how many suppliers (default 100000)")
        parser.add_argument(
            "--submissions", type=int, default=20_000, help="minerals declarations in the year (default 20000)"
        )
        parser.add_argument("--year", type=int, default=None, help="the year the data is for (default: this year)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year
        if options["suppliers"] < 1 or options["submissions"] < 0:
            raise CommandError("--suppliers must be at least 1 and --submissions at least 0.")
        if not 2000 <= year <= timezone.localdate().year + 1:
            raise CommandError(f"--year must be from 2000 to {timezone.localdate().year + 1}.")
        scale = ScaleOptions(
            suppliers=options["suppliers"], submissions=options["submissions"], year=year, seed=options["seed"]
        )
        started = time.perf_counter()
        for key, generate in scale_generators():
            step = time.perf_counter()
            self.stdout.write(f"== {key}")

            def progress(message: str, key=key) -> None:
                self.stdout.write(f"  {key}: {message}")
                self.stdout.flush()
                # With DEBUG on (the default outside production) Django keeps the last 9,000 statements with their
                # values written in; a chunk of 1,000 answers or assessments is one statement of megabytes. Cleared
                # at each progress line: 100,000 suppliers peaked at 3.7 GB of memory with the log, growing by
                # about 120 KB an answered questionnaire.
                forget_debug_queries()
                # The driver keeps the statements it compiled, per connection (sqlite3 up to 128; psycopg its prepared
                # ones and the texts it counts), and a bulk write's are large and mostly distinct (a chunk's last
                # batch varies in size): 20,000 suppliers on SQLite held 758 MB at the end of the questionnaires
                # against 397 MB with a cache of 8. A new connection at each progress line, between transactions,
                # lets them go; reconnecting costs about a millisecond.
                if not connection.in_atomic_block:
                    connection.close()

            generate(scale, progress)
            self.stdout.write(f"  {key}: done in {time.perf_counter() - step:.1f} s")
        refresh_planner_statistics()  # as the daily `analyze_database` would, before anyone measures the set
        self.stdout.write(self.style.SUCCESS(f"Scale data for {year} generated in {time.perf_counter() - started:.1f} s."))
