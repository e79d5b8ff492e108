"""Termination of cooperation: rules and people recommend it (once per source and reference), procurement decides
once with a reason, only a confirmed termination is lifted, and the can-order answer follows."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, Role
from supplyesg.suppliers.models import Supplier, TerminationCase
from supplyesg.suppliers.terminations import services as terminations
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db

TS = TerminationCase.Status


@pytest.fixture
def active(db):
    return make_supplier(legal_name="Delta Grade D Ltd.", status=Supplier.Status.ACTIVE)


def recommend(supplier, actor=None, source="rating", ref="rating:2026Q3", reason="Grade D in 2026 Q3."):
    return terminations.recommend_termination(supplier, actor=actor, source=source, reason=reason, ref=ref)


def test_a_rule_raising_the_same_recommendation_again_gets_the_same_case(active):
    first = recommend(active)
    assert recommend(active).pk == first.pk
    terminations.decide_termination(first, actor=None, confirm=True, reason="Confirmed.")
    assert recommend(active).pk == first.pk  # still in force: not raised again
    assert TerminationCase.objects.count() == 1
    assert recommend(active, ref="rating:2026Q4").pk != first.pk
    assert recommend(active, source="audit", ref="rating:2026Q3").pk != first.pk


def test_after_an_override_the_same_source_may_recommend_again(active, procurement):
    first = recommend(active)
    terminations.decide_termination(first, actor=procurement, confirm=False, reason="Sole source of this cable.")
    again = recommend(active)
    assert again.pk != first.pk and again.status == TS.RECOMMENDED


def test_recommendations_by_hand_without_a_reference_are_each_kept(active, compliance):
    one = recommend(active, compliance, source="manual", ref="", reason="Counterfeit parts.")
    two = recommend(active, compliance, source="manual", ref="", reason="Child labour found on site.")
    assert one.pk != two.pk and one.recommended_by == compliance


@pytest.mark.parametrize(
    ("source", "reason", "message"),
    [("gut_feeling", "Bad.", "source: choose one"), ("manual", "   ", "reason: say why cooperation should end")],
)
def test_a_recommendation_needs_a_known_source_and_a_reason(active, compliance, source, reason, message):
    with pytest.raises(RuleViolation, match=message):
        recommend(active, compliance, source=source, ref="", reason=reason)
    assert not TerminationCase.objects.exists() and not AuditEvent.objects.filter(action__startswith="termination").exists()


def test_procurement_hears_of_a_recommendation_only_once_it_is_committed(
    active, procurement, compliance, django_capture_on_commit_callbacks
):
    make_user(Role.PROCUREMENT, username="gone-procurement", is_active=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        recommend(active)
        assert mail.outbox == []
    assert callbacks  # the mail (and the in-app notification) wait for the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [procurement.email]
    assert "Delta Grade D Ltd." in message.subject and "Grade D in 2026 Q3." in message.body


def test_no_mail_goes_out_when_the_recommendation_is_rolled_back(active, procurement, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            recommend(active)
            raise RuntimeError("the calling job failed")
    assert mail.outbox == [] and not TerminationCase.objects.exists()


def test_a_recommendation_is_decided_once_with_a_reason(active, procurement):
    case = recommend(active)
    with pytest.raises(RuleViolation, match="reason: say why you confirm or override"):
        terminations.decide_termination(case, actor=procurement, confirm=True, reason=" ")
    case = terminations.decide_termination(case, actor=procurement, confirm=True, reason="Quality keeps failing.")
    assert (case.status, case.decided_by, case.decision_reason) == (TS.CONFIRMED, procurement, "Quality keeps failing.")
    with pytest.raises(RuleViolation, match=r"already decided \(Termination confirmed\)"):
        terminations.decide_termination(case, actor=procurement, confirm=False, reason="Changed my mind.")
    event = AuditEvent.objects.get(action="termination.confirmed")
    assert event.changes == {"status": [TS.RECOMMENDED, TS.CONFIRMED]} and event.reason == "Quality keeps failing."


def test_only_a_confirmed_termination_is_lifted_and_with_a_reason(active, procurement):
    case = recommend(active)
    with pytest.raises(RuleViolation, match="Only a confirmed termination can be lifted"):
        terminations.lift_termination(case, actor=procurement, reason="Early.")
    terminations.decide_termination(case, actor=procurement, confirm=True, reason="Confirmed.")
    with pytest.raises(RuleViolation, match="reason: say why cooperation resumes"):
        terminations.lift_termination(case, actor=procurement, reason="")
    case = terminations.lift_termination(case, actor=procurement, reason="New management passed a re-audit.")
    assert (case.status, case.lifted_by) == (TS.LIFTED, procurement)
    with pytest.raises(RuleViolation, match="Only a confirmed termination can be lifted"):
        terminations.lift_termination(case, actor=procurement, reason="Twice.")
    overridden = recommend(active, ref="rating:2027Q1")
    terminations.decide_termination(overridden, actor=procurement, confirm=False, reason="Keep.")
    with pytest.raises(RuleViolation, match="Only a confirmed termination can be lifted"):
        terminations.lift_termination(overridden, actor=procurement, reason="x")


def test_terminating_at_once_confirms_in_one_go(active, procurement):
    case = terminations.terminate_cooperation(
        active, actor=procurement, source="minerals", reason="Smelter supports an armed group.", ref="minerals_case:9"
    )
    assert case.status == TS.CONFIRMED and case.decided_by == procurement
    assert (
        terminations.terminate_cooperation(
            active, actor=procurement, source="minerals", reason="Again.", ref="minerals_case:9"
        ).pk
        == case.pk
    )


# ---------------------------------------------------------------- the can-order answer for ERPs


def test_can_order_says_no_with_the_reason_after_a_confirmed_termination_and_yes_after_it_is_lifted(
    client_for, active, procurement, viewer
):
    url = f"/api/suppliers/{active.pk}/can-order"
    client = client_for(viewer)
    assert client.get(url).json()["can_order"] is True
    case = recommend(active)
    assert client.get(url).json()["can_order"] is True  # a recommendation alone does not stop orders
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), tick=False):
        terminations.decide_termination(case, actor=procurement, confirm=True, reason="Grade D confirmed.")
    answer = client.get(url).json()
    assert answer["can_order"] is False
    assert answer["reasons"] == ["Termination of cooperation confirmed on 2026-10-05: Grade D in 2026 Q3."]
    terminations.lift_termination(case, actor=procurement, reason="Improved.")
    answer = client.get(url).json()
    assert (answer["can_order"], answer["reasons"]) == (True, [])
