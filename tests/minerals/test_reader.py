"""Detection of every blank template and tolerance of what real files contain."""

from __future__ import annotations

import datetime as dt

import pytest

from supplyesg.minerals.cmrt import read_workbook
from supplyesg.minerals.cmrt.records import canonical, clean, parse_date

from .conftest import fixture_file

BLANKS = [
    ("RMI_CMRT_6.01.xlsx", "CMRT", "6.01"),
    ("RMI_CMRT_6.1.xlsx", "CMRT", "6.1"),
    ("RMI_CMRT_6.22.xlsx", "CMRT", "6.22"),
    ("RMI_CMRT_6.31.xlsx", "CMRT", "6.31"),
    ("RMI_CMRT_6.4.xlsx", "CMRT", "6.4"),
    ("RMI_CMRT_6.4_blank_mineral-system.xlsx", "CMRT", "6.4"),
    ("RMI_CMRT_6.5.xlsx", "CMRT", "6.5"),
    ("RMI_EMRT_1.1.xlsx", "EMRT", "1.1"),
    ("RMI_EMRT_1.11.xlsx", "EMRT", "1.11"),
    ("RMI_EMRT_1.2.xlsx", "EMRT", "1.2"),
    ("RMI_EMRT_1.3.xlsx", "EMRT", "1.3"),
    ("RMI_EMRT_2.0.xlsx", "EMRT", "2.0"),
    ("RMI_EMRT_2.1.xlsx", "EMRT", "2.1"),
]


@pytest.mark.parametrize(("name", "template", "version"), BLANKS)
def test_it_detects_the_type_and_version_of_every_blank_template(name, template, version, copy_fixture):
    declaration = read_workbook(copy_fixture(name))  # copied under a neutral name: not from the file name
    assert (declaration.template, declaration.version) == (template, version)
    assert declaration.readable and declaration.findings == []
    assert len(declaration.lookup) > 90


def test_it_reads_emrt_1_minerals_and_2_x_default_selection(fixtures):
    assert read_workbook(fixtures / "RMI_EMRT_1.3.xlsx").metals == ["Cobalt", "Mica"]
    assert read_workbook(fixtures / "RMI_EMRT_2.1.xlsx").metals == [
        "Cobalt",
        "Copper",
        "Graphite",
        "Lithium",
        "Mica",
        "Nickel",
    ]


def test_it_reads_the_stray_answers_and_literal_cid_in_the_cirscn_templates():
    d631 = read_workbook(fixture_file("RMI_CMRT_6.31.xlsx"))
    assert d631.company.scope is not None
    d64 = read_workbook(fixture_file("RMI_CMRT_6.4.xlsx"))
    row = d64.smelters[0]
    assert (row.row, row.metal, row.lookup_name, row.cid) == (5, "Tin", "Alpha Metals", "CID242332")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02-May-2024", dt.date(2024, 5, 2)),
        ("2/May/2024", dt.date(2024, 5, 2)),
        ("2024-05-02", dt.date(2024, 5, 2)),
        (45414.0, dt.date(2024, 5, 2)),
        (dt.datetime(2024, 5, 2, 0, 0), dt.date(2024, 5, 2)),
        ("  May 2nd, 2024 ", dt.date(2024, 5, 2)),
        ("soon", None),
        ("", None),
    ],
)
def test_it_parses_effective_dates_stored_as_dates_serials_or_text(raw, expected):
    assert parse_date(raw) == expected


def test_it_treats_cached_errors_and_whitespace_as_blank():
    assert clean("#N/A") is None
    assert clean("  \t") is None
    assert clean("Honeywell International\t\t\t") == "Honeywell International"


def test_it_maps_100_percent_stored_as_the_number_1_and_normalises_answer_case():
    allowed = ("100%", "Greater than 90%", "None")
    assert canonical(1.0, allowed, numeric_percent=True) == "100%"
    assert canonical("100%", allowed) == "100%"
    assert canonical(" yes ", ("Yes", "No")) == "Yes"
    assert canonical("greater than 90%", allowed) == "Greater than 90%"
