"""Company-wide aggregation: which declarations count, the smelter list, dashboard figures, supplier flags."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from supplyesg.minerals import aggregation
from supplyesg.minerals.models import RiskCountry, Submission, SubmissionRequest
from tests.factories import make_supplier

from .factories_minerals import (
    cmrt_answers,
    load_statuses,
    make_campaign,
    make_request,
    make_risk_country,
    make_smelter,
    make_submission,
)

pytestmark = pytest.mark.django_db

TIN = ("Tin", "CID001070", "China Tin (Hechi)", "CHINA")
GOLD = ("Gold", "CID002030", "ANZ Bank", "AUSTRALIA")
CONGO_TIN = ("Tin", "CID004065", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE")


@pytest.fixture
def reference(db):
    make_smelter("CID001070", "Tin", "China Tin Group Co., Ltd.", "CHINA", "CN")
    make_smelter("CID002030", "Gold", "Western Australian Mint (T/a The Perth Mint)", "AUSTRALIA", "AU")
    make_smelter(
        "CID004065", "Tin", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE", "CD"
    )
    make_risk_country("CD", RiskCountry.Kind.COVERED)
    make_risk_country("CD", RiskCountry.Kind.CAHRA)


@pytest.fixture
def campaign(db):
    return make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin", "Gold"])


def test_the_latest_accepted_declaration_of_each_request_counts(campaign):
    request = make_request(campaign)
    make_submission(request, smelters=[TIN])
    second = make_submission(request, smelters=[TIN, GOLD])
    make_submission(request, status=Submission.Status.INVALID)
    only_errors = make_request(campaign)
    make_submission(only_errors, status=Submission.Status.INVALID, smelters=[GOLD])
    other_year = make_request(make_campaign(reporting_year=2024))
    make_submission(other_year)

    assert list(aggregation.counted_submissions(2025, "CMRT")) == [second]
    assert aggregation.counted_submissions(2025, "EMRT").count() == 0
    assert aggregation.counted_submissions().count() == 2


def test_the_company_smelter_list_counts_suppliers_per_smelter_with_reference_names_and_flags(
    campaign, reference
):
    load_statuses({"CID001070": "conformant", "CID004065": "not_enrolled"})
    make_submission(make_request(campaign), smelters=[TIN, TIN, GOLD])
    make_submission(make_request(campaign), smelters=[TIN, CONGO_TIN])
    make_submission(make_request(campaign), status=Submission.Status.INVALID, smelters=[GOLD])

    smelters = {s.cid: s for s in aggregation.company_smelters(2025, "CMRT")}

    assert set(smelters) == {"CID001070", "CID002030", "CID004065"}
    tin = smelters["CID001070"]
    assert (tin.metal, tin.suppliers, tin.rows) == ("Tin", 2, 3)
    assert tin.name == "China Tin Group Co., Ltd."
    assert tin.conformant_or_active and not tin.of_concern
    gold = smelters["CID002030"]
    assert gold.suppliers == 1 and gold.rmap_status == "" and gold.concerns == ["not_conformant"]
    congo = smelters["CID004065"]
    assert congo.covered and congo.cahra
    assert congo.concerns == ["not_conformant", "covered", "cahra"]
    assert congo.rmap_label == "Not enrolled"


def test_a_smelter_missing_from_the_reference_list_is_located_by_its_reported_country(campaign):
    make_risk_country("CD")
    make_submission(make_request(campaign), smelters=[CONGO_TIN])

    [smelter] = aggregation.company_smelters(2025, "CMRT")

    assert not smelter.in_reference
    assert smelter.name == "Mining Minerals Resources SARL"
    assert smelter.country_code == "CD" and smelter.covered and not smelter.cahra


def test_without_an_rmap_list_no_smelter_is_called_not_conformant(campaign, reference):
    make_submission(make_request(campaign), smelters=[GOLD])

    [gold] = aggregation.company_smelters(2025, "CMRT")

    assert not gold.rmap_checked and not gold.of_concern


def test_names_without_a_smelter_id_are_listed_apart_with_how_many_suppliers_report_them(campaign):
    unknown = ("Tin", "", "Some Local Smelter", "CHINA")
    make_submission(make_request(campaign), smelters=[unknown, unknown, TIN])
    make_submission(make_request(campaign), smelters=[unknown, ("Gold", "", "Backyard Refinery", "PERU")])

    names = aggregation.unresolved_names(2025, "CMRT")

    assert [(u.metal, u.name, u.suppliers, u.rows) for u in names] == [
        ("Gold", "Backyard Refinery", 1, 1),
        ("Tin", "Some Local Smelter", 2, 3),
    ]
    assert [s.cid for s in aggregation.company_smelters(2025, "CMRT")] == ["CID001070"]


def test_the_dashboard_gives_response_and_valid_rates_and_the_conformant_share(campaign, reference):
    load_statuses({"CID001070": "conformant", "CID002030": "active"})
    make_submission(make_request(campaign), smelters=[TIN, GOLD])
    make_submission(make_request(campaign), smelters=[CONGO_TIN])
    make_submission(make_request(campaign), status=Submission.Status.INVALID)
    make_request(campaign)  # asked, no answer yet
    make_request(campaign, status=SubmissionRequest.Status.NOT_REQUESTED)

    figures = aggregation.dashboard_figures(2025, "CMRT")

    assert (figures.total, figures.requested, figures.received, figures.valid, figures.accepted) == (
        5,
        4,
        3,
        2,
        2,
    )
    assert figures.response_rate == Decimal("75.0")
    assert figures.valid_rate == Decimal("66.7")
    assert dict((s, n) for s, _label, n in figures.by_status) == {
        "not_requested": 1,
        "requested": 1,
        "received_errors": 1,
        "received_valid": 0,
        "accepted": 2,
        "returned": 0,
    }
    assert figures.conformant_or_active == 2 and figures.conformant_share == Decimal("66.7")
    assert [s.cid for s in figures.concern] == ["CID004065"]


def test_the_dashboard_lists_suppliers_with_red_flags_and_why(campaign, reference):
    load_statuses({"CID001070": "conformant"})
    clean = make_supplier(legal_name="Clean Tin Ltd.")
    make_submission(make_request(campaign, clean), smelters=[TIN])
    risky = make_supplier(legal_name="Risky Metals Ltd.")
    make_submission(
        make_request(campaign, risky),
        smelters=[CONGO_TIN, ("Tin", "", "Unknown Smelter", "CHINA")],
        minerals=cmrt_answers(Tin={"q3": "Yes", "q6": "50% or less"}),
    )
    silent = make_supplier(legal_name="Silent Supplier Ltd.")
    make_request(campaign, silent)

    figures = aggregation.dashboard_figures(2025, "CMRT")

    flagged = {f.supplier_name: f.labels for f in figures.red_flags}
    assert set(flagged) == {"Risky Metals Ltd.", "Silent Supplier Ltd."}
    assert flagged["Silent Supplier Ltd."] == ["no declaration"]
    assert flagged["Risky Metals Ltd."] == [
        "smelters in covered countries (1)",
        "smelters in CAHRAs (1)",
        "smelters not RMAP conformant or active (1)",
        "unidentified smelters (1)",
        "sources from covered countries (Q3)",
        "low response from its own suppliers (Q6)",
    ]


def test_the_dashboard_charts_have_one_bar_per_status_and_per_metal(campaign, reference):
    load_statuses({"CID001070": "conformant"})
    make_submission(make_request(campaign), smelters=[TIN, CONGO_TIN, GOLD])

    figures = aggregation.dashboard_figures(2025, "CMRT")

    assert [b.total for b in figures.status_chart.bars] == [0, 0, 0, 0, 1, 0]
    bars = {b.label: b for b in figures.metal_chart.bars}
    assert set(bars) == {"Tin", "Gold"}
    assert [(s.label, s.value) for s in bars["Tin"].segments] == [
        ("Conformant", 1),
        ("Not conformant or active", 1),
    ]
    widest = max(sum(s.width for s in b.segments) for b in figures.metal_chart.bars)
    assert widest == figures.metal_chart.bar_area


def test_supplier_flags_name_every_reason_for_the_risk_assessment(campaign, reference):
    load_statuses({"CID001070": "conformant"})
    no_answer = make_request(campaign).supplier
    with_errors = make_request(campaign)
    make_submission(with_errors, status=Submission.Status.INVALID, smelters=[TIN])
    covered = make_request(campaign)
    make_submission(covered, smelters=[CONGO_TIN])
    unidentified = make_request(campaign)
    make_submission(unidentified, smelters=[TIN, ("Gold", "", "Mystery Refinery", "")])
    low_response = make_request(campaign)
    make_submission(low_response, smelters=[TIN], minerals=cmrt_answers(Gold={"q6": "None"}))
    clean = make_request(campaign)
    make_submission(clean, smelters=[TIN])
    not_asked = make_supplier()
    draft = make_request(
        make_campaign(status="draft"), status=SubmissionRequest.Status.NOT_REQUESTED
    ).supplier

    ids = [
        no_answer.pk,
        with_errors.supplier_id,
        covered.supplier_id,
        unidentified.supplier_id,
        low_response.supplier_id,
        clean.supplier_id,
        not_asked.pk,
        draft.pk,
    ]
    flags = aggregation.supplier_minerals_flags(ids, 2025, as_codes=True)

    assert flags == {
        no_answer.pk: ["no_declaration"],
        with_errors.supplier_id: ["errors"],
        covered.supplier_id: ["covered_smelters", "cahra_smelters", "not_conformant"],
        unidentified.supplier_id: ["unidentified"],
        low_response.supplier_id: ["low_response"],
        clean.supplier_id: [],
        not_asked.pk: [],
        draft.pk: [],
    }
    assert aggregation.supplier_minerals_flags([covered.supplier_id])[covered.supplier_id] == [
        "smelters in covered countries (1)",
        "smelters in CAHRAs (1)",
        "smelters not RMAP conformant or active (1)",
    ]


def test_supplier_flags_read_the_accepted_declaration_rather_than_a_later_draft(campaign, reference):
    request = make_request(campaign)
    make_submission(request, smelters=[TIN])
    make_submission(request, status=Submission.Status.INVALID, smelters=[CONGO_TIN])

    assert aggregation.supplier_minerals_flags([request.supplier_id], 2025) == {request.supplier_id: []}


def test_supplier_flags_default_to_the_latest_year_the_supplier_was_asked_in(reference):
    supplier = make_supplier()
    make_request(make_campaign(reporting_year=2024), supplier)  # never answered in 2024
    make_submission(make_request(make_campaign(reporting_year=2025), supplier), smelters=[TIN])

    assert aggregation.supplier_minerals_flags([supplier.pk]) == {supplier.pk: []}
    assert aggregation.supplier_minerals_flags([supplier.pk], 2024) == {supplier.pk: ["no declaration"]}


def test_emrt_flags_read_the_emrt_question_numbers(reference):
    campaign = make_campaign(template="EMRT", minerals=["Cobalt"])
    request = make_request(campaign)
    make_submission(
        request,
        minerals={"Cobalt": {"q1": "Yes", "q2": "Yes", "q3": "DRC only", "q5": "50% or less"}},
    )

    assert aggregation.supplier_minerals_flags([request.supplier_id], 2025) == {
        request.supplier_id: ["sources from CAHRAs (Q3)", "low response from its own suppliers (Q5)"]
    }


def _populate(campaign, count: int) -> list[int]:
    ids = []
    for index in range(count):
        request = make_request(campaign)
        make_submission(request, status=Submission.Status.INVALID, smelters=[GOLD])
        make_submission(request, smelters=[TIN, CONGO_TIN, ("Tin", "", f"Unknown {index}", "CHINA")])
        ids.append(request.supplier_id)
    make_request(campaign)
    return ids


def _query_counts(ids) -> list[int]:
    counts = []
    for run in (
        lambda: aggregation.company_smelters(2025, "CMRT"),
        lambda: aggregation.unresolved_names(2025, "CMRT"),
        lambda: aggregation.dashboard_figures(2025, "CMRT"),
        lambda: aggregation.supplier_minerals_flags(ids),
    ):
        with CaptureQueriesContext(connection) as queries:
            run()
        counts.append(len(queries))
    return counts


def test_aggregation_runs_the_same_number_of_queries_for_5_or_50_submissions(
    campaign, reference, django_assert_max_num_queries
):
    load_statuses({"CID001070": "conformant"})
    small = _query_counts(_populate(campaign, 5))
    large_ids = _populate(campaign, 45)
    large = _query_counts(large_ids)

    assert small == large
    with django_assert_max_num_queries(12):
        figures = aggregation.dashboard_figures(2025, "CMRT")
    assert len(figures.red_flags) == 52 and figures.accepted == 50
    with django_assert_max_num_queries(5):
        aggregation.supplier_minerals_flags(large_ids)


def test_the_smelter_export_writes_formula_like_names_as_plain_strings(campaign):
    make_submission(
        make_request(campaign),
        smelters=[
            ("Tin", "CID009999", '=HYPERLINK("http://evil")', "@SUM(A1)"),
            ("Tin", "", "+cmd|' /C calc'!A0", ""),
        ],
    )

    data = aggregation.smelters_workbook(
        aggregation.company_smelters(2025, "CMRT"), aggregation.unresolved_names(2025, "CMRT")
    )

    book = load_workbook(io.BytesIO(data))
    smelters, names = book.worksheets
    assert [c.value for c in smelters[2]][:4] == [
        "Tin",
        "CID009999",
        '=HYPERLINK("http://evil")',
        "@SUM(A1)",
    ]
    assert names["B2"].value == "+cmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for row in smelters.iter_rows() for cell in row)


def test_a_control_character_in_a_supplier_smelter_name_does_not_break_the_export(campaign):
    make_submission(
        make_request(campaign),
        smelters=[("Tin", "", "Bell\x07 Tin_x0007_ Works", "Peru"), ("Tin", "", "=Quiet\x1b Smelter", "")],
    )

    data = aggregation.smelters_workbook(
        aggregation.company_smelters(2025, "CMRT"), aggregation.unresolved_names(2025, "CMRT")
    )

    names = load_workbook(io.BytesIO(data)).worksheets[1]
    assert sorted(row[1] for row in names.iter_rows(min_row=2, values_only=True)) == ["=Quiet Smelter", "Bell Tin Works"]
