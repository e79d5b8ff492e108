"""Bench: our CMRT reader + checks against an openpyxl baseline on the six real filled 6.4 files.

    .venv/bin/python bench/cmrt_check.py [--rounds 5]

The baseline only loads the workbook read-only and iterates the Declaration and Smelter List values,
i.e. less work than we do. Prints median ms per file for both, files/s and the speed ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import openpyxl

from supplyesg.minerals.cmrt import check_file

FILLED = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "cmrt-public" / "filled"


def ours(path: Path) -> None:
    check_file(path)


def baseline(path: Path) -> None:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for name in ("Declaration", "Smelter List"):
            for _ in workbook[name].iter_rows(values_only=True):
                pass
    finally:
        workbook.close()


def measure(func, files: list[Path], rounds: int) -> list[float]:
    func(files[0])  # warm-up (imports, look-up cache)
    times = []
    for _ in range(rounds):
        for path in files:
            start = time.perf_counter()
            func(path)
            times.append(time.perf_counter() - start)
    return times


def main() -> int:
    warnings.filterwarnings("ignore", module="openpyxl")
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = sorted(FILLED.glob("*.xlsx"))
    if not files:
        print(f"no fixtures in {FILLED}", file=sys.stderr)
        return 2
    ours_t = measure(ours, files, args.rounds)
    base_t = measure(baseline, files, max(1, args.rounds // 2))
    ours_ms, base_ms = statistics.median(ours_t) * 1000, statistics.median(base_t) * 1000
    print(f"files: {len(files)} real CMRT 6.4, rounds: {args.rounds}")
    print(f"supplyesg cmrt check : median {ours_ms:7.1f} ms/file  ({1000 / ours_ms:6.1f} files/s)")
    print(f"openpyxl read-only   : median {base_ms:7.1f} ms/file  ({1000 / base_ms:6.1f} files/s)")
    print(f"speed-up             : {base_ms / ours_ms:.1f}x (target >= 8x, median <= 60 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
