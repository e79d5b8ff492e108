"""The company's own AMRT written into the blank AMRT 1.3: minerals in the scope slots (others as "Other"),
answers in the sorted rows, smelters from the template's look-up; it reads back valid, also after LibreOffice."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

from supplyesg.minerals.cmrt import check_file
from supplyesg.minerals.cmrt.writer import CompanyData, write_declaration
from tests.minerals.conftest import OPTIONS, fixture_file
from tests.minerals.test_writer_libreoffice import formula_cells, resave, rows, same

REFERENCE_SHEETS = {"L", "C", "SorP", "Smelter Look-up"}


def amrt_data(**changes) -> CompanyData:
    data = CompanyData(
        company_name="Yilian Technology Co., Ltd.",
        contact_name="Li Wei",
        contact_email="li.wei@yilian.example",
        contact_phone="+86 755 0000 0000",
        authorizer_name="Zhang Min",
        authorizer_email="zhang.min@yilian.example",
        effective_date=dt.date(2025, 6, 30),
        minerals=["Zinc", "Barite", "Aluminum", "Molybdenum"],
        answers={
            "Aluminum": {"q1": "Yes", "q2": "100%"},
            "Barite": {"q1": "No", "q2": "Did not survey"},
            "Molybdenum": {"q1": "Unknown", "q2": "None"},
            "Zinc": {"q1": "Yes", "q2": "Greater than 75%"},
        },
        smelters=[
            {"metal": "Aluminum", "cid": "CID004629"},
            {"metal": "Zinc", "name": "Example Zinc Works", "country": "China"},
        ],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("amrt-writer") / "company-amrt.xlsx"
    path.write_bytes(write_declaration(fixture_file("RMI_AMRT_1.3.xlsx"), amrt_data()))
    return path


def test_the_company_amrt_reads_back_valid_with_its_minerals_answers_and_smelters(written):
    result = check_file(written.read_bytes(), options=OPTIONS, filename="company.xlsx")

    assert result.errors == [], [f.message for f in result.errors]
    d = result.declaration
    assert (d.template, d.version) == ("AMRT", "1.3")
    assert d.metals == ["Aluminum", "Barite", "Molybdenum", "Zinc"]
    assert d.answers["Zinc"] == {"q1": "Yes", "q2": "Greater than 75%"}
    assert [(s.metal, s.cid) for s in result.smelters] == [("Aluminum", "CID004629"), ("Zinc", None)]


def test_minerals_the_amrt_does_not_offer_go_in_as_other_named_below(written):
    declaration = rows(written, "Declaration")
    slots = [declaration[11][c] for c in (3, 4, 6, 7, 8)] + [declaration[12][c] for c in (3, 4, 6, 7, 8)]
    assert slots[:4] == ["Aluminum", "Other [specify below]", "Other [specify below]", "Zinc"]
    assert (declaration[14][4], declaration[14][6]) == ("Barite", "Molybdenum")
    assert [declaration[r][1] for r in range(30, 34)] == ["Aluminum(*)", "Barite(*)", "Molybdenum(*)", "Zinc(*)"]


def test_the_checker_of_the_written_amrt_has_nothing_left_to_complete(written):
    checker = rows(written, "Checker")
    assert str(checker[1][3]) == "0"


def test_the_writer_refuses_more_than_ten_minerals_and_an_answer_outside_the_list():
    blank = fixture_file("RMI_AMRT_1.3.xlsx")
    eleven = ["Aluminum", "Iridium", "Lime", "Manganese", "Palladium", "Platinum", "Rhodium", "Ruthenium"]
    with pytest.raises(ValueError, match="at most 10 minerals"):
        write_declaration(blank, amrt_data(minerals=eleven + ["Silver", "Zinc", "Lead"], answers={}))
    with pytest.raises(ValueError, match="Zinc q1"):
        write_declaration(blank, amrt_data(answers={"Zinc": {"q1": "Maybe"}}))


def test_the_writer_refuses_the_amrt_12_whose_smelter_list_has_other_columns():
    with pytest.raises(ValueError, match="AMRT 1.2 is not supported for writing"):
        write_declaration(fixture_file("RMI_AMRT_1.2.xlsx"), amrt_data())


def test_libreoffice_recalculates_the_written_amrt_to_what_we_stored_and_it_stays_valid(written, tmp_path):
    recalculated = resave([written], tmp_path, recalculate=True)[0]
    as_saved = resave([written], tmp_path, recalculate=False)[0]
    cells = formula_cells(written)
    ours, theirs = CalamineWorkbook.from_path(str(written)), CalamineWorkbook.from_path(str(recalculated))
    compared, differ = 0, []
    for sheet in ours.sheet_names:
        if sheet in REFERENCE_SHEETS:
            continue
        a = ours.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        b = theirs.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for row, col in cells.get(sheet, ()):
            if row > len(b) or row > len(a):
                continue
            mine = a[row - 1][col - 1] if col <= len(a[row - 1]) else ""
            lo = b[row - 1][col - 1] if col <= len(b[row - 1]) else ""
            compared += 1
            if not same(mine, lo):
                differ.append((sheet, row, col, mine, lo))
    assert compared > 1000
    assert differ == []
    for path in (recalculated, as_saved):
        result = check_file(path.read_bytes(), options=OPTIONS, filename=path.name)
        assert result.errors == [], [e.message for e in result.errors][:5]
