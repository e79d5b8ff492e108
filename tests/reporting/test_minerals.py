"""OECD step 5 and SEC Form SD figures, each against counts made by hand on a small minerals world built here.

The world (build_minerals): campaigns of 2026 (CMRT for tin and gold, EMRT for cobalt) and one of 2025; suppliers
Alpha (CN, accepted CMRT), Beta (MY, received valid), Gamma (CN, requested), Delta (CN tier 2, not requested);
Alpha's accepted CMRT names two smelters with ids (Tin CID000001 in Indonesia, RMAP conformant; Gold CID000002 in
the DR Congo, covered and CAHRA, not on the RMAP list) plus a tin name without id; Beta's valid but unaccepted
file names a third smelter, which must not count.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from supplyesg.minerals.models import (
    Campaign,
    RiskCase,
    RiskCaseStep,
    RiskCountry,
    RmapStatus,
    RmapStatusUpload,
    Smelter,
    Submission,
    SubmissionRequest,
    SubmissionSmelter,
)
from supplyesg.reporting.computations import REGISTRY
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import DATA_DIR, load_catalogue, read_catalogue
from tests.factories import make_supplier


def aware(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 12, 0))


def _campaign(name, year, template, minerals):
    return Campaign.objects.create(
        name=name, reporting_year=year, template=template, minerals=minerals, due_date=date(year, 6, 30), status="open"
    )


def _submission(request, status, rows):
    submission = Submission.objects.create(
        request=request,
        version=1,
        original_name="cmrt.xlsx",
        sha256="0" * 64,
        channel="portal",
        valid=True,
        status=status,
    )
    for n, (metal, name, country, cid) in enumerate(rows, start=5):
        SubmissionSmelter.objects.create(submission=submission, row=n, metal=metal, name=name, country=country, cid=cid)
    return submission


def build_minerals(rmap=True) -> dict:
    alpha = make_supplier(legal_name="Alpha Cable", country="CN", status="active")
    beta = make_supplier(legal_name="Beta Solder", country="MY", status="active")
    gamma = make_supplier(legal_name="Gamma Cells", country="CN", status="active")
    delta = make_supplier(legal_name="Delta Metals", country="CN", tier=2, status="active")
    cmrt = _campaign("CMRT 2026", 2026, "CMRT", ["Tin", "Gold"])
    emrt = _campaign("EMRT 2026", 2026, "EMRT", ["Cobalt"])
    old = _campaign("CMRT 2025", 2025, "CMRT", ["Tin"])
    S = SubmissionRequest.Status
    alpha_request = SubmissionRequest.objects.create(campaign=cmrt, supplier=alpha, status=S.ACCEPTED)
    beta_request = SubmissionRequest.objects.create(campaign=cmrt, supplier=beta, status=S.RECEIVED_VALID)
    SubmissionRequest.objects.create(campaign=cmrt, supplier=gamma, status=S.REQUESTED)
    SubmissionRequest.objects.create(campaign=cmrt, supplier=delta, status=S.NOT_REQUESTED)
    SubmissionRequest.objects.create(campaign=emrt, supplier=alpha, status=S.REQUESTED)
    SubmissionRequest.objects.create(campaign=old, supplier=gamma, status=S.ACCEPTED)
    tin = Smelter.objects.create(
        cid="CID000001", metal="Tin", standard_name="Alpha Tin Smelter", country="INDONESIA", country_code="ID"
    )
    gold = Smelter.objects.create(
        cid="CID000002", metal="Gold", standard_name="=Kivu Gold Refinery", country="CONGO", country_code="CD"
    )
    Smelter.objects.create(cid="CID000003", metal="Tin", standard_name="Unaccepted Tin", country="CHINA", country_code="CN")
    accepted = _submission(
        alpha_request,
        Submission.Status.ACCEPTED,
        [
            ("Tin", "Alpha Tin", "INDONESIA", "CID000001"),
            ("Tin", "Alpha Tin again", "INDONESIA", "CID000001"),
            ("Gold", "Kivu", "CONGO", "CID000002"),
            ("Tin", "Some tin works", "CHINA", ""),
        ],
    )
    _submission(beta_request, Submission.Status.VALID, [("Tin", "Unaccepted", "CHINA", "CID000003")])
    for kind in ("covered", "cahra"):
        RiskCountry.objects.create(kind=kind, country="CD", source="test", as_of=date(2026, 1, 1))
    if rmap:
        upload = RmapStatusUpload.objects.create(file_name="rmap.xlsx")
        RmapStatus.objects.create(upload=upload, cid="CID000001", status=RmapStatus.Status.CONFORMANT)
        RmapStatus.objects.create(upload=upload, cid="CID000003", status=RmapStatus.Status.ACTIVE)
    return {
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "delta": delta,
        "tin": tin,
        "gold": gold,
        "accepted": accepted,
        "alpha_request": alpha_request,
    }


def build_cases(world) -> None:
    """Alpha: opened 2026-03-01, plan adopted 2026-04-01. Gamma: opened 2025-12-01, trade suspended 2026-02-01.
    Beta: opened 2026-05-01, closed 2026-06-01. Delta: opened and closed in 2025."""

    def case(supplier, opened, status, steps, closed_on=None, risk_type="armed_groups"):
        c = RiskCase.objects.create(
            supplier=supplier,
            risk_type=risk_type,
            mitigation="risk_plan",
            status=status,
            description="Smelter in a CAHRA",
            opened_at=aware(*opened),
            closed_on=date(*closed_on) if closed_on else None,
        )
        for kind, when in steps:
            RiskCaseStep.objects.create(case=c, kind=kind, at=aware(*when))
        return c

    K = RiskCaseStep.Kind
    case(world["alpha"], (2026, 3, 1), "plan", [(K.OPENED, (2026, 3, 1)), (K.PLAN_ADOPTED, (2026, 4, 1))])
    case(world["gamma"], (2025, 12, 1), "suspended", [(K.OPENED, (2025, 12, 1)), (K.SUSPENDED, (2026, 2, 1))])
    case(world["beta"], (2026, 5, 1), "closed", [(K.OPENED, (2026, 5, 1)), (K.CLOSED, (2026, 6, 1))], closed_on=(2026, 6, 1))
    case(world["delta"], (2025, 2, 1), "closed", [(K.OPENED, (2025, 2, 1)), (K.CLOSED, (2025, 3, 1))], closed_on=(2025, 3, 1))


@pytest.fixture
def period(compliance):
    return snapshots.create_period(actor=compliance, year=2026)


def run(period, key, filters=None, **params):
    return REGISTRY[key](snapshots.scope_for(period, filters).with_item(params, {}))


def test_suppliers_in_scope_are_counted_per_mineral_from_the_years_campaigns(period):
    build_minerals()
    # Tin and gold: Alpha, Beta, Gamma and Delta have a 2026 CMRT request; cobalt: Alpha's EMRT request.
    result = run(period, "minerals_suppliers_in_scope")
    assert result.value == {"Cobalt": 1, "Gold": 4, "Tin": 4}
    assert [r.cells[1] for r in result.rows] == ["Alpha Cable", "Beta Solder", "Gamma Cells", "Delta Metals"]
    assert result.rows[0].cells[-1] == "Cobalt, Gold, Tin"
    assert run(period, "minerals_suppliers_in_scope", metals=["Tin"]).value == {"Tin": 4}
    # Tier filter: Delta is the only tier-2 supplier.
    assert run(period, "minerals_suppliers_in_scope", {"tiers": [2]}).value == {"Gold": 1, "Tin": 1}


def test_declarations_requested_received_accepted_and_the_response_rate(period):
    build_minerals()
    # 3TG: requested Alpha, Beta, Gamma (Delta not requested); received Alpha (accepted) and Beta (valid).
    assert run(period, "minerals_declarations", measure="requested", metals=["Tin"]).value == 3
    assert run(period, "minerals_declarations", measure="received", metals=["Tin"]).value == 2
    accepted = run(period, "minerals_declarations", measure="accepted", metals=["Tin"])
    assert accepted.value == 1 and accepted.rows[0].cells[1] == "Alpha Cable"
    assert run(period, "minerals_declarations", measure="response_rate", metals=["Tin"]).value == Decimal("66.7")
    # Every mineral: Alpha's EMRT request adds one requested, none received: 2 / 4.
    assert run(period, "minerals_declarations", measure="response_rate").value == Decimal("50.0")
    # Only Malaysian suppliers: Beta, requested and received.
    assert run(period, "minerals_declarations", {"countries": ["MY"]}, measure="response_rate").value == Decimal("100.0")


def test_a_year_without_campaigns_says_so(compliance):
    build_minerals()
    period = snapshots.create_period(actor=compliance, year=2024)
    result = run(period, "minerals_declarations", measure="response_rate")
    assert result.value is None
    assert "No minerals campaign of the reporting year 2024" in result.flags[0]


def test_smelters_identified_and_their_rmap_and_location_shares(period):
    build_minerals()
    # Counted: Alpha's accepted file only: CID000001 (tin, twice: once) and CID000002 (gold); Beta's is not accepted.
    identified = run(period, "minerals_smelters", measure="identified")
    assert identified.value == 2
    assert [(r.cells[0], r.cells[3], r.cells[4]) for r in identified.rows] == [
        ("=Kivu Gold Refinery", "CID000002", ""),
        ("Alpha Tin Smelter", "CID000001", "conformant"),
    ]
    assert "1 reported smelter names have no smelter ID" in identified.flags[0]
    assert run(period, "minerals_smelters", measure="conformant").value == Decimal("50.0")  # 1 of 2
    assert run(period, "minerals_smelters", measure="active").value == Decimal("0.0")
    assert run(period, "minerals_smelters", measure="not_engaged").value == Decimal("50.0")  # gold: not on the list
    located = run(period, "minerals_smelters", measure="cahra")
    assert located.value == 1 and located.rows[0].cells[3] == "CID000002"
    assert run(period, "minerals_smelters", measure="of_concern").value == 1
    assert run(period, "minerals_smelters", measure="identified", metals=["Tin"]).value == 1


def test_conformance_shares_are_not_given_without_an_rmap_list(period):
    build_minerals(rmap=False)
    result = run(period, "minerals_smelters", measure="conformant")
    assert result.value is None
    assert any("No RMAP status list" in f for f in result.flags)


def test_the_sec_table_lists_3tg_smelters_with_their_status_and_location(period):
    world = build_minerals()
    result = run(period, "sec_smelter_table")
    assert result.value == 2
    assert result.columns[:5] == ("Smelter or refiner", "Metal", "Country", "RMI smelter ID", "RMAP status")
    gold_row = result.rows[0]
    assert gold_row.pk == world["gold"].pk
    assert gold_row.cells[:4] == ("=Kivu Gold Refinery", "Gold", "CONGO", "CID000002")
    assert gold_row.cells[-2:] == ("yes", "yes")  # covered country and CAHRA
    assert any("Countries of origin" in f for f in result.flags)


def test_risk_cases_count_by_the_dates_of_their_steps(period):
    world = build_minerals()
    build_cases(world)
    # Opened in 2026: Alpha, Beta. Closed in 2026: Beta. Mitigated in 2026: Alpha (plan), Gamma (suspended).
    assert run(period, "minerals_risk_cases", measure="opened").value == 2
    closed = run(period, "minerals_risk_cases", measure="closed")
    assert closed.value == 1 and closed.rows[0].cells[1] == "Beta Solder"
    mitigated = run(period, "minerals_risk_cases", measure="mitigated")
    assert sorted(r.cells[1] for r in mitigated.rows) == ["Alpha Cable", "Gamma Cells"]
    disengaged = run(period, "minerals_risk_cases", measure="disengaged")
    assert disengaged.value == 1 and disengaged.rows[0].cells[1] == "Gamma Cells"
    assert run(period, "minerals_risk_cases", {"countries": ["MY"]}, measure="opened").value == 1


def test_the_whole_catalogue_loads_and_every_item_computes_into_a_snapshot(compliance, period):
    items, errors = read_catalogue(DATA_DIR / "2026.1")
    assert errors == []
    codes = {i["code"] for i in items}
    assert {"OECD5-DECL-4", "SD-CMR-TABLE", "KPI-AGR-1", "KPI-GRV-3"} <= codes
    world = build_minerals()
    build_cases(world)
    loaded = load_catalogue(actor=compliance)
    assert loaded.created == len(items)
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    assert snap.figures.count() == len(items)
    assert snap.figures.get(code="OECD5-SMELT-1").value == 2
    assert snap.figures.get(code="SD-1.01-RESP").value == "66.7"
    assert snapshots.verify_snapshot(snap)
