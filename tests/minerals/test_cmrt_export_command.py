"""`supplyesg cmrt_export --year Y --template CMRT|EMRT --blank PATH --out PATH`."""

import io

import pytest
from django.core.management import CommandError, call_command

from supplyesg.minerals import declaration
from supplyesg.minerals.cmrt import check_file

from .conftest import fixture_file
from .factories_minerals import cmrt_answers, make_campaign, make_request, make_submission

pytestmark = pytest.mark.django_db

COMPANY = {
    "company_name": "Acme Electronics Co., Ltd.",
    "scope": "A",
    "contact_name": "Jane Roe",
    "contact_email": "jane@acme.example",
    "contact_phone": "+86 755 0000 0000",
    "authorizer_name": "John Doe",
    "authorizer_email": "john@acme.example",
}


@pytest.fixture
def company_cmrt(compliance):
    campaign = make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin"])
    make_submission(
        make_request(campaign),
        smelters=[("Tin", "CID001070", "China Tin (Hechi)", "CHINA")],
        minerals=cmrt_answers(("Tin",)),
    )
    declaration.save_company_declaration(
        2025,
        "CMRT",
        {
            "company": COMPANY,
            "company_answers": {"A": "Yes", "B": "No", "C": "Yes", "D": "Yes", "G": "Yes", "H": "No"},
        },
        actor=compliance,
    )


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("cmrt_export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_writes_the_company_cmrt_into_the_blank_template(company_cmrt, tmp_path):
    pytest.importorskip("supplyesg.minerals.cmrt.writer")
    target = tmp_path / "acme-cmrt-2025.xlsx"

    out, err = run(
        "--year",
        "2025",
        "--template",
        "cmrt",
        "--blank",
        str(fixture_file("RMI_CMRT_6.5.xlsx")),
        "--out",
        str(target),
    )

    assert "company CMRT 2025 with 1 smelter(s)" in out and err == ""
    result = check_file(target)
    assert result.valid, [f.message for f in result.errors]
    assert [s.cid for s in result.smelters] == ["CID001070"]
    assert [p.name for p in tmp_path.iterdir()] == ["acme-cmrt-2025.xlsx"]


def test_the_blank_template_defaults_to_the_setting_and_open_problems_are_warned(
    compliance, tmp_path, settings
):
    pytest.importorskip("supplyesg.minerals.cmrt.writer")
    make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin"])
    declaration.save_company_declaration(2025, "CMRT", {"company": COMPANY}, actor=compliance)
    settings.SUPPLYESG_CMRT_TEMPLATE = str(fixture_file("RMI_CMRT_6.5.xlsx"))
    target = tmp_path / "out.xlsx"

    out, err = run("--year", "2025", "--template", "CMRT", "--out", str(target))

    assert target.exists()
    assert "warning: Tin: answer question 1." in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--template", "CMRT", "--out", "x.xlsx"], "--year is required"),
        (["--year", "2025", "--template", "CRT", "--out", "x.xlsx"], "--template must be CMRT, EMRT or AMRT"),
        (["--year", "2025", "--template", "CMRT"], "--out PATH is required"),
        (
            ["--year", "2025", "--template", "CMRT", "--out", "x.xlsx"],
            "pass --blank PATH or set CMRT_TEMPLATE_PATH",
        ),
        (
            ["--year", "2025", "--template", "CMRT", "--blank", "/nonexistent/blank.xlsx", "--out", "x.xlsx"],
            "no such file",
        ),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(args, message, settings):
    settings.SUPPLYESG_CMRT_TEMPLATE = None

    with pytest.raises(CommandError, match=message) as raised:
        run(*args)

    assert raised.value.returncode == 2


def test_a_blank_of_the_wrong_family_exits_2_and_writes_nothing(company_cmrt, tmp_path):
    pytest.importorskip("supplyesg.minerals.cmrt.writer")
    target = tmp_path / "out.xlsx"

    with pytest.raises(CommandError, match="the file is EMRT 2.1") as raised:
        run(
            "--year",
            "2025",
            "--template",
            "CMRT",
            "--blank",
            str(fixture_file("RMI_EMRT_2.1.xlsx")),
            "--out",
            str(target),
        )

    assert raised.value.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_does_not_exist_exits_2(company_cmrt, tmp_path):
    with pytest.raises(CommandError, match="does not exist") as raised:
        run(
            "--year",
            "2025",
            "--template",
            "CMRT",
            "--blank",
            str(fixture_file("RMI_CMRT_6.5.xlsx")),
            "--out",
            str(tmp_path / "missing" / "out.xlsx"),
        )

    assert raised.value.returncode == 2
