"""Uploaded spreadsheets are inspected before any reader runs, and read in a child that may crash alone."""

from __future__ import annotations

import pytest

from supplyesg.core.workbooks import grids, guard, isolation
from tests.hostile_workbooks import corpus, count_bomb, future_zip_version, workbook_bytes
from tests.minerals.conftest import fixture_file

CORPUS = corpus()
MB = 1024 * 1024


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_hostile_workbook_is_refused_by_the_guard_with_a_reason(name):
    data, phrase = CORPUS[name]
    _kind, problem = guard.inspect_workbook(data)
    assert problem is not None, name
    assert phrase.casefold() in str(problem).casefold()


def test_a_real_rmi_template_passes_the_guard():
    data = fixture_file("filled/CMRT_6.4_filled_giga.xlsx").read_bytes()
    assert guard.inspect_workbook(data) == ("xlsx", None)


def test_a_macro_enabled_workbook_passes_only_where_macros_are_allowed():
    data, _phrase = CORPUS["macros"]
    assert guard.inspect_workbook(data, guard.Limits(allow_macros=True)) == ("xlsx", None)


def test_calamine_aborting_on_a_count_bomb_kills_only_the_reading_child():
    """Without the guard, calamine reserves ~100 GB and aborts: the child dies, this process carries on."""
    with pytest.raises(isolation.UnsafeFile, match="SIGABRT"):
        isolation.call(grids.read_here, count_bomb(), ("Declaration",))
    assert isolation.call(len, b"still here") == 10


def test_a_reader_needing_too_much_memory_is_stopped_with_a_reason():
    with pytest.raises(isolation.UnsafeFile, match="MemoryError|memory"):
        isolation.call(bytearray, 2048 * MB, limits=isolation.ChildLimits(memory_mb=256))
    assert isolation.call(sum, [1, 2, 3]) == 6


def test_a_reader_burning_cpu_is_stopped_by_its_cpu_limit():
    limits = isolation.ChildLimits(cpu_seconds=1, timeout_seconds=30)
    with pytest.raises(isolation.UnsafeFile, match="CPU"):
        isolation.call(sum, range(10**12), limits=limits)


def test_a_workbook_at_the_edge_of_the_guard_stays_under_256_mb_when_read():
    """Five sheets with a far cell each was 564 MB; the largest range the guard lets through is read here."""
    names = ("Declaration", "Smelter List", "Product List", "Revision", "Smelter Look-up")
    data = workbook_bytes({name: {"A1": name, "CV9999": "x"} for name in names})  # 100 x 9,999 cells each
    assert guard.inspect_workbook(data) == ("xlsx", None)
    measured = isolation.measure(grids.read_here, data, names)
    assert len(measured.value.sheets) == 5
    assert measured.peak_rss_bytes < 256 * MB, measured.peak_rss_bytes // MB


def test_the_five_sheet_workbook_past_the_guard_is_refused_unread():
    data, _phrase = CORPUS["near_guard_in_five_sheets"]
    with pytest.raises(grids.UnreadableWorkbook) as caught:
        grids.read_grids(data, ("Declaration",))
    assert caught.value.problem.code == "sheet_too_large"


def test_a_zip_asking_for_an_unknown_version_is_called_damaged_not_raised():
    _kind, problem = guard.inspect_workbook(future_zip_version())
    assert problem.code == "corrupt" and "zip file version 8.7" in str(problem)
