import csv
import io
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from supplyesg.core.sheets.text import TextFileError, decode_text, sniff_delimiter
from supplyesg.minerals.services import reference_list


class Command(BaseCommand):
    help = (
        "Identify smelters read as CSV on standard input (header: metal,name,country) against the loaded "
        "reference list and confirmed aliases. Prints a JSON array in input order; each item lists the five "
        "best candidates with their scores and the reasons (words matched, country, city)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON (the default output is a table)")
        parser.add_argument("--threshold", type=float, default=None, help="fuzzy score (0-100) under which no CID is given")

    def handle(self, *args, **options):
        try:
            stream = getattr(sys.stdin, "buffer", None)  # bytes, so UTF-16 and GB18030 input is read too
            text = decode_text(stream.read()) if stream is not None else sys.stdin.read()
        except TextFileError:
            raise CommandError("standard input is not text in UTF-8, UTF-16 or GB18030", returncode=2)
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not {"metal", "name"} <= set(header):
            raise CommandError("standard input must be CSV with the header metal,name,country", returncode=2)
        reader.fieldnames = header
        reference = reference_list()
        if not reference:
            self.stderr.write("warning: no smelter reference list is loaded (run `supplyesg smelters_load`)")
        kwargs = {} if options["threshold"] is None else {"threshold": options["threshold"]}
        out = []
        for row in reader:
            metal = (row.get("metal") or "").strip()
            name = (row.get("name") or "").strip()
            country = (row.get("country") or "").strip()
            match = reference.match(metal, name=name, country=country, **kwargs) if reference else None
            candidates = reference.candidates(metal, name, country) if reference else []
            out.append(
                {
                    "metal": metal,
                    "name": name,
                    "country": country,
                    "cid": match.cid if match else None,
                    "standard_name": match.smelter.name if match else None,
                    "score": match.score if match else None,
                    "matched_by": match.matched_by if match else None,
                    "candidates": [
                        {
                            "cid": c.key,
                            "standard_name": c.name,
                            "score": c.score,
                            "matched_name": c.matched_name,
                            "reasons": c.reasons,
                        }
                        for c in candidates
                    ],
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for item in out:
            self.stdout.write(
                f"{item['metal']:<10} {item['name'][:40]:<40} -> {item['cid'] or '-':<10} "
                f"{(item['standard_name'] or '')[:40]} {item['score'] if item['score'] is not None else ''}"
            )
            for c in item["candidates"]:
                self.stdout.write(f"{'':<12}{c['score']:>6} {c['cid']:<10} {c['standard_name'][:50]}: {'; '.join(c['reasons'])}")
