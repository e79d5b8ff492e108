"""Supplier import: reading files, naming every bad cell, and writing all rows or none."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.importing import ImportFileError, apply_import, parse_table, plan_import, read_table
from supplyesg.suppliers.importing.columns import CellProblem, parse_country
from supplyesg.suppliers.models import DuplicateDecision, Supplier, SupplyLink
from tests.factories import make_blacklist_entry, make_category, make_supplier

HEADER = ["code", "legal_name", "local_name", "aliases", "registration_id", "registration_authority", "country", "address",
          "website", "tier", "categories", "is_key", "spend_share", "upstream_codes"]


def row(**values):
    return [values.get(key, "") for key in HEADER]


def good(**values):
    return row(**{"legal_name": "Gamma Precision Cable Co., Ltd.", "country": "CN", "tier": 1, **values})


def xlsx(rows, header=HEADER, sheet="Suppliers") -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def cell_errors(data: bytes, name: str = "suppliers.xlsx") -> list[str]:
    parsed = parse_table(read_table(data, name))
    return parsed.errors + [e for r in parsed.rows for e in r.errors]


# ---------------------------------------------------------------- reading and cell checks (no database)


def test_every_bad_cell_of_a_workbook_is_named_with_its_sheet_and_address():
    errors = cell_errors(xlsx([
        good(country="Atlantis"),
        good(tier=4),
        good(is_key="maybe"),
        good(spend_share=150),
        good(website="not a web address"),
        good(legal_name=""),
        good(code="S 1"),
        good(legal_name="x" * 256),
        good(tier=""),
        good(country=""),
    ]))
    assert errors == [
        'Suppliers!G2: country "Atlantis" is not an ISO 3166 country',
        'Suppliers!J3: tier "4" must be 1, 2 or 3',
        'Suppliers!L4: key supplier "maybe" must be yes or no',
        'Suppliers!M5: spend share "150" must be a number from 0 to 100',
        'Suppliers!I6: website "not a web address" is not a valid web address',
        "Suppliers!B7: legal name is required",
        'Suppliers!A8: code "S 1" must be up to 30 letters, digits, dots, dashes or slashes',
        "Suppliers!B9: legal name is longer than 255 characters",
        "Suppliers!J10: tier is required",
        "Suppliers!G11: country is required",
    ]


def test_csv_errors_name_the_row_and_the_column_header():
    errors = cell_errors(csv_bytes([good(), good(country="Atlantis", tier="x")]), "suppliers.csv")
    assert errors == [
        'row 3, column country: country "Atlantis" is not an ISO 3166 country',
        'row 3, column tier: tier "x" must be 1, 2 or 3',
    ]


def test_control_characters_are_refused():
    errors = cell_errors(csv_bytes([good(address="Line\x01break")]), "suppliers.csv")
    assert errors == ["row 2, column address: address contains control characters"]


def test_unknown_repeated_and_missing_headers_are_reported():
    errors = cell_errors(xlsx([["Gamma Co", "x", 1, 2]], header=["legal_name", "colour", "tier", "层级"]))
    assert 'Suppliers!B1: unknown column "colour"' in errors
    assert 'Suppliers!D1: the column "层级" appears twice' in errors
    assert 'Suppliers!1:1: the required column "country" (国家/地区) is missing' in errors


def test_data_under_a_column_without_header_is_an_error():
    errors = cell_errors(xlsx([good() + ["stray"]]))
    assert errors == ["Suppliers!O2: this column has no header; name it or delete it"]


def test_chinese_headers_and_friendly_values_are_understood():
    data = csv_bytes([["深圳测试精密线缆有限公司", "中国", "二级", "是", "Test Cable; 测试线缆\nTC", "12.5%"]],
                     header=["法定名称", "国家/地区", "层级", "关键供应商", "别名", "采购额占比(%)"])
    parsed = parse_table(read_table(data, "供应商.csv"))
    assert parsed.errors == [] and parsed.rows[0].errors == []
    assert parsed.rows[0].fields == {
        "legal_name": "深圳测试精密线缆有限公司", "country": "CN", "tier": 2, "is_key": True,
        "aliases": "Test Cable\n测试线缆\nTC", "spend_share": Decimal("12.500"),
    }


def test_a_gb18030_csv_with_chinese_names_is_read():
    data = csv_bytes([good(local_name="东莞华信电子有限公司")], encoding="gb18030")
    assert parse_table(read_table(data, "suppliers.csv")).rows[0].fields["local_name"] == "东莞华信电子有限公司"


@pytest.mark.parametrize("text, code", [("cn", "CN"), ("China", "CN"), ("CHN", "CN"), ("Viet Nam", "VN"), ("Vietnam", "VN"),
                                        ("South Korea", "KR"), ("DR Congo", "CD"), ("刚果（金）", "CD"), ("Taiwan", "TW")])
def test_countries_are_accepted_as_codes_or_names(text, code):
    assert parse_country(text) == code


def test_an_unknown_country_is_refused():
    with pytest.raises(CellProblem):
        parse_country("Atlantis")


def test_the_exports_formula_escape_is_removed_on_import():
    parsed = parse_table(read_table(xlsx([good(legal_name="'=HYPERLINK(1)", local_name="'-Minus", address="'Quoted")]), "f.xlsx"))
    fields = parsed.rows[0].fields
    assert (fields["legal_name"], fields["local_name"], fields["address"]) == ("=HYPERLINK(1)", "-Minus", "'Quoted")


def test_a_damaged_workbook_is_a_clear_error():
    with pytest.raises(ImportFileError, match="not a readable .xlsx workbook"):
        read_table(b"PK\x03\x04 this is not a zip archive", "suppliers.xlsx")


def test_a_zip_that_is_not_a_workbook_is_a_clear_error():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError, match="not an .xlsx workbook"):
        read_table(buffer.getvalue(), "suppliers.xlsx")


def test_a_workbook_with_a_far_away_cell_is_refused_before_it_is_parsed():
    workbook = Workbook()
    workbook.active.title = "Suppliers"
    workbook.active.append(HEADER)
    workbook.active["XFD1048576"] = "x"  # parsed, this one cell would need hundreds of gigabytes
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError, match="more than 100 columns"):
        read_table(buffer.getvalue(), "suppliers.xlsx")


def test_a_workbook_with_a_row_far_down_is_refused():
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active["A1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError, match="more than 20,000 rows"):
        read_table(buffer.getvalue(), "suppliers.xlsx")


def test_a_csv_with_more_than_20000_rows_is_refused():
    data = ("legal_name,country,tier\n" + "Gamma Co,CN,1\n" * 20_001).encode()
    with pytest.raises(ImportFileError, match="more than 20,000 rows"):
        read_table(data, "suppliers.csv")


def test_a_csv_that_is_not_text_is_refused():
    with pytest.raises(ImportFileError, match="not text in UTF-8, UTF-16 or GB18030"):
        read_table(b"\x80\xff\x00\x81\x30\x81\x30\xff" * 10, "suppliers.csv")


def test_a_percent_formatted_spend_share_is_read_as_the_percentage_shown():
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Suppliers"
    ws.append(HEADER)
    ws.append(good(spend_share=0.025))
    ws.append(good(legal_name="Delta Co", spend_share=0.4))  # a plain cell: 0.4 %, small shares are common
    ws["M2"].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_table(read_table(buffer.getvalue(), "suppliers.xlsx"))
    assert [r.fields["spend_share"] for r in parsed.rows] == [Decimal("2.500"), Decimal("0.400")]
    assert [e for r in parsed.rows for e in r.errors] == []


def test_utf16_tab_separated_text_is_read_like_a_csv():
    text = "legal_name\tlocal_name\tcountry\ttier\tspend_share\r\nGamma Co\t伽马精密线缆\tCN\t1\t12.5 %\r\n"
    for data in (b"\xff\xfe" + text.encode("utf-16-le"), b"\xfe\xff" + text.encode("utf-16-be")):
        parsed = parse_table(read_table(data, "suppliers.csv"))
        assert parsed.errors == [] and parsed.rows[0].errors == []
        assert parsed.rows[0].fields["local_name"] == "伽马精密线缆"
        assert parsed.rows[0].fields["spend_share"] == Decimal("12.500")


# ---------------------------------------------------------------- planning and writing


@pytest.fixture
def cables(db):
    return make_category(code="cables-harnesses", name="Cables and wire harnesses", name_zh="线缆及线束")


def test_new_rows_are_created_with_their_categories_links_and_audit_rows(compliance, cables):
    mine = make_supplier(code="T-MINE", legal_name="Kivu Tin Mining Ltd", country="RW", tier=3)
    data = xlsx([
        good(code="NEW-1", legal_name="Gamma Tin Smelting Sdn. Bhd.", country="Malaysia", tier=3, upstream_codes="T-MINE"),
        good(categories="cables-harnesses", upstream_codes="NEW-1; t-mine", is_key="yes", spend_share=2.5,
             aliases="Gamma Cable; 伽马线缆", website="gamma-cable.example"),
    ])
    result = apply_import(data, "suppliers.xlsx", actor=compliance)
    assert result.applied and (result.created, result.updated, result.failed) == (2, 0, 0)
    smelter = Supplier.objects.get(code="NEW-1")
    cable = Supplier.objects.get(legal_name="Gamma Precision Cable Co., Ltd.")
    assert smelter.country == "MY" and smelter.status == Supplier.Status.PROSPECT
    assert cable.code.startswith("S") and cable.is_key and cable.spend_share == Decimal("2.5")
    assert cable.alias_list == ["Gamma Cable", "伽马线缆"] and cable.website == "https://gamma-cable.example"
    assert list(cable.categories.all()) == [cables]
    assert set(SupplyLink.objects.values_list("upstream__code", "downstream__code")) == {
        ("T-MINE", "NEW-1"), ("NEW-1", cable.code), ("T-MINE", cable.code)}
    actions = sorted(AuditEvent.objects.filter(actor=compliance).values_list("action", flat=True))
    assert actions == ["link.added"] * 3 + ["supplier.created"] * 2
    assert mine.customer_links.count() == 2


def test_an_existing_code_updates_only_the_columns_in_the_file(compliance):
    supplier = make_supplier(code="S000010", legal_name="Gamma Precision Cable Co., Ltd.", address="Old road 1",
                             website="https://gamma.example")
    data = csv_bytes([["S000010", "Gamma Precision Cable Co., Ltd.", "CN", "2", "yes"]],
                     header=["code", "legal_name", "country", "tier", "is_key"])
    result = apply_import(data, "update.csv", actor=compliance)
    assert result.applied and (result.created, result.updated) == (0, 1)
    supplier.refresh_from_db()
    assert (supplier.tier, supplier.is_key, supplier.address, supplier.website) == (2, True, "Old road 1", "https://gamma.example")
    event = AuditEvent.objects.get(action="supplier.updated")
    assert event.changes == {"is_key": [False, True], "tier": [1, 2]} and event.reason == "Imported from update.csv"


def test_unchanged_rows_are_skipped_without_audit_rows(compliance):
    make_supplier(code="S000010", legal_name="Gamma Precision Cable Co., Ltd.", tier=1)
    result = apply_import(xlsx([good(code="s000010")]), "same.xlsx", actor=compliance)
    assert result.applied and (result.created, result.updated, result.skipped) == (0, 0, 1)
    assert not AuditEvent.objects.exists()


def test_a_rejected_file_changes_nothing(compliance, supplier_a):
    before = (Supplier.objects.count(), AuditEvent.objects.count(), SupplyLink.objects.count())
    data = xlsx([
        good(legal_name="Delta Power Co., Ltd."),
        row(code=supplier_a.code, legal_name="Alpha Cable Renamed Co., Ltd.", country="CN", tier=2),
        good(legal_name="Epsilon Co", country="Atlantis"),
    ])
    result = apply_import(data, "bad.xlsx", actor=compliance)
    assert not result.applied
    assert result.errors == ['Suppliers!G4: country "Atlantis" is not an ISO 3166 country']
    assert (Supplier.objects.count(), AuditEvent.objects.count(), SupplyLink.objects.count()) == before
    supplier_a.refresh_from_db()
    assert supplier_a.legal_name == "Alpha Cable Co., Ltd."


def test_a_failure_while_writing_rolls_back_every_row(compliance, monkeypatch):
    from supplyesg.suppliers.services import registry

    make_supplier(code="T-UP", legal_name="Upstream Co", country="JP")

    def refuse(**kwargs):
        raise RuleViolation("The link was refused.")

    monkeypatch.setattr(registry, "link_suppliers", refuse)
    result = apply_import(xlsx([good(), good(legal_name="Zeta Co", country="DE", upstream_codes="T-UP")]), "f.xlsx",
                          actor=compliance)
    assert not result.applied and result.errors == ["Suppliers!N3: The link was refused."]
    assert Supplier.objects.count() == 1 and not AuditEvent.objects.exists()


def test_unknown_categories_and_upstream_codes_are_errors(compliance, cables):
    result = plan_import(xlsx([good(categories="cables-harnesses; widgets", upstream_codes="S999999")]), "f.xlsx")
    assert result.errors == ['Suppliers!K2: category "widgets" does not exist',
                             'Suppliers!N2: upstream supplier "S999999" is not in the registry or in this file']


def test_categories_may_be_given_by_name_in_either_language(compliance, cables):
    result = plan_import(xlsx([good(categories="Cables and wire harnesses"), good(legal_name="Eta Co", categories="线缆及线束")]),
                         "f.xlsx")
    assert result.ok and [r.category_ids for r in result.rows] == [[cables.pk], [cables.pk]]


def test_a_link_that_would_make_a_cycle_is_an_error(compliance):
    up = make_supplier(code="T-A", legal_name="Alpha Smelting Co", country="MY", tier=3)
    down = make_supplier(code="T-B", legal_name="Beta Solder Co", country="MY", tier=2)
    SupplyLink.objects.create(upstream=up, downstream=down)
    result = plan_import(xlsx([row(code="T-A", legal_name="Alpha Smelting Co", country="MY", tier=3, upstream_codes="T-B")]),
                         "f.xlsx")
    assert result.errors == ['Suppliers!N2: upstream supplier "T-B" is already downstream of this supplier: '
                             'the link would make a cycle']


def test_a_code_used_twice_in_the_file_is_an_error(compliance):
    result = plan_import(xlsx([good(code="NEW-1"), good(code="NEW-1", legal_name="Other Co")]), "f.xlsx")
    assert result.errors == ['Suppliers!A3: code "NEW-1" is also used in Suppliers!2:2']


def test_a_possible_duplicate_blocks_the_import_until_confirmed_and_is_remembered(compliance, supplier_a):
    data = xlsx([good(legal_name="ALPHA CABLE COMPANY LIMITED")])
    preview = plan_import(data, "f.xlsx")
    assert preview.ok and preview.duplicates == [
        f"Suppliers!B2: possible duplicate of {supplier_a.code} “Alpha Cable Co., Ltd.” (name 100.0% similar)"]
    refused = apply_import(data, "f.xlsx", actor=compliance)
    assert refused.confirmation_missing and not refused.applied and Supplier.objects.count() == 1
    done = apply_import(data, "f.xlsx", actor=compliance, confirm_duplicates=True)
    assert done.applied and Supplier.objects.count() == 2
    new = Supplier.objects.get(legal_name="ALPHA CABLE COMPANY LIMITED")
    decision = DuplicateDecision.objects.get()
    assert {decision.supplier_a_id, decision.supplier_b_id} == {new.pk, supplier_a.pk}
    assert decision.verdict == DuplicateDecision.Verdict.DIFFERENT and decision.decided_by == compliance


def test_the_same_registration_id_twice_in_the_file_is_a_possible_duplicate(db):
    data = xlsx([good(registration_id="91440300AY4CL12T24"), good(legal_name="Theta Co", registration_id="91440300ay4cl12t24")])
    result = plan_import(data, "f.xlsx")
    assert result.duplicates == ["Suppliers!E3: possible duplicate of row 2 of this file (same registration id)"]


def test_an_update_that_keeps_its_identity_is_not_questioned_as_a_duplicate(compliance):
    make_supplier(code="T-1", legal_name="Iota Cable Co., Ltd.")
    make_supplier(code="T-2", legal_name="Iota Cable Company Limited")
    result = plan_import(xlsx([row(code="T-1", legal_name="Iota Cable Co., Ltd.", country="CN", tier=2)]), "f.xlsx")
    assert result.ok and result.duplicates == [] and result.updated == 1


def test_a_blacklisted_identity_is_an_error_even_when_duplicates_are_confirmed(compliance, supplier_b):
    make_blacklist_entry(supplier_b)
    data = xlsx([good(legal_name="Beta Solder (Penang) Sdn. Bhd.", country="MY", registration_id=supplier_b.registration_id)])
    result = apply_import(data, "f.xlsx", actor=compliance, confirm_duplicates=True)
    assert not result.applied and Supplier.objects.count() == 1
    assert result.errors == ["Suppliers!B2: Beta Solder Sdn. Bhd. is blacklisted (Counterfeit products, permanent): "
                             "it cannot be admitted"]


def test_a_file_with_a_header_but_no_rows_is_an_error(db):
    assert plan_import(xlsx([]), "empty.xlsx").errors == ["The file has a header row but no supplier rows."]
