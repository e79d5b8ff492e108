"""Minerals risk-case pages: who reaches what, the list with its filters, opening a case from a supplier's page,
the case page with its prescribed mitigation, timeline and allowed steps, and the supplier panel."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.models import Supplier, TerminationCase
from tests.factories import make_supplier
from tests.minerals.factories_minerals import make_smelter

pytestmark = pytest.mark.django_db

T = RiskCase.RiskType


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def case(supplier_a, compliance):
    Supplier.objects.filter(pk=supplier_a.pk).update(status=Supplier.Status.ACTIVE)
    return cases.open_case(
        supplier_a, actor=compliance, risk_type=T.SECURITY_FORCES, description="Guards extort miners at the mine gate."
    )


def urls(case, supplier):
    """(method, url, data) for every page: reads first, then writes."""
    detail = lambda name: reverse(f"risk_cases:{name}", args=[case.pk])  # noqa: E731
    reads = [
        ("get", reverse("risk_cases:list"), None),
        ("get", detail("detail"), None),
        ("get", reverse("risk_cases:supplier_panel", args=[supplier.pk]), None),
    ]
    writes = [
        ("get", reverse("risk_cases:open") + f"?supplier={supplier.pk}", None),
        ("post", reverse("risk_cases:open"), {"supplier": supplier.code, "risk_type": T.ARMED_GROUPS, "description": "x"}),
        ("post", detail("adopt_plan"), {"adopt-plan": "Vet the guards."}),
        ("post", detail("review_plan"), {"review-effective": "yes", "review-note": "ok"}),
        ("post", detail("disengage"), {"disengage-mode": "suspend", "disengage-note": "x"}),
        ("post", detail("revise_plan"), {"revise-plan": "p", "revise-targets": "t"}),
        ("post", detail("resume_trade"), {"resume-note": "x"}),
        ("post", detail("close"), {"close-note": "x"}),
    ]
    return reads, writes


def test_anonymous_visitors_are_sent_to_log_in(client_for, case, supplier_a):
    reads, writes = urls(case, supplier_a)
    for method, url, data in reads + writes:
        response = getattr(client_for(None), method)(url, data or {})
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login")), url


def test_supplier_users_never_see_a_risk_case_not_even_their_own(client_for, case, supplier_a, supplier_a_user, supplier_b_user):
    reads, writes = urls(case, supplier_a)
    for user in (supplier_a_user, supplier_b_user):
        client = client_for(user)
        for method, url, data in reads + writes:
            assert getattr(client, method)(url, data or {}).status_code == 404, url
    assert RiskCase.objects.count() == 1 and RiskCase.objects.get().status == RiskCase.Status.OPEN


@pytest.mark.parametrize("persona", ["viewer", "procurement"])
def test_roles_without_the_review_right_read_but_do_not_write(request, client_for, case, supplier_a, persona):
    client = client_for(request.getfixturevalue(persona))
    reads, writes = urls(case, supplier_a)
    for _method, url, _data in reads:
        assert client.get(url).status_code == 200, url
    for method, url, data in writes:
        assert getattr(client, method)(url, data or {}).status_code == 403, url
    page = client.get(reverse("risk_cases:detail", args=[case.pk])).content.decode()
    assert "Adopt a risk-management plan" not in page
    assert RiskCase.objects.get().status == RiskCase.Status.OPEN


@pytest.mark.parametrize("persona", ["compliance", "auditor", "admin_user"])
def test_reviewers_adopt_a_plan(request, client_for, case, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(reverse("risk_cases:adopt_plan", args=[case.pk]), {"adopt-plan": "Vet the guards."})
    assert response.status_code == 302 and response["Location"] == reverse("risk_cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == RiskCase.Status.PLAN and case.plan == "Vet the guards."
    assert any("it is reviewed on" in m for m in flashed(response))


# ---------------------------------------------------------------- the list


def test_the_list_filters_and_highlights_reviews_due(client_for, compliance, case, supplier_b):
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        cases.adopt_plan(case, actor=compliance, plan="Vet the guards.")
    other = cases.open_case(supplier_b, actor=compliance, risk_type=T.ARMED_GROUPS, description="Armed group taxes trade.")
    client = client_for(compliance)
    with time_machine.travel(dt.datetime(2026, 7, 6, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("risk_cases:list")).content.decode()
        assert f'id="case-{case.pk}"' in page and f'id="case-{other.pk}"' in page
        assert "Review due" in page and "2026-07-05" in page
        only = client.get(reverse("risk_cases:list"), {"risk_type": T.ARMED_GROUPS}).content.decode()
        assert f'id="case-{other.pk}"' in only and f'id="case-{case.pk}"' not in only
        by_supplier = client.get(reverse("risk_cases:list"), {"supplier": "alpha"}).content.decode()
        assert f'id="case-{case.pk}"' in by_supplier and f'id="case-{other.pk}"' not in by_supplier
        planned = client.get(reverse("risk_cases:list"), {"status": "plan"}).content.decode()
        assert f'id="case-{case.pk}"' in planned and f'id="case-{other.pk}"' not in planned
        closed = client.get(reverse("risk_cases:list"), {"status": "closed"}).content.decode()
        assert "No minerals risk case matches." in closed
        odd = client.get(reverse("risk_cases:list"), {"status": "nonsense", "risk_type": T.ARMED_GROUPS})
        assert odd.status_code == 200 and f'id="case-{other.pk}"' in odd.content.decode()


def test_the_list_costs_the_same_queries_for_many_cases(client_for, compliance, django_assert_max_num_queries):
    client = client_for(compliance)
    client.get(reverse("risk_cases:list"))
    for n in range(30):
        supplier = make_supplier(legal_name=f"Tin Trader {n}")
        cases.open_case(supplier, actor=compliance, risk_type=T.BRIBERY_FRAUD, description="Fake origin papers.")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("risk_cases:list"))
    assert response.content.decode().count('id="case-') == 30


# ---------------------------------------------------------------- opening a case


def test_a_case_is_opened_from_the_supplier_page_with_an_optional_smelter(client_for, compliance, supplier_a):
    smelter = make_smelter("CID002180", "Tin", "Example Tin Works")
    client = client_for(compliance)
    form = client.get(reverse("risk_cases:open"), {"supplier": supplier_a.pk}).content.decode()
    assert f'value="{supplier_a.code}"' in form and "What the policy prescribes" in form
    response = client.post(
        reverse("risk_cases:open"),
        {
            "supplier": supplier_a.code,
            "risk_type": T.LIFE_THREATENING_OHS,
            "description": "Unshored tunnels at the supplying mine.",
            "smelter_cid": "cid002180",
        },
    )
    case = RiskCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk_cases:detail", args=[case.pk])
    assert (case.supplier, case.smelter, case.mitigation) == (supplier_a, smelter, "disengage")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"supplier": "NOPE-1"}, "No supplier has the code NOPE-1."),
        ({"smelter_cid": "CID999999"}, "No smelter in the reference list has the ID CID999999."),
        ({"description": ""}, "This field is required."),
        ({"risk_type": "cobalt"}, "Select a valid choice."),
    ],
)
def test_bad_input_on_the_open_form_names_the_field(client_for, compliance, supplier_a, changes, message):
    data = {"supplier": supplier_a.code, "risk_type": T.BRIBERY_FRAUD, "description": "Fake papers.", **changes}
    response = client_for(compliance).post(reverse("risk_cases:open"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not RiskCase.objects.exists()


def test_a_second_open_case_of_the_same_type_is_refused_on_the_form(client_for, compliance, case, supplier_a):
    data = {"supplier": supplier_a.code, "risk_type": T.SECURITY_FORCES, "description": "Again."}
    response = client_for(compliance).post(reverse("risk_cases:open"), data)
    assert response.status_code == 400
    assert "already has an open case for this risk" in response.content.decode()
    assert RiskCase.objects.count() == 1


# ---------------------------------------------------------------- the case page


def test_the_case_page_explains_the_mitigation_and_offers_only_the_allowed_steps(client_for, compliance, case, supplier_a):
    client = client_for(compliance)
    page = client.get(reverse("risk_cases:detail", args=[case.pk])).content.decode()
    assert "risk-management plan at once, reviewed after 6 months" in page
    assert "Adopt a risk-management plan" in page and "Recommend termination" not in page
    assert "Case opened" in page and "Guards extort miners" in page

    grave = cases.open_case(supplier_a, actor=compliance, risk_type=T.ARMED_GROUPS, description="Armed group taxes trade.")
    page = client.get(reverse("risk_cases:detail", args=[grave.pk])).content.decode()
    assert "trade was suspended when the case was opened" in page
    assert "Recommend termination" in page and "Adopt a risk-management plan" not in page
    assert reverse("terminations:suspension", args=[cases.suspension_in_force(grave).pk]) in page


def test_a_plan_under_way_says_when_it_is_reviewed(client_for, compliance, case):
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        cases.adopt_plan(case, actor=compliance, plan="Vet the guards.")
        client = client_for(compliance)
        page = client.get(reverse("risk_cases:detail", args=[case.pk])).content.decode()
        assert "The plan is reviewed on 2026-07-05 at the earliest." in page
        assert "Review the plan" not in page
        response = client.post(
            reverse("risk_cases:review_plan", args=[case.pk]), {"review-effective": "no", "review-note": "No change."}
        )
    assert response.status_code == 400
    assert "The plan is reviewed on 2026-07-05 at the earliest." in response.content.decode()
    case.refresh_from_db()
    assert case.status == RiskCase.Status.PLAN


def test_a_review_without_effect_suspends_and_the_page_says_until_when(client_for, compliance, case, supplier_a):
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        cases.adopt_plan(case, actor=compliance, plan="Vet the guards.")
    client = client_for(compliance)
    with time_machine.travel(dt.datetime(2026, 7, 6, 9, tzinfo=dt.UTC), tick=False):
        response = client.post(
            reverse("risk_cases:review_plan", args=[case.pk]), {"review-effective": "no", "review-note": "Extortion goes on."}
        )
        # Yilian 三: no minimum and no revised targets; procurement decides (old: at least three months, revised plan)
        assert "suspended until procurement confirms a termination" in " ".join(flashed(response))
        page = client.get(reverse("risk_cases:detail", args=[case.pk])).content.decode()
    assert "Procurement confirms the termination or lifts the suspension; trade then resumes under the plan." in page
    assert "Revise the plan with targets" not in page and "Recommend termination" in page
    supplier_a.refresh_from_db()
    assert supplier_a.status == Supplier.Status.SUSPENDED


def test_an_empty_step_form_is_shown_again_with_its_errors(client_for, compliance, case):
    response = client_for(compliance).post(reverse("risk_cases:adopt_plan", args=[case.pk]), {"adopt-plan": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    case.refresh_from_db()
    assert case.status == RiskCase.Status.OPEN


def test_terminating_from_the_case_page_hands_over_to_procurement(client_for, compliance, supplier_a):
    grave = cases.open_case(supplier_a, actor=compliance, risk_type=T.ARMED_GROUPS, description="Armed group taxes trade.")
    client = client_for(compliance)
    response = client.post(
        reverse("risk_cases:disengage", args=[grave.pk]),
        {"disengage-mode": "terminate", "disengage-note": "Paid an armed group."},
    )
    assert "procurement confirms or overrides it" in " ".join(flashed(response))
    termination = TerminationCase.objects.get()
    page = client.get(reverse("risk_cases:detail", args=[grave.pk])).content.decode()
    assert reverse("terminations:detail", args=[termination.pk]) in page
    assert "Recommended, awaiting decision" in page and 'id="case-steps"' not in page


def test_a_closed_case_offers_no_step(client_for, compliance, case):
    cases.close_case(case, actor=compliance, note="Not confirmed on site.")
    page = client_for(compliance).get(reverse("risk_cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-steps"' not in page and "Not confirmed on site." in page


# ---------------------------------------------------------------- the supplier panel


def test_the_supplier_panel_lists_open_cases_and_offers_to_open_one(client_for, compliance, viewer, case, supplier_a):
    url = reverse("risk_cases:supplier_panel", args=[supplier_a.pk])
    page = client_for(compliance).get(url).content.decode()
    assert reverse("risk_cases:detail", args=[case.pk]) in page
    assert f"{reverse('risk_cases:open')}?supplier={supplier_a.pk}" in page
    assert reverse("risk_cases:open") not in client_for(viewer).get(url).content.decode()


def test_a_step_the_case_no_longer_offers_is_refused_with_the_reason(client_for, compliance, case):
    cases.adopt_plan(case, actor=compliance, plan="Vet the guards.")
    response = client_for(compliance).post(reverse("risk_cases:close", args=[case.pk]), {"close-note": "Done."})
    assert response.status_code == 400
    assert "The case closes when the review finds the plan effective." in response.content.decode()
    case.refresh_from_db()
    assert case.status == RiskCase.Status.PLAN
