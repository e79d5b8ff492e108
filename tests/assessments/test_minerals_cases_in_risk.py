"""Minerals risk cases feed the risk assessment (Yilian 四: "对采用风险管理计划后需要降低的风险，企业应额外进行风险评估"):
an open case raises the minerals factor, and opening a case or adopting its plan re-assesses the supplier."""

import pytest

from supplyesg.assessments.models import RiskAssessment
from supplyesg.assessments.risk.rules import minerals_risk
from supplyesg.core.models import PolicySettings
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier

T = RiskCase.RiskType


def minerals_line(assessment: RiskAssessment) -> dict:
    return next(line for line in assessment.explanation if line.get("factor") == "minerals")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("risk_type", "plan", "expected_risk"),
    [
        pytest.param(T.SERIOUS_ABUSES, "", 100.0, id="yilian_1_grave_case_counts_the_grave_case_risk"),
        pytest.param(T.SECURITY_FORCES, "", 70.0, id="yilian_3_open_case_counts_the_plan_case_risk"),
        pytest.param(T.BRIBERY_FRAUD, "Origin checks.", 70.0, id="yilian_4_adopted_plan_triggers_an_additional_assessment"),
    ],
)
def test_yilian_an_open_minerals_case_raises_the_minerals_factor_and_triggers_a_risk_assessment(
    compliance, django_capture_on_commit_callbacks, risk_type, plan, expected_risk
):
    supplier = make_supplier(status=Supplier.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        case = cases.open_case(supplier, actor=compliance, risk_type=risk_type, description="Red flag.", plan=plan)
    assessment = RiskAssessment.objects.get(supplier=supplier, kind=RiskAssessment.Kind.AD_HOC)
    line = minerals_line(assessment)
    assert line["risk"] == expected_risk and line["counted"]
    assert line["input"]["flags"] == [f"open_case:{risk_type}"]
    if plan:
        assert case.status == RiskCase.Status.PLAN
    # closing the case takes it out of the factor at the next assessment
    if risk_type == T.SECURITY_FORCES:
        with django_capture_on_commit_callbacks(execute=True):
            cases.close_case(case, actor=compliance, note="Not confirmed.")
            cases.adopt_plan(
                cases.open_case(supplier, actor=compliance, risk_type=T.BRIBERY_FRAUD, description="x"),
                actor=compliance,
                plan="Checks.",
            )
        latest = RiskAssessment.objects.filter(supplier=supplier).order_by("-computed_at", "-pk").first()
        assert minerals_line(latest)["input"]["flags"] == ["open_case:bribery_fraud"]


@pytest.mark.django_db
def test_the_case_risks_are_policy_settings(compliance, django_capture_on_commit_callbacks):
    policy = PolicySettings.current()
    policy.risk_minerals_grave_case = 90
    policy.save()
    supplier = make_supplier(status=Supplier.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        cases.open_case(supplier, actor=compliance, risk_type=T.ARMED_GROUPS, description="Taxes to an armed group.")
    assert minerals_line(RiskAssessment.objects.get(supplier=supplier))["risk"] == 90.0


def test_case_risks_add_to_cmrt_flags_and_count_without_a_declaration():
    assert minerals_risk(None).risk is None
    assert minerals_risk(None, [("open_case:armed_groups", 100)]).risk == 100
    both = minerals_risk(["cahra_smelters"], [("open_case:bribery_fraud", 70)])
    assert both.risk == 80 and both.input["flags"] == ["cahra_smelters", "open_case:bribery_fraud"]
