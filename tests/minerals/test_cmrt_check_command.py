"""The `supplyesg cmrt_check PATH... [--json]` contract: JSON shape, exit codes, folder ordering."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .conftest import fixture_file

SMELTER_KEYS = {"row", "metal", "name", "country", "cid", "matched_by", "score"}
FINDING_KEYS = {"severity", "code", "sheet", "cell", "metal", "message"}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("supplyesg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "supplyesg.cli"]
    return subprocess.run([*command, "cmrt_check", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def folder(tmp_path, copy_fixture):
    (tmp_path / "b_honeywell.xlsx").write_bytes(
        copy_fixture("filled/CMRT_6.4_filled_Honeywell_HEM.xlsx").read_bytes()
    )
    (tmp_path / "a_merck.xlsx").write_bytes(
        copy_fixture("filled/CMRT_6.4_filled_Merck_WF6.xlsx").read_bytes()
    )
    for name in ("CMRT_6.4_filled_Honeywell_HEM.xlsx", "CMRT_6.4_filled_Merck_WF6.xlsx"):
        (tmp_path / name).unlink()
    return tmp_path


def test_it_prints_one_json_object_per_file_sorted_by_name_and_exits_1_on_errors(folder):
    done = run_cli(str(folder), "--json")
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert [Path(item["file"]).name for item in data] == ["a_merck.xlsx", "b_honeywell.xlsx"]
    merck, honeywell = data
    assert (merck["template"], merck["version"], merck["valid"]) == ("CMRT", "6.4", True)
    assert honeywell["valid"] is False
    company = honeywell["company"]
    assert company["name"] == "Honeywell International"
    assert company["scope"] == "C" and company["effective_date"] == "2024-05-02"
    assert set(company["contact"]) == set(company["authorizer"]) == {"name", "email", "phone"}
    assert list(honeywell["minerals"]) == ["Tantalum", "Tin", "Gold", "Tungsten"]
    assert honeywell["minerals"]["Tin"]["q1"] == "Yes" and honeywell["minerals"]["Tin"]["q6"] == "100%"
    assert honeywell["company_questions"]["H"] == "Yes, with the SEC"
    assert all(SMELTER_KEYS <= set(s) for s in honeywell["smelters"])
    assert honeywell["smelters"][0] == {
        "row": 5,
        "metal": "Tungsten",
        "name": "Wolfram Bergbau und Hutten AG",
        "country": "AUSTRIA",
        "cid": "CID002044",
        "matched_by": "cid",
        "score": 100.0,
    }
    assert all(FINDING_KEYS <= set(f) for f in honeywell["findings"])
    assert {(f["code"], f["metal"]) for f in honeywell["findings"] if f["severity"] == "error"} == {
        ("smelter_missing_for_metal", "Tin"),
        ("smelter_missing_for_metal", "Gold"),
    }


def test_it_exits_0_when_every_file_is_valid():
    done = run_cli(str(fixture_file("filled/CMRT_6.4_filled_Merck_WF6.xlsx")))
    assert done.returncode == 0, done.stderr
    assert "CMRT 6.4: valid" in done.stdout


def test_it_exits_2_on_bad_usage(tmp_path):
    assert run_cli().returncode == 2
    assert run_cli(str(tmp_path / "missing.xlsx")).returncode == 2


def test_it_reports_null_template_for_a_file_it_cannot_read(tmp_path, capsys):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"not a workbook at all")
    with pytest.raises(SystemExit) as exit_info:
        call_command("cmrt_check", str(path), "--json")
    assert exit_info.value.code == 1
    (item,) = json.loads(capsys.readouterr().out)
    assert (item["template"], item["version"], item["valid"]) == (None, None, False)
    assert item["findings"][0]["code"] == "file_not_excel"
    assert item["smelters"] == [] and item["minerals"] == {}


def test_human_output_shows_severity_code_cell_and_message(capsys):
    with pytest.raises(SystemExit):
        call_command("cmrt_check", str(fixture_file("filled/CMRT_6.4_filled_PKG_DE00.xlsx")))
    out = capsys.readouterr().out
    assert "CMRT 6.4: INVALID" in out
    assert "ERROR   company_field_missing Declaration!D8: Company name is required." in out


def test_a_missing_path_is_a_usage_error_with_returncode_2():
    with pytest.raises(CommandError) as error:
        call_command("cmrt_check", "/nonexistent/cmrt.xlsx")
    assert error.value.returncode == 2
