"""The suspension page: procurement lifts a suspension or confirms the termination, with a reason; others read."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from supplyesg.suppliers.models import Supplier, Suspension, TerminationCase
from supplyesg.suppliers.services.orders import can_order
from supplyesg.suppliers.terminations.services import suspend_trade
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return make_supplier(legal_name="Omega Tin Trading Ltd.", status=Supplier.Status.ACTIVE)


def suspended(supplier, **kwargs):
    return suspend_trade(supplier, actor=None, source="audit", ref="audit:7", reason="Improvement plans overdue.", **kwargs)


def test_procurement_sees_both_decisions_and_others_only_read(client_for, procurement, compliance, supplier):
    suspension = suspended(supplier)
    url = reverse("terminations:suspension", args=[suspension.pk])
    page = client_for(procurement).get(url).content.decode()
    assert "Lift the suspension" in page and "Confirm the termination" in page
    page = client_for(compliance).get(url).content.decode()
    assert "Improvement plans overdue." in page and "Lift the suspension" not in page
    assert "Procurement lifts the suspension or confirms the termination." in page
    queue = client_for(compliance).get(reverse("terminations:queue")).content.decode()
    assert f"suspension-{suspension.pk}" in queue


def test_lifting_without_a_reason_is_refused_and_with_one_trade_resumes(client_for, procurement, supplier):
    suspension = suspended(supplier)
    client = client_for(procurement)
    refused = client.post(reverse("terminations:suspension_lift", args=[suspension.pk]), {"lift-reason": ""})
    assert refused.status_code == 400 and not can_order(supplier).can_order
    done = client.post(reverse("terminations:suspension_lift", args=[suspension.pk]), {"lift-reason": "Plans accepted."})
    assert done.status_code == 302
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.ACTIVE and can_order(supplier).can_order


def test_confirming_the_termination_replaces_the_suspension(client_for, procurement, supplier):
    suspension = suspended(supplier)
    response = client_for(procurement).post(
        reverse("terminations:suspension_terminate", args=[suspension.pk]), {"terminate-reason": "No plans after reminders."}
    )
    termination = TerminationCase.objects.in_force().get()
    assert response.status_code == 302 and response.url == reverse("terminations:detail", args=[termination.pk])
    suspension.refresh_from_db()
    assert suspension.outcome == Suspension.Outcome.TERMINATED and termination.decision_reason == "No plans after reminders."
    assert can_order(supplier).reasons[0].startswith("Termination of cooperation confirmed")


def test_a_suspension_with_a_minimum_cannot_be_lifted_before_it_and_the_page_says_until_when(client_for, procurement, supplier):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        suspension = suspended(supplier, ends_on=dt.date(2026, 6, 2))
        page = client_for(procurement).get(reverse("terminations:suspension", args=[suspension.pk])).content.decode()
        assert "ends on 2026-06-02 at the earliest" in page and "Lift the suspension" not in page
        refused = client_for(procurement).post(
            reverse("terminations:suspension_lift", args=[suspension.pk]), {"lift-reason": "Early."}
        )
    assert refused.status_code == 400 and "ends on 2026-06-02 at the earliest" in refused.content.decode()
    assert Suspension.objects.in_force().count() == 1


def test_the_api_lifts_a_suspension_only_after_its_minimum_and_lists_those_in_force(client_for, procurement, supplier):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        suspension = suspended(supplier, ends_on=dt.date(2026, 6, 2))
        client = client_for(procurement)
        listed = client.get(f"/api/suspensions?supplier_id={supplier.pk}").json()
        assert [(s["id"], s["ends_on"], s["in_force"]) for s in listed] == [(suspension.pk, "2026-06-02", True)]
        early = client.post(f"/api/suspensions/{suspension.pk}/lift", data={"reason": "Early."}, content_type="application/json")
    assert early.status_code == 409
    assert "ends on 2026-06-02 at the earliest" in early.json()["detail"] + str(early.json()["errors"])
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC), tick=False):
        done = client_for(procurement).post(
            f"/api/suspensions/{suspension.pk}/lift", data={"reason": "Served."}, content_type="application/json"
        )
    assert done.status_code == 200 and done.json()["outcome"] == "lifted"
    assert can_order(Supplier.objects.get(pk=supplier.pk)).can_order
