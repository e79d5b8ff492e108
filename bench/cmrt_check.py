"""Bench: our CMRT reader + checks against an openpyxl baseline on the six real filled 6.4 files.

    .venv/bin/python bench/cmrt_check.py [--rounds 5]

The baseline only loads the workbook read-only and iterates the Declaration and Smelter List values,
i.e. less work than we do. Both run in the same process, interleaved round by round so that load from
other processes on the machine hits both alike. Prints median ms per file, files/s and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import openpyxl

from bench.common import size
from supplyesg.minerals.cmrt import check_declaration, check_file, read_workbook

FILLED = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "cmrt-public" / "filled"
TARGET_RATIO = 8.0
TARGET_MEDIAN_MS = 60.0


def ours(path: Path) -> None:
    check_file(path)


def in_process(path: Path) -> None:
    """The same reading without the isolated child: what the isolation costs."""
    check_declaration(read_workbook(path, isolated=False))


def baseline(path: Path) -> None:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for name in ("Declaration", "Smelter List"):
            for _ in workbook[name].iter_rows(values_only=True):
                pass
    finally:
        workbook.close()


def timed(func, path: Path) -> float:
    start = time.perf_counter()
    func(path)
    return time.perf_counter() - start


def command_memory(files: list[Path], copies: int) -> tuple[float, int]:
    """Peak Python heap (MB) of `cmrt_check --json` over `copies` links to the files: flat when it streams."""
    import io
    import os
    import tempfile
    import tracemalloc
    from contextlib import redirect_stdout

    from django.core.management import call_command

    with tempfile.TemporaryDirectory(prefix="bench-cmrt-check-") as tmp:
        for i in range(copies):
            source = files[i % len(files)]
            os.symlink(source.resolve(), Path(tmp) / f"{i:05d}-{source.name}")
        sink = io.StringIO()
        tracemalloc.start()
        try:
            with redirect_stdout(sink):
                call_command("cmrt_check", tmp, "--json", stdout=_Discard())
        except SystemExit:
            pass  # exit 1: some real files have errors
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 1048576, copies


class _Discard:
    """A stdout that keeps nothing (what a pipe to another program costs the command)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def main() -> int:
    warnings.filterwarnings("ignore", module="openpyxl")
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=size(5, 1))
    args = parser.parse_args()
    files = sorted(FILLED.glob("*.xlsx"))
    if not files:
        print(f"no fixtures in {FILLED}", file=sys.stderr)
        return 2
    ours(files[0])  # warm-up: imports, the look-up cache
    baseline(files[0])
    in_process(files[0])
    ours_t: list[float] = []
    inproc_t: list[float] = []
    base_t: list[float] = []
    base_rounds = max(1, args.rounds // 2)  # the baseline is ~10x slower: fewer rounds suffice
    for round_no in range(args.rounds):
        for path in files:
            ours_t.append(timed(ours, path))
            inproc_t.append(timed(in_process, path))
            if round_no < base_rounds:
                base_t.append(timed(baseline, path))
    ours_ms, base_ms = statistics.median(ours_t) * 1000, statistics.median(base_t) * 1000
    ratio = base_ms / ours_ms
    met = ratio >= TARGET_RATIO and ours_ms <= TARGET_MEDIAN_MS
    print(f"files: {len(files)} real CMRT 6.4, rounds: {args.rounds} (baseline {base_rounds})")
    inproc_ms = statistics.median(inproc_t) * 1000
    print(f"supplyesg cmrt check : median {ours_ms:7.1f} ms/file  ({1000 / ours_ms:6.1f} files/s)")
    print(f"  same, in-process   : median {inproc_ms:7.1f} ms/file  (isolation costs x{ours_ms / inproc_ms:.2f})")
    print(f"openpyxl read-only   : median {base_ms:7.1f} ms/file  ({1000 / base_ms:6.1f} files/s)")
    target = f"target >= {TARGET_RATIO:.0f}x, median <= {TARGET_MEDIAN_MS:.0f} ms"
    print(f"speed-up             : {ratio:.1f}x ({target}) -> {'met' if met else 'NOT met'}")
    import django

    os_environ = __import__("os").environ
    os_environ.setdefault("DJANGO_SETTINGS_MODULE", "supplyesg.settings_test")
    django.setup()
    small, large = size((24, 96), (4, 12))
    peaks = [command_memory(files, n) for n in (small, large)]
    for peak, n in peaks:
        print(f"cmrt_check --json over {n:4d} files: peak Python heap {peak:6.1f} MB (tracemalloc)")
    growth = peaks[1][0] / peaks[0][0] if peaks[0][0] else float("nan")
    print(f"memory x{growth:.2f} for x{large / small:.0f} the files (streamed: flat, target <= x1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
