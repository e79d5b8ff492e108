"""Suppliers answering one questionnaire at the same moment (PostgreSQL, two connections): a draft saved by one
does not wait for another supplier's save to commit, and closing the campaign waits for a save in flight.

On SQLite writers are serialised by the database lock, so there is nothing to show there; the tests run in
`make test`'s PostgreSQL pass."""

import threading

import pytest
from django.db import connection

from supplyesg.assessments import questionnaires
from supplyesg.assessments.models import QuestionnaireCampaign
from supplyesg.assessments.questionnaires import answers as answer_services
from supplyesg.core.errors import RuleViolation
from tests.assessments.factories_assessments import make_campaign, make_response, make_template
from tests.factories import make_user
from tests.minerals.test_lock_order import HeldUntil, finished_at, paused, run_both

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test"),
]


@pytest.fixture
def two_answering(supplier_a, supplier_b):
    campaign = make_campaign(make_template())
    return campaign, [
        (make_response(supplier, campaign), make_user("supplier", supplier=supplier, username=f"portal-{supplier.pk}"))
        for supplier in (supplier_a, supplier_b)
    ]


def test_two_suppliers_save_drafts_side_by_side(two_answering, monkeypatch):
    _campaign, [(first, first_user), (second, second_user)] = two_answering
    holding = threading.Event()
    # Held after the response is locked, in the first supplier's save, until the second save has returned.
    check = HeldUntil(answer_services._check_writer, holding)
    monkeypatch.setattr(answer_services, "_check_writer", check)
    outcomes = run_both(
        lambda: questionnaires.save_draft(first, {"MS-4": "800"}, actor=first_user),
        check.then_done(lambda: questionnaires.save_draft(second, {"MS-4": "650"}, actor=second_user)),
        holding,
    )
    assert not outcomes["first"].errors and not outcomes["second"].errors, outcomes
    assert check.released  # saved while the first supplier's save still held its response


def test_closing_waits_for_a_save_in_flight_then_refuses_answers(two_answering, compliance, monkeypatch):
    campaign, [(first, first_user), (second, second_user)] = two_answering
    holding = threading.Event()
    check = paused(answer_services._check_writer, holding, only_in="first")
    monkeypatch.setattr(answer_services, "_check_writer", check)
    outcomes = run_both(
        finished_at(lambda: questionnaires.save_draft(first, {"MS-4": "800"}, actor=first_user)),
        finished_at(lambda: questionnaires.close_campaign(campaign, actor=compliance)),
        holding,
    )
    (saved, _saved_at), (closed, closed_at) = outcomes["first"], outcomes["second"]
    assert not saved.errors and closed.status == QuestionnaireCampaign.Status.CLOSED
    assert check.resumed_at is not None and check.resumed_at <= closed_at  # the close waited for the save
    assert first.answers.get(question__code="MS-4").value == 800
    with pytest.raises(RuleViolation, match="not open"):
        questionnaires.save_draft(second, {"MS-4": "650"}, actor=second_user)
