"""Bench: smelter identification by name on the generated evaluation set (``bench/name_evalset.py``).

    .venv/bin/python -m bench.name_matching [--queries 10000]

Reports, per variant kind, listed names given the right CID (and a wrong one), and unlisted or
near-miss names given any CID; then the time to identify 10,000 names against both RMI lists, as a
ratio against a baseline run in the same process (one rapidfuzz token_sort_ratio scan of the
metal's names per query, what a plain fuzzy matcher does).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

from rapidfuzz import fuzz, process

from bench.common import size
from bench.name_evalset import DERIVED, blacklist_cases, build, load_listed
from supplyesg.core.matching import NameIndex, clear_caches
from supplyesg.minerals.cmrt.reference import ReferenceList

TARGET_LISTED = 98.0
TARGET_UNLISTED = 1.0
TARGET_SECONDS = 5.0
TARGET_CAUGHT = 100.0
TARGET_SPARED = 95.0


def reference(listed) -> ReferenceList:
    return ReferenceList.from_records(
        {
            "cid": i.cid,
            "metal": i.metal,
            "name": i.name,
            "aliases": [i.lookup_name],
            "country": i.country,
            "city": i.city,
            "state": i.province,
        }
        for i in listed
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=size(10_000, 300))
    parser.add_argument("--show", type=int, default=0, help="print this many failures per kind")
    args = parser.parse_args()
    listed = load_listed()
    if not listed:
        print(f"no look-up lists in {DERIVED}", file=sys.stderr)
        return 2
    ref = reference(listed)
    cases = build(listed)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # total, right (or given a CID), wrong
    failures: dict[str, list[str]] = defaultdict(list)
    for case in cases:
        match = ref.match(case.metal, name=case.name, country=case.country)
        row = stats[case.kind]
        row[0] += 1
        if case.expected:
            if match and match.cid == case.expected:
                row[1] += 1
            else:
                row[2] += bool(match)
                failures[case.kind].append(
                    f"{case.name!r} [{case.country}] -> {match.cid if match else None}, want {case.expected}"
                )
        elif match:
            row[1] += 1
            failures[case.kind].append(f"{case.name!r} [{case.country}] -> {match.cid} {match.smelter.name!r} {match.score}")
    print(f"{'kind':<20} {'names':>6}  {'result':>30}")
    listed_total = listed_right = unlisted_total = unlisted_given = 0
    for kind, (total, good, wrong) in sorted(stats.items(), key=lambda kv: kv[0]):
        positive = any(c.expected for c in cases if c.kind == kind)
        if positive:
            listed_total += total
            listed_right += good
            text = f"right CID {100 * good / total:5.1f} %  wrong CID {wrong}"
        else:
            unlisted_total += total
            unlisted_given += good
            text = f"given a CID {100 * good / total:5.1f} %"
        print(f"{kind:<20} {total:>6}  {text:>30}")
        for line in failures[kind][: args.show]:
            print("    ", line)
    listed_pct = 100 * listed_right / listed_total
    unlisted_pct = 100 * unlisted_given / unlisted_total
    print(f"{'listed, all kinds':<20} {listed_total:>6}  right CID {listed_pct:5.1f} % (target >= {TARGET_LISTED})")
    print(f"{'unlisted, all kinds':<20} {unlisted_total:>6}  given a CID {unlisted_pct:5.1f} % (target <= {TARGET_UNLISTED})")

    pool = cases + build(listed, seed=11)  # a second draw: other typos, abbreviations, countries
    queries = [pool[i % len(pool)] for i in range(args.queries)]
    clear_caches()
    names_by_metal: dict[str, list[str]] = defaultdict(list)
    for item in listed:
        names_by_metal[item.metal].append(item.name)
    fresh = reference(listed)  # a cold list: index building is part of the measured time
    start = time.perf_counter()
    for case in queries:
        fresh.match(case.metal, name=case.name, country=case.country)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    for case in queries:
        process.extractOne(case.name, names_by_metal[case.metal], scorer=fuzz.token_sort_ratio)
    base = time.perf_counter() - start
    print(
        f"{args.queries} names: ours {ours:.2f} s, baseline (rapidfuzz scan) {base:.2f} s, "
        f"ratio {ours / base:.1f} x baseline (target: under {TARGET_SECONDS} s)"
    )
    caught_pct, spared_pct = screening()
    ok = (
        listed_pct >= TARGET_LISTED
        and unlisted_pct <= TARGET_UNLISTED
        and caught_pct >= TARGET_CAUGHT
        and spared_pct >= TARGET_SPARED
    )
    return 0 if ok else 1


def screening(threshold: float = 90.0) -> tuple[float, float]:
    """Blacklist screening as the supplier services do it: a hit is a name score (before the country
    penalty) of at least the duplicate threshold (PolicySettings default 90)."""
    banned, cases = blacklist_cases()
    index = NameIndex({"key": name, "name": name, "country": country} for name, country in banned)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        hits = [c for c in index.search(case.name, country=case.country) if (c.name_score or 0) >= threshold]
        good = any(c.key == case.banned for c in hits) if case.banned else not hits
        stats[case.kind][0] += 1
        stats[case.kind][1] += good
    print(f"\nblacklist screening against {len(banned)} banned companies")
    caught = [0, 0]
    spared = [0, 0]
    for kind, (total, good) in sorted(stats.items()):
        positive = not kind.startswith("same_city")
        bucket = caught if positive else spared
        bucket[0] += total
        bucket[1] += good
        label = "caught" if positive else "not flagged"
        print(f"{kind:<28} {total:>5}  {label} {100 * good / total:5.1f} %")
    caught_pct = 100 * caught[1] / caught[0]
    spared_pct = 100 * spared[1] / spared[0]
    print(f"{'variants of banned names':<28} {caught[0]:>5}  caught {caught_pct:5.1f} % (target {TARGET_CAUGHT})")
    print(f"{'different companies, same city':<28} {spared[0]:>5}  not flagged {spared_pct:5.1f} % (target >= {TARGET_SPARED})")
    return caught_pct, spared_pct


if __name__ == "__main__":
    sys.exit(main())
