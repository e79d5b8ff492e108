"""The company CMRT/EMRT written into the real blank RMI templates, read back by our own reader."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from pathlib import Path

import pytest

from supplyesg.minerals.cmrt import check_file, layouts, read_workbook
from supplyesg.minerals.cmrt.writer import CompanyData, write_declaration

from .conftest import OPTIONS, fixture_file

BLANKS = [
    "RMI_CMRT_6.5.xlsx",
    "RMI_CMRT_6.4.xlsx",
    "RMI_CMRT_6.31.xlsx",
    "RMI_EMRT_2.1.xlsx",
    "RMI_EMRT_2.0.xlsx",
    "RMI_EMRT_1.3.xlsx",
]
EDITED_SHEETS = ("Declaration", "Smelter List", "Product List")
NOT_LISTED = {"name": "Nordic Recycling Refinery AB", "country": "se"}  # "se" -> SWEDEN (sheet C)


# ---------------------------------------------------------------- building the data


def lookup_rows(template: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(template)).get_sheet_by_name("Smelter Look-up").to_python()
    return [row for row in rows if len(row) > 4 and str(row[4]).startswith("CID")]


def smelters_from_lookup(template: Path, metals: list[str], total: int = 20) -> list[dict]:
    """~``total`` smelters spread over ``metals``, all from the template's own look-up, plus one not listed.

    The first smelter is given by a look-up alias (not its standard name) to check that column C keeps it.
    """
    by_metal: dict[str, list[list]] = {m: [] for m in metals}
    for row in lookup_rows(template):
        if row[0] in by_metal:
            by_metal[row[0]].append(row)
    listed = [m for m in metals if by_metal[m]]
    per_metal = max(1, (total - 1) // len(listed))
    smelters: list[dict] = []
    for metal in listed:
        seen: list[str] = []
        for row in by_metal[metal]:
            if row[4] not in seen:
                seen.append(row[4])
        for cid in seen[:per_metal]:
            standard = next(r for r in by_metal[metal] if r[4] == cid)
            smelters.append({"metal": metal, "cid": cid, "name": standard[2], "country": standard[3]})
    aliased = next(
        (
            r
            for r in by_metal[listed[0]]
            if r[1] != r[2] and sum(x[1] == r[1] for x in by_metal[listed[0]]) == 1
        ),
        None,
    )
    if aliased is not None:
        smelters[0] = {"metal": aliased[0], "cid": aliased[4], "name": aliased[2], "lookup_name": aliased[1]}
    without_smelters = [m for m in metals if not by_metal[m]]  # EMRT graphite has none in the look-up
    smelters.append({"metal": (without_smelters or metals)[-1], "cid": "", **NOT_LISTED})
    return smelters


def complete_data(template: Path, **changes) -> CompanyData:
    declaration = read_workbook(template)
    layout = declaration.layout
    metals = list(layout.metals)
    answers = {
        metal: {q.key: ("100%" if q.role == "responded" else "Yes") for q in layout.questions}
        for metal in metals
    }
    company = {cq.key: cq.allowed[0] for cq in layout.company_questions}
    data = CompanyData(
        company_name="Acme Metals Co., Ltd.",
        company_id="91310000MA1FL0XX1X",
        company_id_authority="SAMR",
        address="1 Harbour Road, Shanghai",
        contact_name="Li Wei",
        contact_email="li.wei@acme.example",
        contact_phone="+86 21 5555 0100",
        authorizer_name="Zhang Min",
        authorizer_title="Compliance Director",
        authorizer_email="zhang.min@acme.example",
        authorizer_phone="+86 21 5555 0101",
        effective_date=dt.date(2025, 6, 30),
        minerals=metals,
        answers=answers,
        company_answers=company,
        policy_url="https://acme.example/responsible-minerals-policy",
        smelters=smelters_from_lookup(template, metals),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


@pytest.fixture(scope="module")
def written():
    """Write each blank once per module: {name: (template bytes, data, result bytes)}."""
    cache: dict[str, tuple[bytes, CompanyData, bytes]] = {}

    def get(name: str) -> tuple[bytes, CompanyData, bytes]:
        if name not in cache:
            path = fixture_file(name)
            data = complete_data(path)
            cache[name] = (path.read_bytes(), data, write_declaration(path, data))
        return cache[name]

    return get


def members(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def sheet_paths(parts: dict[str, bytes]) -> dict[str, str]:
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'<Relationship Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update(
        {rid: t for t, rid in re.findall(r'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    )
    return {
        name: "xl/" + targets[rid]
        for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*?r:id="([^"]+)"', workbook)
    }


# ---------------------------------------------------------------- round trip on every blank


@pytest.mark.parametrize("name", BLANKS)
def test_a_complete_declaration_reads_back_valid_with_the_same_content(name, written):
    _, data, xlsx = written(name)
    result = check_file(xlsx, options=OPTIONS, filename="company.xlsx")
    assert result.errors == []
    declaration = result.declaration
    company = declaration.company
    assert declaration.language == "English"
    assert (company.name, company.scope, company.effective_date) == (
        data.company_name,
        "A",
        data.effective_date,
    )
    assert (company.unique_id, company.unique_id_authority, company.address) == (
        data.company_id,
        data.company_id_authority,
        data.address,
    )
    assert (company.contact.name, company.contact.email, company.contact.phone) == (
        data.contact_name,
        data.contact_email,
        data.contact_phone,
    )
    assert (company.authorizer.name, company.authorizer.title, company.authorizer.email) == (
        data.authorizer_name,
        data.authorizer_title,
        data.authorizer_email,
    )
    assert declaration.answers == data.answers
    for key, answer in data.company_answers.items():
        read = declaration.company_answers[key]
        assert read == ({metal: answer for metal in data.minerals} if isinstance(read, dict) else answer)
    assert declaration.policy_url == data.policy_url
    expected = [(s["metal"], s["cid"] or None) for s in data.smelters]
    assert [(s.metal, s.cid) for s in result.smelters] == expected
    assert all(s.matched_by == "cid" for s in result.smelters if s.cid)
    not_listed = declaration.smelters[-1]
    assert (not_listed.lookup_name, not_listed.name, not_listed.country) == (
        "Smelter not listed",
        NOT_LISTED["name"],
        "SWEDEN",
    )
    if "lookup_name" in data.smelters[0]:
        assert declaration.smelters[0].lookup_name == data.smelters[0]["lookup_name"]


@pytest.mark.parametrize("name", BLANKS)
def test_every_other_part_of_the_template_is_kept_byte_for_byte(name, written):
    template, _, xlsx = written(name)
    before, after = members(template), members(xlsx)
    edited = {sheet_paths(before)[sheet] for sheet in EDITED_SHEETS} | {"xl/workbook.xml"}
    calc_chain = {n for n in before if n.lower() == "xl/calcchain.xml"}
    if calc_chain:
        edited |= {"[Content_Types].xml", "xl/_rels/workbook.xml.rels"}
    assert set(after) == set(before) - calc_chain
    changed = {n for n in after if after[n] != before[n]}
    # other sheets change only in their formula cells' cached values (labels in the chosen language, the Checker)
    for part in changed - edited:
        assert part.startswith("xl/worksheets/sheet"), part
        assert without_caches(after[part]) == without_caches(before[part]), part
    assert list(after) == [n for n in before if n not in calc_chain]  # same order, [Content_Types] first


def without_caches(xml: bytes) -> str:
    """A sheet's XML without cached formula values: <v> after a formula and the value-type attributes."""
    text = xml.decode()
    text = re.sub(r"(</f>|<f\b[^>]*/>)<v>[^<]*</v>", r"\1", text)
    text = re.sub(r"(</f>|<f\b[^>]*/>)<v/>", r"\1", text)
    return re.sub(r'(<c\b[^>]*?)\s(?:t|cm|vm)="[^"]*"', r"\1", text)


@pytest.mark.parametrize("name", BLANKS)
def test_the_workbook_only_gains_full_calculation_on_load(name, written):
    template, _, xlsx = written(name)
    before = members(template)["xl/workbook.xml"].decode()
    after = members(xlsx)["xl/workbook.xml"].decode()
    assert re.search(r'<calcPr [^>]*fullCalcOnLoad="1"', after)
    # sheets (hidden states), defined names, protection: all unchanged
    assert after.replace(' fullCalcOnLoad="1"', "") == before


@pytest.mark.parametrize("name", BLANKS)
def test_validations_conditional_formats_and_protection_of_the_edited_sheets_survive(name, written):
    template, _, xlsx = written(name)
    before, after = members(template), members(xlsx)
    for sheet in EDITED_SHEETS:
        path = sheet_paths(before)[sheet]
        old, new = before[path].decode(), after[path].decode()
        for marker in (
            "<dataValidation ",
            "<x14:dataValidation ",
            "<conditionalFormatting",
            "<cfRule",
            "<mergeCell ",
        ):
            assert new.count(marker) == old.count(marker), (sheet, marker)
        for block in ("dataValidations", "conditionalFormatting", "sheetProtection", "mergeCells"):
            assert re.findall(rf"<{block}\b.*?(?:/>|</{block}>)", new, re.S) == re.findall(
                rf"<{block}\b.*?(?:/>|</{block}>)", old, re.S
            ), (sheet, block)
        assert new[new.index("</sheetData>") :] == old[old.index("</sheetData>") :]


@pytest.mark.parametrize("name", BLANKS)
def test_written_smelter_rows_keep_their_formulas_with_the_looked_up_values_cached(name, written):
    """Tools that read cached values (and LibreOffice, which does not recalculate on load) see the look-up's answer."""
    template, data, xlsx = written(name)
    parts = members(xlsx)
    sheet = parts[sheet_paths(parts)["Smelter List"]].decode()
    row = re.search(r'<row r="6"[^>]*>(.*?)</row>', sheet, re.S).group(1)
    cells = dict(re.findall(r'<c r="([A-Z]+)6"[^>]*?(?:/>|>(.*?)</c>)', row, re.S))
    assert "<is><t>" + data.smelters[1]["cid"] + "</t></is>" in cells["A"]
    for column in ("E", "F", "G", "V"):
        assert cells[column].startswith("<f") and re.search(r"</f><v>[^<]+</v>$", cells[column]), column
    assert "$V6" in cells["F"]
    assert cells["E"].endswith(f"<v>{data.smelters[1]['country']}</v>")  # the look-up's country for that CID
    assert cells["F"].endswith(f"<v>{data.smelters[1]['cid']}</v>")
    assert re.search(r"<v>\d+</v>$", cells["V"])  # the look-up row MATCH found


@pytest.mark.parametrize("name", ["RMI_CMRT_6.5.xlsx", "RMI_EMRT_2.1.xlsx"])
def test_openpyxl_loads_the_result_with_its_validations(name, written):
    import openpyxl

    template, data, xlsx = written(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(xlsx))
    declaration = book["Declaration"]
    date_cell = "D26" if name.startswith("RMI_EMRT_2") else "D22"
    assert declaration[date_cell].value == dt.datetime(2025, 6, 30)
    assert "yy" in declaration[date_cell].number_format
    assert declaration["D8"].value == data.company_name
    assert book["Smelter List"]["F6"].value.startswith("=IF(ISERROR($V6)")
    assert book["Smelter List"].data_validations.dataValidation
    assert book["L"].sheet_state == "hidden"


@pytest.mark.libreoffice
def test_libreoffice_converts_the_results_headless(written, office, tmp_path):
    sources = []
    for name in ("RMI_CMRT_6.5.xlsx", "RMI_EMRT_2.1.xlsx"):
        source = tmp_path / f"company-{name}"
        source.write_bytes(written(name)[2])
        sources.append(source)
    out = tmp_path / "out"
    office.convert(sources, "xlsx", out)  # both in one soffice call
    for source in sources:
        converted = out / source.name
        assert converted.exists() and converted.stat().st_size > 100_000
        assert read_workbook(converted).company.name == "Acme Metals Co., Ltd."


# ---------------------------------------------------------------- variations


@pytest.mark.parametrize("name", ["RMI_CMRT_6.5.xlsx", "RMI_EMRT_2.1.xlsx", "RMI_EMRT_1.3.xlsx"])
def test_scope_b_writes_the_product_list(name):
    path = fixture_file(name)
    products = [("P-100", "Power bank 20000 mAh"), ("P-200", "Charger 65 W"), ("P-300", "")]
    xlsx = write_declaration(path, complete_data(path, scope="B", products=products))
    result = check_file(xlsx, options=OPTIONS)
    assert result.errors == []
    assert result.declaration.company.scope == "B"
    assert [(p["number"], p["name"]) for p in result.declaration.products] == [
        ("P-100", "Power bank 20000 mAh"),
        ("P-200", "Charger 65 W"),
        ("P-300", None),
    ]


def test_scope_c_writes_its_description():
    path = fixture_file("RMI_CMRT_6.5.xlsx")
    data = complete_data(path, scope="C", scope_description="All battery products shipped in 2025")
    result = check_file(write_declaration(path, data), options=OPTIONS)
    assert result.errors == []
    assert result.declaration.company.scope_description == "All battery products shipped in 2025"


def test_an_emrt_2_declaration_selects_only_its_minerals_and_answers_them_in_alphabetical_rows():
    path = fixture_file("RMI_EMRT_2.1.xlsx")
    data = complete_data(path)
    data.minerals = ["Mica", "Cobalt"]
    data.answers = {m: data.answers[m] for m in ("Mica", "Cobalt")}
    data.answers["Mica"] = {**data.answers["Mica"], "q3": "No"}
    data.company_answers = {
        **data.company_answers,
        "C": {"Cobalt": "Yes", "Mica": "Yes, when more processors are validated"},
    }
    data.smelters = [s for s in data.smelters if s["metal"] in ("Cobalt", "Mica")]
    data.smelters.append({"metal": "Mica", "cid": "", **NOT_LISTED})
    result = check_file(write_declaration(path, data), options=OPTIONS)
    assert result.errors == []
    declaration = result.declaration
    assert declaration.metals == ["Cobalt", "Mica"]
    assert declaration.answer_cells[("Mica", "q3")] == "D55"
    assert declaration.answers["Mica"]["q3"] == "No"
    assert declaration.company_answers["C"] == {
        "Cobalt": "Yes",
        "Mica": "Yes, when more processors are validated",
    }


def test_an_emrt_1_mineral_left_out_is_answered_not_applicable():
    path = fixture_file("RMI_EMRT_1.3.xlsx")
    data = complete_data(path)
    data.minerals = ["Cobalt"]
    data.answers = {"Cobalt": data.answers["Cobalt"]}
    data.smelters = [s for s in data.smelters if s["metal"] == "Cobalt"]
    result = check_file(write_declaration(path, data), options=OPTIONS)
    assert result.errors == []
    assert result.declaration.answers["Mica"]["q1"] == "Not applicable for this declaration"
    assert result.declaration.company_answers["C"] == {"Cobalt": "Yes", "Mica": None}


def test_leftovers_in_the_public_blank_templates_are_cleared_and_a_pasted_over_formula_restored():
    path = fixture_file("RMI_CMRT_6.4.xlsx")  # row 5 holds a Tin smelter with F5 typed over
    data = complete_data(path, smelters=[], answers={"Tantalum": {"q1": "No", "q2": "No"}})
    xlsx = write_declaration(path, data)
    declaration = read_workbook(xlsx)
    assert declaration.smelters == []
    parts = members(xlsx)
    sheet = parts[sheet_paths(parts)["Smelter List"]].decode()
    for column in "BCF":
        cell = re.search(rf'<c r="{column}5"[^>]*?(?:/>|>(.*?)</c>)', sheet, re.S).group(1)
        assert cell.startswith("<f") and ("A5" in cell or "$V5" in cell), column
    data.company_answers = {}
    stray = read_workbook(write_declaration(fixture_file("RMI_CMRT_6.31.xlsx"), data))  # answers left in it
    assert stray.answers["Tantalum"] == {"q1": "No", "q2": "No", **{f"q{i}": None for i in range(3, 9)}}
    assert stray.company_answers["A"] is None


def test_older_templates_store_100_percent_as_the_number_1_and_lose_their_calc_chain():
    path = fixture_file("RMI_CMRT_6.22.xlsx")
    assert "xl/calcChain.xml" in members(path.read_bytes())
    xlsx = write_declaration(path, complete_data(path))
    parts = members(xlsx)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["[Content_Types].xml"]
    assert b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    declaration_xml = parts[sheet_paths(parts)["Declaration"]].decode()
    assert re.search(r'<c r="D56" s="\d+"><v>1</v></c>', declaration_xml)
    result = check_file(xlsx, options=OPTIONS)
    assert result.declaration.answers["Tin"]["q6"] == "100%"
    assert [f.code for f in result.errors] == []


def test_the_smelter_list_takes_as_many_smelters_as_the_template_has_rows():
    path = fixture_file("RMI_EMRT_2.1.xlsx")  # 2,493 rows: 5..2497
    data = complete_data(path)
    base = [s for s in data.smelters if s["cid"]]
    data.smelters = [dict(base[i % len(base)]) for i in range(2497 - 5 + 1)]
    data.smelters[-1] = {"metal": "Graphite", "cid": "", **NOT_LISTED}
    declaration = read_workbook(write_declaration(path, data))
    assert len(declaration.smelters) == 2493
    assert declaration.smelters[-1].row == 2497
    data.smelters.append(dict(base[0]))
    with pytest.raises(ValueError, match="2494 smelters do not fit the EMRT 2.1 Smelter List"):
        write_declaration(path, data)


# ---------------------------------------------------------------- refusals


def test_it_refuses_a_supplier_filled_cmrt():
    path = fixture_file("filled/CMRT_6.4_filled_Honeywell_HEM.xlsx")
    with pytest.raises(ValueError, match="already filled CMRT 6.4"):
        write_declaration(path, CompanyData(company_name="Acme"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a spreadsheet at all", "not an Excel workbook"),
        ("legacy/CMRT_3.01_green.xlsx", "unsupported template version 3.01|CMRT 3.01"),
        ("legacy/CMRT_3.01_empty.xls", ".xlsx"),
    ],
)
def test_it_refuses_what_is_not_a_blank_supported_template(content, message, tmp_path):
    source = fixture_file(content).read_bytes() if isinstance(content, str) else content
    with pytest.raises(ValueError, match=message):
        write_declaration(source, CompanyData(company_name="Acme"))


def test_it_refuses_an_unrelated_workbook(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "Supplier list"
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(ValueError, match="not a blank RMI CMRT/EMRT"):
        write_declaration(path, CompanyData(company_name="Acme"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"smelters": [{"metal": "Cobalt", "cid": "CID002920", "name": "X", "country": "CHINA"}]},
            '"Cobalt" is not a metal',
        ),
        (
            {"smelters": [{"metal": "Tin", "cid": "", "name": "Unknown Tin Works"}]},
            "needs a name and a country",
        ),
        ({"answers": {"Tin": {"q1": "Maybe"}}}, 'Tin q1: "Maybe" is not one of Yes / No'),
        ({"answers": {"Tin": {"q9": "Yes"}}}, "unknown question q9"),
        ({"company_answers": {"H": "Yes, with the moon"}}, "company question H"),
        ({"scope": "D"}, 'scope must be "A", "B" or "C"'),
        ({"company_name": "  "}, "company name is required"),
        ({"products": [("P", "x")] * 2003}, "2003 products do not fit"),
    ],
)
def test_it_refuses_data_that_does_not_fit_the_template(change, message):
    path = fixture_file("RMI_CMRT_6.5.xlsx")
    with pytest.raises(ValueError, match=re.escape(message) if "|" not in message else message):
        write_declaration(path, complete_data(path, **change))


def test_it_refuses_an_emrt_2_smelter_for_a_mineral_not_selected():
    path = fixture_file("RMI_EMRT_2.1.xlsx")
    data = complete_data(path, minerals=["Cobalt"], answers={}, company_answers={})
    data.smelters = [{"metal": "Nickel", "cid": "", **NOT_LISTED}]
    with pytest.raises(ValueError, match=r"Nickel is not among the minerals in scope \(Cobalt\)"):
        write_declaration(path, data)


def test_answers_are_accepted_in_any_case_and_written_in_the_template_spelling():
    path = fixture_file("RMI_CMRT_6.5.xlsx")
    data = complete_data(path)
    data.answers["Tin"] = {**data.answers["Tin"], "q1": " yes ", "q6": "greater than 90%"}
    declaration = read_workbook(write_declaration(path, data))
    assert (declaration.answers["Tin"]["q1"], declaration.answers["Tin"]["q6"]) == ("Yes", "Greater than 90%")


def test_layout_cells_used_by_the_writer_are_inputs_in_every_supported_blank():
    # write_declaration refuses to overwrite a formula in a Declaration cell; a clean run on each
    # verified version (beyond the six above) proves the cell maps point at inputs.
    for name in ("RMI_CMRT_6.01.xlsx", "RMI_CMRT_6.1.xlsx", "RMI_EMRT_1.1.xlsx", "RMI_EMRT_1.2.xlsx"):
        path = fixture_file(name)
        result = check_file(write_declaration(path, complete_data(path)), options=OPTIONS)
        assert result.errors == [], name
        assert result.declaration.version in layouts.VERIFIED_VERSIONS[result.declaration.template]


# ---------------------------------------------------------------- shared formulas (as Excel saves fill-downs)


def with_shared_column(template: bytes, column: str, master_row: int, stray: str | None = None) -> bytes:
    """The template with ``column`` of the Smelter List stored as one shared formula from ``master_row``.

    ``stray`` replaces the cell of row 5 with a typed-over literal, as a careless user would leave it.
    """
    parts = members(template)
    path = sheet_paths(parts)["Smelter List"]
    xml = parts[path].decode()

    def share(match: re.Match[str]) -> str:
        row, attrs, formula = int(match.group(1)), match.group(2), match.group(3)
        if row < master_row:
            return match.group(0)
        if row == master_row:
            head = f'<f ca="1" t="shared" ref="{column}{row}:{column}2504" si="900">'
            return f'<c r="{column}{row}"{attrs}>{head}{formula}</f></c>'
        return f'<c r="{column}{row}"{attrs}><f ca="1" t="shared" si="900"/></c>'

    xml = re.sub(rf'<c r="{column}(\d+)"( s="\d+")(?: t="str")?><f ca="1">([^<]*)</f><v></v></c>', share, xml)
    if stray is not None:
        xml = re.sub(
            rf'<c r="{column}5"( s="\d+")[^>]*?(?:/>|>.*?</c>)',
            rf'<c r="{column}5"\1><v>{stray}</v></c>',
            xml,
            count=1,
        )
    parts[path] = xml.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_value_typed_over_a_shared_formula_master_hands_the_formula_to_the_next_row():
    path = fixture_file("RMI_CMRT_6.5.xlsx")
    template = with_shared_column(path.read_bytes(), "B", 5)
    data = complete_data(path)
    xlsx = write_declaration(template, data)
    parts = members(xlsx)
    sheet = parts[sheet_paths(parts)["Smelter List"]].decode()
    first_free = 5 + len(data.smelters)
    master = re.search(rf'<c r="B{first_free}"[^>]*>(<f[^>]*>[^<]*</f>)(?:<v>[^<]*</v>)?</c>', sheet).group(1)
    assert f'ref="B{first_free}:B2504"' in master and f"LEN(A{first_free})=0" in master
    assert check_file(xlsx, options=OPTIONS).errors == []
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    rows = book["Smelter List"].iter_rows(min_row=5, max_row=first_free + 3, max_col=2, values_only=True)
    column_b = [b for _, b in rows]
    book.close()
    assert column_b[0] == data.smelters[0]["metal"]
    assert column_b[-1].startswith(f"=IF(LEN(A{first_free + 3})=0")


def test_a_typed_over_formula_in_a_shared_column_is_restored_as_that_rows_formula():
    path = fixture_file("RMI_CMRT_6.5.xlsx")
    template = with_shared_column(path.read_bytes(), "F", 6, stray="CID000001")
    xlsx = write_declaration(template, complete_data(path, smelters=[], answers={}))
    parts = members(xlsx)
    sheet = parts[sheet_paths(parts)["Smelter List"]].decode()
    restored = re.search(r'<c r="F5"[^>]*>(.*?)</c>', sheet).group(1)
    assert restored.startswith('<f ca="1">') and "$V5-4" in restored and "shared" not in restored
    assert read_workbook(xlsx).smelters == []


def test_formula_rows_are_shifted_outside_strings_and_sheet_names_only():
    from supplyesg.minerals.cmrt.sheetxml import shift_formula

    formula = "IF(C5=$X$4,\"A5\",OFFSET('Sheet 5'!$E$4,$V5-4,0)&LOG10(B5)&SorP!C:C&A$5)"
    assert (
        shift_formula(formula, 2)
        == "IF(C7=$X$4,\"A5\",OFFSET('Sheet 5'!$E$4,$V7-4,0)&LOG10(B7)&SorP!C:C&A$5)"
    )


def test_cells_and_rows_missing_from_the_sheet_are_inserted_in_order():
    from supplyesg.minerals.cmrt.sheetxml import SheetEditor

    xml = (
        '<worksheet><sheetData><row r="2" spans="2:3"><c r="B2" s="1"/><c r="C2"><v>7</v></c></row>'
        '<row r="5"><c r="A5"><f>B2+1</f><v>8</v></c></row></sheetData></worksheet>'
    )
    sheet = SheetEditor("Test", xml)
    sheet.set_input("D2", "x & y")
    sheet.set_input("A2", 3)
    sheet.set_input("B3", "new row")
    sheet.set_input("A9", dt.date(2025, 1, 1).isoformat())
    with pytest.raises(ValueError, match="Test!A5 holds a formula"):
        sheet.set_input("A5", "over a formula")
    assert sheet.render() == (
        '<worksheet><sheetData><row r="2" spans="1:4"><c r="A2"><v>3</v></c><c r="B2" s="1"/>'
        '<c r="C2"><v>7</v></c><c r="D2" t="inlineStr"><is><t>x &amp; y</t></is></c></row>'
        '<row r="3"><c r="B3" t="inlineStr"><is><t>new row</t></is></c></row>'
        '<row r="5"><c r="A5"><f>B2+1</f><v>8</v></c></row>'
        '<row r="9"><c r="A9" t="inlineStr"><is><t>2025-01-01</t></is></c></row></sheetData></worksheet>'
    )
