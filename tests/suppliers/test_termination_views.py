"""Termination pages: procurement's queue, the decided history, a case with its decide and lift forms,
recommending a termination by hand, and the panel on a supplier's page."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.models import Supplier, TerminationCase
from supplyesg.suppliers.terminations import services as terminations
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

TS = TerminationCase.Status


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def pending(supplier_a):
    Supplier.objects.filter(pk=supplier_a.pk).update(status=Supplier.Status.ACTIVE)
    return terminations.recommend_termination(
        supplier_a, actor=None, source="rating", reason="Grade D in 2026 Q3.", ref="rating:2026Q3"
    )


def decide_url(case):
    return reverse("terminations:decide", args=[case.pk])


def lift_url(case):
    return reverse("terminations:lift", args=[case.pk])


def pages(case, supplier):
    reads = [
        reverse("terminations:queue"),
        reverse("terminations:history"),
        reverse("terminations:detail", args=[case.pk]),
        reverse("terminations:supplier_panel", args=[supplier.pk]),
    ]
    writes = [
        ("post", decide_url(case), {"decision": "confirm", "reason": "x"}),
        ("post", lift_url(case), {"reason": "x"}),
        ("get", reverse("terminations:recommend", args=[supplier.pk]), {}),
        ("post", reverse("terminations:recommend", args=[supplier.pk]), {"reason": "x"}),
    ]
    return reads, writes


def test_anonymous_visitors_are_sent_to_log_in(client_for, pending, supplier_a):
    reads, writes = pages(pending, supplier_a)
    for method, url, data in [("get", u, {}) for u in reads] + writes:
        response = getattr(client_for(None), method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login")), url


def test_supplier_users_get_404_even_for_their_own_supplier(client_for, pending, supplier_a, supplier_a_user, supplier_b_user):
    reads, writes = pages(pending, supplier_a)
    for user in (supplier_a_user, supplier_b_user):
        client = client_for(user)
        for method, url, data in [("get", u, {}) for u in reads] + writes:
            assert getattr(client, method)(url, data).status_code == 404, url
    assert TerminationCase.objects.get().status == TS.RECOMMENDED


def test_a_viewer_reads_but_cannot_decide_lift_or_recommend(client_for, viewer, pending, supplier_a):
    client = client_for(viewer)
    reads, writes = pages(pending, supplier_a)
    for url in reads:
        assert client.get(url).status_code == 200, url
    for method, url, data in writes:
        assert getattr(client, method)(url, data).status_code == 403, url
    assert "decide-form" not in client.get(reverse("terminations:detail", args=[pending.pk])).content.decode()
    assert TerminationCase.objects.count() == 1 and TerminationCase.objects.get().status == TS.RECOMMENDED


@pytest.mark.parametrize("persona", ["compliance", "auditor"])
def test_only_procurement_decides(request, client_for, pending, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(decide_url(pending), {"decision": "confirm", "reason": "x"}).status_code == 403
    assert "decide-form" not in client.get(reverse("terminations:detail", args=[pending.pk])).content.decode()


def test_the_queue_shows_pending_recommendations_with_their_source(client_for, procurement, compliance, pending, supplier_b):
    grave = cases.open_case(
        supplier_b, actor=compliance, risk_type=RiskCase.RiskType.ARMED_GROUPS, description="Armed group taxes trade."
    )
    cases.disengage(grave, actor=compliance, mode="terminate", note="Paid an armed group.")
    client = client_for(procurement)
    page = client.get(reverse("terminations:queue")).content.decode()
    assert "Grade D in 2026 Q3." in page and "Quarterly grade D" in page and "raised by a rule" in page
    assert reverse("risk_cases:detail", args=[grave.pk]) in page  # a link to the minerals case
    only = client.get(reverse("terminations:queue"), {"source": "minerals"}).content.decode()
    assert "Grade D in 2026 Q3." not in only and "Paid an armed group." in only


def test_the_queue_costs_the_same_queries_for_many_recommendations(client_for, procurement, django_assert_max_num_queries):
    client = client_for(procurement)
    client.get(reverse("terminations:queue"))
    for n in range(25):
        terminations.recommend_termination(make_supplier(), actor=procurement, source="manual", reason=f"Reason {n}.")
    with django_assert_max_num_queries(6):
        page = client.get(reverse("terminations:queue")).content.decode()
    assert len(re.findall(r'id="termination-\d+"', page)) == 25


def test_procurement_confirms_and_orders_stop(client_for, procurement, pending, supplier_a):
    client = client_for(procurement)
    page = client.get(reverse("terminations:detail", args=[pending.pk])).content.decode()
    assert "decide-form" in page
    response = client.post(decide_url(pending), {"decision": "confirm", "reason": "Grade D twice."})
    assert response.status_code == 302 and response["Location"] == reverse("terminations:detail", args=[pending.pk])
    assert "purchase orders are blocked" in " ".join(flashed(response))
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decision_reason) == (TS.CONFIRMED, procurement, "Grade D twice.")
    panel = client.get(reverse("terminations:supplier_panel", args=[supplier_a.pk])).content.decode()
    assert "termination-in-force" in panel and "purchase orders are blocked" in panel
    history = client.get(reverse("terminations:history")).content.decode()
    assert "Grade D twice." in history


def test_an_override_needs_a_reason_and_is_kept_in_the_history(client_for, procurement, pending):
    client = client_for(procurement)
    response = client.post(decide_url(pending), {"decision": "override", "reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == TS.RECOMMENDED
    client.post(decide_url(pending), {"decision": "override", "reason": "Sole source."})
    pending.refresh_from_db()
    assert pending.status == TS.OVERRIDDEN
    assert "Sole source." in client.get(reverse("terminations:history"), {"status": "overridden"}).content.decode()
    assert "Sole source." not in client.get(reverse("terminations:history"), {"status": "confirmed"}).content.decode()


def test_a_second_decision_is_refused_on_the_page(client_for, procurement, pending):
    terminations.decide_termination(pending, actor=procurement, confirm=False, reason="Keep them.")
    response = client_for(procurement).post(decide_url(pending), {"decision": "confirm", "reason": "Now terminate."})
    assert response.status_code == 400 and "already decided" in response.content.decode()


def test_procurement_lifts_a_confirmed_termination(client_for, procurement, pending, supplier_a):
    client = client_for(procurement)
    refused = client.post(lift_url(pending), {"reason": "Too early."})
    assert refused.status_code == 400 and "Only a confirmed termination can be lifted." in refused.content.decode()
    terminations.decide_termination(pending, actor=procurement, confirm=True, reason="Grade D.")
    assert "lift-form" in client.get(reverse("terminations:detail", args=[pending.pk])).content.decode()
    response = client.post(lift_url(pending), {"reason": "Re-audit passed."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == TS.LIFTED
    panel = client.get(reverse("terminations:supplier_panel", args=[supplier_a.pk])).content.decode()
    assert "termination-in-force" not in panel


@pytest.mark.parametrize("persona", ["compliance", "procurement"])
def test_a_person_with_the_lifecycle_right_recommends_a_termination(request, client_for, supplier_a, procurement, persona):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("terminations:recommend", args=[supplier_a.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 400 and not TerminationCase.objects.exists()
    response = client.post(url, {"reason": "Counterfeit parts found."})
    case = TerminationCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("terminations:detail", args=[case.pk])
    assert (case.source, case.status, case.reason) == ("manual", TS.RECOMMENDED, "Counterfeit parts found.")


def test_the_supplier_panel_lists_pending_recommendations_and_offers_one(client_for, compliance, viewer, pending, supplier_a):
    url = reverse("terminations:supplier_panel", args=[supplier_a.pk])
    page = client_for(compliance).get(url).content.decode()
    assert "Grade D in 2026 Q3." in page and "termination-in-force" not in page
    assert reverse("terminations:recommend", args=[supplier_a.pk]) in page
    assert reverse("terminations:recommend", args=[supplier_a.pk]) not in client_for(viewer).get(url).content.decode()
