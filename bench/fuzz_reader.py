"""Fuzz the CMRT/EMRT reader with mutations of the real RMI workbooks; report crashes and peak memory.

    PYTHONPATH=src .venv/bin/python -m bench.fuzz_reader [--iterations 300] [--seed 1] [--files 'filled/*.xlsx']

The workbooks are read at run time from ../shared/fixtures/cmrt-public/ (never copied). Each iteration
takes one file and applies seeded mutations, either to the raw bytes (flips, truncation, duplicated or
deleted ranges) or inside a zip member that is inflated, mutated and re-zipped (random bytes, huge or
negative numbers in count/ref/dimension attributes, cut XML, DTDs). The mutated file then goes through
the production path (guard in this process, reading in the limited child) *and* through the reading
alone in a fresh child whose peak memory is measured.

A crash is a Python exception escaping ``check_file``, or the reading child dying (a native abort, a
memory or CPU limit): expected 0 for both. Contained failures still become a clean finding in production.
"""

from __future__ import annotations

import argparse
import collections
import io
import random
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import size
from supplyesg.core.workbooks import isolation
from supplyesg.minerals.cmrt import check_declaration, check_file, read_workbook

FIXTURES = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "cmrt-public"
DEFAULT_GLOB = "filled/*.xlsx"
MB = 1024 * 1024
_NUMBER_ATTR_RE = re.compile(rb'\b(count|uniqueCount|r|ref|s|t)="([^"]*)"')
_HOSTILE_VALUES = (b"4294967295", b"-1", b"XFD1048576", b"A1:XFD1048576", b"ZZ9999", b"99999999999999999999", b"")


def read_in_child(data: bytes) -> tuple[bool, list[str]]:
    """The reading and the checks alone (no isolation inside), run in a fresh child by ``measure``."""
    result = check_declaration(read_workbook(data, filename="fuzz.xlsx", isolated=False))
    result.to_dict()
    return result.valid, sorted({f.code for f in result.findings})


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    kind = rng.choice(("flip", "truncate", "duplicate", "delete"))
    if kind == "flip":
        for _ in range(rng.randint(1, 40)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif kind == "truncate":
        out = out[: rng.randrange(len(out))]
    elif kind == "duplicate":
        start = rng.randrange(len(out))
        piece = out[start : start + rng.randint(1, 4096)]
        at = rng.randrange(len(out))
        out[at:at] = piece
    else:
        start = rng.randrange(len(out))
        del out[start : start + rng.randint(1, 4096)]
    return bytes(out)


def mutate_member(data: bytes, rng: random.Random) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    infos = [i for i in source.infolist() if i.filename.endswith((".xml", ".rels"))]
    target = rng.choice(infos).filename
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == target:
                payload = _mutate_xml(payload, rng)
            archive.writestr(info.filename, payload)
    return out.getvalue()


def _mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(("attribute", "bytes", "cut", "dtd"))
    if kind == "attribute":
        matches = list(_NUMBER_ATTR_RE.finditer(xml))
        if matches:
            match = rng.choice(matches)
            return xml[: match.start(2)] + rng.choice(_HOSTILE_VALUES) + xml[match.end(2) :]
    if kind == "cut" and xml:
        return xml[: rng.randrange(len(xml))]
    if kind == "dtd":
        return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + xml
    out = bytearray(xml)
    for _ in range(rng.randint(1, 20)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.6:
        try:
            return mutate_member(data, rng)
        except (zipfile.BadZipFile, ValueError, EOFError, OSError, IndexError, KeyError, RuntimeError, zlib.error):
            pass  # an earlier mutation broke the archive: mutate its bytes instead
    return mutate_bytes(data, rng) if data else data


@dataclass
class Report:
    iterations: int = 0
    exceptions: list[str] = field(default_factory=list)  # escaped check_file in the serving process
    child_crashes: list[str] = field(default_factory=list)  # the reading child died or raised
    peak_mb: dict[str, float] = field(default_factory=dict)  # source file -> highest child peak
    codes: collections.Counter = field(default_factory=collections.Counter)

    @property
    def crashes(self) -> int:
        return len(self.exceptions) + len(self.child_crashes)


def run(files: list[Path], *, iterations: int, seed: int, progress=None) -> Report:
    rng = random.Random(seed)
    originals = {path: path.read_bytes() for path in files}
    report = Report()
    for n in range(iterations):
        path = rng.choice(files)
        data = originals[path]
        for _ in range(rng.randint(1, 3)):
            data = _mutate(data, rng)
        report.iterations += 1
        try:
            result = check_file(data, filename=f"{path.name}#{n}")  # the production path
            report.codes.update({f.code for f in result.findings if f.severity == "error"})
        except Exception as exc:  # noqa: BLE001 - counted and reported
            report.exceptions.append(f"{path.name}#{n}: {type(exc).__name__}: {exc}"[:300])
        try:
            measured = isolation.measure(read_in_child, data)
            mb = measured.peak_rss_bytes / MB
            report.peak_mb[path.name] = max(report.peak_mb.get(path.name, 0.0), mb)
        except isolation.UnsafeFile as exc:
            report.child_crashes.append(f"{path.name}#{n}: {exc.reason}"[:300])
        if progress:
            progress(n + 1, iterations)
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=size(300, 10))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--files", default=DEFAULT_GLOB, help="glob under the fixtures folder")
    args = parser.parse_args()
    files = sorted(FIXTURES.glob(args.files))
    if not files:
        print(f"no fixtures matching {args.files} in {FIXTURES}", file=sys.stderr)
        return 2

    def progress(done: int, total: int) -> None:
        if done % 25 == 0 or done == total:
            print(f"  {done}/{total}", file=sys.stderr)

    baseline = {path.name: isolation.measure(read_in_child, path.read_bytes()).peak_rss_bytes / MB for path in files}
    report = run(files, iterations=args.iterations, seed=args.seed, progress=progress)
    print(f"fuzzed {report.iterations} mutations of {len(files)} real workbooks (seed {args.seed})")
    print(f"crashes: {report.crashes} (exceptions escaping check_file: {len(report.exceptions)}, "
          f"reading child died or raised: {len(report.child_crashes)}) -> expected 0")
    for line in (report.exceptions + report.child_crashes)[:20]:
        print(f"  {line}")
    print("peak memory of the reading child per file (unmutated / highest over its mutations):")
    for name in sorted(baseline):
        print(f"  {name:45} {baseline[name]:6.1f} MB / {report.peak_mb.get(name, 0.0):6.1f} MB")
    print("error findings seen:", ", ".join(f"{code} {count}" for code, count in report.codes.most_common()))
    return 1 if report.crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
