"""A short seeded run of bench/fuzz_reader.py: mutated real workbooks never crash the reader."""

from __future__ import annotations

from bench import fuzz_reader

from .conftest import fixture_file


def test_mutated_real_workbooks_give_findings_never_a_crash():
    files = [fixture_file("filled/CMRT_6.4_filled_Honeywell_HEM.xlsx"), fixture_file("RMI_EMRT_2.1.xlsx")]
    report = fuzz_reader.run(files, iterations=12, seed=7)
    assert report.iterations == 12
    assert report.crashes == 0, report.exceptions + report.child_crashes
    assert report.codes, "the mutations should have produced error findings"
    assert max(report.peak_mb.values()) < 256
