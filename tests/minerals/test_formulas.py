"""The formula evaluator behind the cached values of the company CMRT/EMRT: Excel's semantics, without a database."""

import pytest

from supplyesg.minerals.cmrt.formulas import NA, NAME, REF, VALUE, Book, XlError, canonical, shift_reference


def book(cells: dict[str, dict[str, object]], names=None) -> Book:
    """A Book from {"Sheet": {"A1": constant or "=formula"}}."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    values, formulas, extents = {}, {}, {}
    for sheet, given in cells.items():
        values[sheet], formulas[sheet] = {}, {}
        for ref, value in given.items():
            letters, row = coordinate_from_string(ref)
            key = (row, column_index_from_string(letters))
            if isinstance(value, str) and value.startswith("="):
                formulas[sheet][key] = value[1:]
            else:
                values[sheet][key] = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
            extents[sheet] = max(extents.get(sheet, 0), row)
    return Book(values, formulas, {s: {} for s in cells}, names or {}, extents)


def value(cells, ref="A1", sheet="S", names=None):
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(ref)
    return book(cells, names).value(sheet, row, column_index_from_string(letters))


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('="Tin"="TIN"', True),  # text compares case-insensitively
        ('=B1=""', True),  # an empty cell equals ""
        ("=B1=0", True),  # and 0
        ('=1&"x"', "1x"),
        ("=LEN(C1)", 3.0),
        ('=IF(LEN(B1)=0,"",1)', ""),
        ("=IF(ISERROR(NA()),1,2)", 1.0),
        ("=AND(TRUE,1)", True),
        ('=OR(C1="no",C1="abc")', True),
        ('=LEFT("CN-GD",2)', "CN"),
        ('=IF(ISNUMBER(SEARCH("@",D1)),0,1)', 0.0),
        ("=ADDRESS(ROW(),COLUMN(),4)", "A1"),
        ('=COUNTIF(C1:C3,"ab*")', 2.0),
        ('=COUNTIF(C1:C3,"<>abc")', 2.0),
        ("=COUNTBLANK(B1:B2)", 2.0),
        ("=SUM(E1:E3)", 6.0),
        ('=SUMPRODUCT((C1:C3="abc")*(E1:E3=1))', 1.0),
        ("=1/0", XlError("#DIV/0!")),
        ("=B1", 0.0),  # a formula pointing at an empty cell shows 0
    ],
)
def test_it_evaluates_as_excel_does(formula, expected):
    cells = {"S": {"A1": formula, "C1": "abc", "C2": "abd", "C3": "x", "D1": "a@b.example", "E1": 1, "E2": 2, "E3": 3}}

    assert value(cells) == expected


def test_offset_and_match_find_a_label_in_the_language_table():
    cells = {
        "L": {"A1": "key", "A2": "DeclarationB8", "A3": "DeclarationB9", "D2": "Company name", "E2": "公司名称"},
        "Declaration": {"B8": '=OFFSET(L!$C$1,MATCH("Declaration"&ADDRESS(ROW(),COLUMN(),4),L!$A:$A,0)-1,SL,,)', "P3": 1},
    }

    assert value(cells, "B8", "Declaration", names={"SL": "Declaration!$P$3"}) == "Company name"
    cells["Declaration"]["P3"] = 2
    assert value(cells, "B8", "Declaration", names={"SL": "Declaration!$P$3"}) == "公司名称"


def test_index_match_and_indirect_look_up_a_smelter_row():
    cells = {
        "Look": {"A5": "Tin", "C5": "Thaisarco", "E5": "CID001898", "A6": "Gold", "C6": "Argor", "E6": "CID000015"},
        "C": {"A2": "TH", "B2": "THAILAND"},
        "S": {
            "A5": "CID000015",
            "B5": '=IF(LEN(A5)=0,"",INDEX(Look!$A:$A,MATCH($A5,Look!$E:$E,0)))',
            "C5": '=INDIRECT("\'C\'!$A$"&MATCH("thailand",C!$B$1:$B$9,0))',
        },
    }

    assert value(cells, "B5") == "Gold"
    assert value(cells, "C5") == "TH"


def test_errors_propagate_and_unknown_names_are_name_errors():
    cells = {"S": {"A1": "=NA()+1", "A2": "=HLOOKUP(1,LT,2,0)", "A3": '=MATCH("x",B1:B3,0)', "A4": '="a"*2'}}

    assert value(cells, "A1") == NA
    assert value(cells, "A2") == NAME
    assert value(cells, "A3") == NA
    assert value(cells, "A4") == VALUE


def test_a_broken_name_is_a_ref_error_which_iserror_catches():
    cells = {"S": {"A1": '=IF(ISERROR(MATCH("CHINA",CL,0)),"Unknown","x")'}}

    assert value(cells, names={"CL": "'C'!#REF!"}) == "Unknown"
    assert value({"S": {"A1": "=CL"}}, names={"CL": "'C'!#REF!"}) == REF


@pytest.mark.parametrize(
    ("text", "rows", "cols", "expected"),
    [
        ("A5", 1, 0, "A6"),
        ("$A5", 2, 3, "$A7"),
        ("A$5", 2, 1, "B$5"),
        ("'Smelter List'!AB$5:AB$2504", 0, 1, "'Smelter List'!AC$5:AC$2504"),
        ("SorP!C:C", 10, 0, "SorP!C:C"),
    ],
)
def test_shared_formulas_move_only_their_relative_references(text, rows, cols, expected):
    assert shift_reference(text, rows, cols) == expected


def test_a_column_of_formulas_shares_one_canonical_form():
    assert canonical('IF(LEN(A5)=0,"A5",$V5)', 5, 2) == canonical('IF(LEN(A6)=0,"A5",$V6)', 6, 2)
