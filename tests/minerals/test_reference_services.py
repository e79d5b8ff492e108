"""Loading the RMI smelter list, RMAP statuses and risk countries, and matching against them."""

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.minerals import services
from supplyesg.minerals.models import RiskCountry, RmapStatus, RmapStatusUpload, Smelter, SmelterAlias

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "cmrt-public"
pytestmark = pytest.mark.django_db


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing fixture {path}")
        pytest.skip(f"fixture {path} not available")
    return path


def test_loading_cmrt_65_creates_every_smelter_with_its_aliases():
    load = services.load_smelter_list(fixture("RMI_CMRT_6.5.xlsx"))
    assert (load.template, load.version) == ("CMRT", "6.5")
    assert Smelter.objects.count() == 349
    gold = Smelter.objects.get(cid="CID001916", metal="Gold")
    assert gold.standard_name == "Shandong Gold Smelting Co., Ltd."
    assert gold.country_code == "CN"
    assert "Shan Dong Huangjin" in set(gold.aliases.values_list("name", flat=True))


def test_loading_an_older_then_a_newer_template_updates_names_and_keeps_history():
    services.load_smelter_list(fixture("RMI_CMRT_6.4.xlsx"))
    count_64 = Smelter.objects.count()
    aliases_64 = SmelterAlias.objects.count()
    load = services.load_smelter_list(fixture("RMI_CMRT_6.5.xlsx"))
    # Smelters dropped from 6.5 stay (history); new ones are added; aliases only grow.
    assert Smelter.objects.count() >= count_64
    assert SmelterAlias.objects.count() >= aliases_64
    assert Smelter.objects.filter(last_seen=load).count() == 349
    assert AuditEvent.objects.filter(action="smelter_list.loaded").count() == 2


def test_a_workbook_that_is_not_an_rmi_template_is_refused_with_a_reason(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "budget.xlsx"
    Workbook().save(path)
    with pytest.raises(RuleViolation, match="budget.xlsx"):
        services.load_smelter_list(path)
    assert Smelter.objects.count() == 0


def test_smelter_match_reads_csv_and_answers_in_input_order(monkeypatch):
    services.load_smelter_list(fixture("RMI_CMRT_6.5.xlsx"))
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("metal,name,country\nGold,SHANDONG GOLD SMELTING COMPANY LIMITED,CHINA\nTin,Nowhere Tin Works,Peru\n"),
    )
    out = io.StringIO()
    call_command("smelter_match", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["name"] for r in rows] == ["SHANDONG GOLD SMELTING COMPANY LIMITED", "Nowhere Tin Works"]
    assert rows[0]["cid"] == "CID001916" and rows[0]["standard_name"] == "Shandong Gold Smelting Co., Ltd."
    assert rows[1]["cid"] is None and rows[1]["score"] is None


def test_smelter_match_lists_the_five_best_candidates_with_reasons(monkeypatch):
    services.load_smelter_list(fixture("RMI_CMRT_6.5.xlsx"))
    monkeypatch.setattr("sys.stdin", io.StringIO("metal,name,country\nGold,Zhaojin Mining Ind. (Zhaoyuan),PRC\n"))
    out = io.StringIO()
    call_command("smelter_match", "--json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["cid"] == "CID001622"  # not Shandong Gold Smelting (CID001916), the old wrong suggestion
    best = row["candidates"][0]
    assert best["cid"] == "CID001622" and len(row["candidates"]) <= 5
    assert "words matched: zhaojin" in best["reasons"]
    assert "same country: China" in best["reasons"]
    assert all(c["score"] < best["score"] for c in row["candidates"][1:])


def test_a_confirmed_alias_is_used_for_later_matches(compliance):
    services.load_smelter_list(fixture("RMI_CMRT_6.5.xlsx"))
    gold = Smelter.objects.get(cid="CID001916", metal="Gold")
    assert services.reference_list().match("Gold", name="SD Gold Laizhou Plant") is None
    services.confirm_alias(gold, "SD Gold Laizhou Plant", actor=compliance)
    match = services.reference_list().match("Gold", name="SD Gold Laizhou Plant")
    assert match is not None and match.cid == "CID001916"


def test_rmap_statuses_load_from_csv_and_keep_earlier_uploads():
    first = services.load_rmap_statuses(
        b"CID,Status,Assessment date\nCID001916,Conformant,2025-03-01\n", file_name="rmap-2025.csv"
    )
    second = services.load_rmap_statuses(b"CID,Status\nCID001916,Active\nCID000004,not enrolled\n", file_name="rmap-2026.csv")
    assert first.errors == [] and second.errors == []
    assert RmapStatusUpload.objects.count() == 2
    assert services.rmap_status_map() == {"CID001916": "Active", "CID000004": "Not enrolled"}
    assert RmapStatus.objects.filter(cid="CID001916").count() == 2


def test_rmap_statuses_load_from_utf16_tab_separated_text():
    text = "CID\tStatus\tAssessment date\r\nCID001916\tConformant\t2025-03-01\r\n"
    result = services.load_rmap_statuses(b"\xff\xfe" + text.encode("utf-16-le"), file_name="rmap.csv")
    assert result.errors == [] and services.rmap_status_map() == {"CID001916": "Conformant"}


def test_smelter_match_reads_utf16_input_as_excel_writes_unicode_text(monkeypatch):
    services.load_smelter_list(fixture("RMI_CMRT_6.5.xlsx"))
    text = "metal\tname\tcountry\r\nGold\tSHANDONG GOLD SMELTING COMPANY LIMITED\tCHINA\r\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe" + text.encode("utf-16-le"))))
    out = io.StringIO()
    call_command("smelter_match", "--json", stdout=out)
    assert [r["cid"] for r in json.loads(out.getvalue())] == ["CID001916"]


def test_a_bad_rmap_row_rejects_the_whole_file_naming_the_cell():
    result = services.load_rmap_statuses(
        b"CID,Status,Assessment date\nCID001916,Conformant,2025-03-01\nnot-a-cid,Active,\nCID000004,Great,\n"
        b"CID000005,Active,yesterday\n",
        file_name="bad.csv",
    )
    assert result.upload is None
    assert result.errors == [
        'row 3, column A: "not-a-cid" is not a smelter id (CID000123).',
        'row 4, column B: "Great" is not a known RMAP status.',
        'row 5, column C: "yesterday" is not a date.',
    ]
    assert RmapStatusUpload.objects.count() == 0 and RmapStatus.objects.count() == 0


def test_covered_countries_load_with_their_source_and_reach_the_checker():
    call_command("load_risk_countries", stdout=io.StringIO())
    assert set(RiskCountry.objects.filter(kind="covered").values_list("country", flat=True)) == {
        "CD",
        "AO",
        "BI",
        "CF",
        "CG",
        "RW",
        "SS",
        "TZ",
        "UG",
        "ZM",
    }
    assert "SEC" in RiskCountry.objects.first().source or "Securities" in RiskCountry.objects.first().source
    reference = services.check_reference()
    assert "CD" in reference.covered_countries and "RWANDA" in reference.covered_countries
