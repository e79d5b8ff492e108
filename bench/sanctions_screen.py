"""Bench: screening a registry against a sanctions list of the UN list's size, through the real service.

    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.sanctions_screen [--suppliers 1000]

A synthetic list of 1,000 entities (three aliases each, like the UN list) is loaded from CSV; then every
supplier (legal and local name) is screened with `screen_subjects`, which stores hits. The baseline, in
the same process, is rapidfuzz's `process.extract` of each name over all listed names (no normalisation, no
reasons, nothing stored): the cost of the plainest fuzzy screening. Prints both and the ratio.
"""

from __future__ import annotations

import argparse
import random
import time

from bench.common import setup_database, size

WORDS = (
    "golden star metals trading mining development refining smelting industrial resources general export "
    "import ocean eastern northern pacific united heavy machinery chemical shipping petroleum precision"
).split()
PLACES = ("Yunnan", "Guangxi", "Hunan", "Pyongyang", "Tehran", "Dubai", "Jiangxi", "Shenzhen", "Minsk", "Damascus")
FORMS = ("Co., Ltd.", "Corporation", "LLC", "Trading Company", "Group")


SYLLABLES = "ka ri mo tan shen lu bao xin hua zhi pol ver dan sor mei tek gar vin chu ron".split()


def name(rng: random.Random) -> str:
    """[place] [invented trade name] [two industry words] [legal form], like real listed companies."""
    trade = "".join(rng.sample(SYLLABLES, 3)).title()
    return f"{rng.choice(PLACES)} {trade} {' '.join(rng.sample(WORDS, 2)).title()} {rng.choice(FORMS)}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=size(1000, 50))
    parser.add_argument("--entries", type=int, default=size(1000, 50))
    args = parser.parse_args()
    setup_database()
    from rapidfuzz import fuzz, process

    from supplyesg.suppliers.models import Supplier
    from supplyesg.suppliers.sanctions.services import load_sanctions_list, screen_subjects

    rng = random.Random(7)
    rows = ["reference,name,aliases,country"]
    listed = []
    for i in range(args.entries):
        names = [name(rng) for _ in range(4)]
        listed.extend(names)
        rows.append(f"X-{i},{names[0]},{';'.join(names[1:])},CN")
    load_sanctions_list("\n".join(rows).encode(), fmt="csv", list_name="Bench list", file_name="bench.csv")
    Supplier.objects.bulk_create(
        [Supplier(code=f"B{i:06d}", legal_name=name(rng), local_name="", country="CN") for i in range(args.suppliers)]
    )
    start = time.perf_counter()
    result = screen_subjects("supplier")
    ours = time.perf_counter() - start
    queries = list(Supplier.objects.values_list("legal_name", flat=True))
    start = time.perf_counter()
    for query in queries:
        process.extract(query, listed, scorer=fuzz.token_set_ratio, limit=5, score_cutoff=85)
    base = time.perf_counter() - start
    print(f"screened: {result.screened} suppliers against {args.entries} entries ({len(listed)} names)")
    print(f"supplyesg screen_subjects : {ours:6.2f} s ({len(result.new_hits)} hits stored, first call builds the index)")
    print(f"rapidfuzz extract baseline: {base:6.2f} s")
    print(f"ratio (baseline / ours)   : {base / ours:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
