"""Storing declaration workbooks (issue 19): media bytes per file and seconds per file, format 2 of the store.

Run from the repository root:
    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.workbook_store

Real supplier files: the six Excel-saved CMRT 6.4 files in ../shared/fixtures/cmrt-public/filled/. Each is
measured stored after the other five (so it is a non-base member of its family, as nearly every file of a
year is): the media it adds (its own blob and any new piece), the seconds to store it (reflate, delta,
write, rebuild-and-check) and to rebuild it with its base read again from storage. Generated files: CMRT 6.5
files written by openpyxl (bench/cmrt_import.py's writer), each after the first. Baseline in the same process:
plain lzma (preset 6) of the whole file, its size and time. Projection: 20,000 files a year at the mean
media per file, plus the bases (one per family).

Figures (2-core machine shared with other jobs, load ~3-5; CPython 3.11, zlib 1.2.13, zstandard 0.25, delta level 10):
  real files: 1388 KB raw -> 189 KB stored each (130-240 KB, all six as deltas), plain lzma 967 KB (5.1x larger);
              20,000 a year: 3.61 GB (+0.8 MB for the family's base) against the 8 GB budget;
              store 0.53 s/file (1.02x plain lzma's 0.52 s), rebuild 0.27 s/file (0.52x).
  generated:  2185 KB raw -> 3 KB each (openpyxl rewrites little), plain lzma 751 KB; 20,000: 0.05 GB;
              store 0.59 s/file (0.92x plain lzma), rebuild 0.53 s/file (0.83x).
Format 1 (compressed members, lzma, shared members once) kept ~819 KB per real file: 15.6 GB a year.
"""

from __future__ import annotations

import lzma
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import setup_database, size, smoke

FIXTURES = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "cmrt-public"
FILLED = FIXTURES / "filled"
YEAR = 20_000
BUDGET = 8 * 1024**3


def _media() -> int:
    from supplyesg.minerals.models import StoredWorkbook, WorkbookPiece

    return sum(StoredWorkbook.objects.values_list("stored_size", flat=True)) + sum(
        WorkbookPiece.objects.values_list("stored_size", flat=True)
    )


def _reset() -> None:
    from supplyesg.minerals import workbooks
    from supplyesg.minerals.models import StoredWorkbook, WorkbookPiece

    StoredWorkbook.objects.filter(base__isnull=False).delete()
    StoredWorkbook.objects.all().delete()
    WorkbookPiece.objects.all().delete()
    workbooks.forget_bases()


def _measure(target: bytes, others: list[bytes], template: str) -> dict:
    """Store `others` (the first is the family's base), then `target`: what `target` adds and costs."""
    from supplyesg.minerals import workbooks

    _reset()
    base_media = 0
    for data in others:
        before = _media()
        stored = workbooks.store_workbook(data, template=template)
        if stored.base_id is None:  # the family's base: counted once a family, not per file
            base_media += _media() - before
    others_media = _media()
    start = time.perf_counter()
    stored = workbooks.store_workbook(target, template=template)
    store_s = time.perf_counter() - start
    added = _media() - others_media
    workbooks.forget_bases()
    start = time.perf_counter()
    rebuilt = workbooks.workbook_bytes(stored)
    rebuild_s = time.perf_counter() - start
    assert rebuilt == target, "rebuild differs"
    start = time.perf_counter()
    baseline = len(lzma.compress(target, preset=6))
    lzma_s = time.perf_counter() - start
    return {
        "raw": len(target),
        "added": added,
        "delta": stored.base_id is not None,
        "store_s": store_s,
        "rebuild_s": rebuild_s,
        "lzma": baseline,
        "lzma_s": lzma_s,
        "base_media": base_media,
    }


def _report(label: str, rows: list[dict], families: int = 1) -> None:
    per_file = statistics.mean(r["added"] for r in rows)
    bases = max(r["base_media"] for r in rows) * families
    projected = YEAR * per_file + bases
    store_s = statistics.mean(r["store_s"] for r in rows)
    rebuild_s = statistics.mean(r["rebuild_s"] for r in rows)
    lzma_s = statistics.mean(r["lzma_s"] for r in rows)
    print(
        f"{label}: {len(rows)} files, raw {statistics.mean(r['raw'] for r in rows) / 1024:.0f} KB, "
        f"stored {per_file / 1024:.0f} KB each (min {min(r['added'] for r in rows) / 1024:.0f}, "
        f"max {max(r['added'] for r in rows) / 1024:.0f}; {sum(r['delta'] for r in rows)} as deltas), "
        f"plain lzma {statistics.mean(r['lzma'] for r in rows) / 1024:.0f} KB "
        f"(x{statistics.mean(r['lzma'] for r in rows) / per_file:.1f} larger)"
    )
    print(
        f"  {YEAR:,} such files a year: {projected / 1024**3:.2f} GB (bases {bases / 1048576:.1f} MB; "
        f"budget {BUDGET / 1024**3:.0f} GB)"
    )
    print(
        f"  store {store_s:.2f} s/file ({store_s / lzma_s:.2f}x plain lzma's {lzma_s:.2f} s), "
        f"rebuild {rebuild_s:.2f} s/file ({rebuild_s / lzma_s:.2f}x)"
    )


def main() -> int:
    real = sorted(FILLED.glob("*.xlsx"))[: size(6, 2)]
    if len(real) < 2:
        print(f"real filled files missing: {FILLED}", file=sys.stderr)
        return 2
    setup_database()
    from django.conf import settings

    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    settings.MEDIA_ROOT = str(work / "media")
    try:
        blobs = [p.read_bytes() for p in real]
        rows = [_measure(blobs[i], blobs[:i] + blobs[i + 1 :], "CMRT 6.4") for i in range(len(blobs))]
        _report("real Excel-saved CMRT 6.4 files", rows)

        from bench import cmrt_import

        generated = [p.read_bytes() for p in cmrt_import.write_files(work)]
        if smoke():
            generated = generated[:2]
        rows = [_measure(data, generated[:1], "CMRT 6.5") for data in generated[1:]]
        _report("generated CMRT 6.5 files (openpyxl)", rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
