"""Two auditors recording verdicts at the same moment in two audits whose checklists share a catalogue requirement
(PostgreSQL, two connections): neither waits for the other's commit.

On SQLite writers are serialised by the database lock, so there is nothing to show there; the test runs in
`make test`'s PostgreSQL pass."""

import threading
from datetime import date
from unittest import mock

import pytest
from django.db import connection

from supplyesg.audits.models import ChecklistItem
from supplyesg.audits.services import conduct
from tests.assessments.factories_assessments import make_requirement
from tests.audits.factories_audits import make_audit
from tests.factories import make_supplier, make_user
from tests.minerals.test_lock_order import HeldUntil, run_both

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test"),
]
V = ChecklistItem.Verdict


def test_verdicts_on_one_requirement_in_two_audits_are_recorded_side_by_side(auditor):
    make_requirement(code="RBA-A3", risk_category="labour", title="Working hours")
    other_auditor = make_user("auditor", username="otto-auditor")
    items = []
    for n, lead in enumerate((auditor, other_auditor)):
        audit = make_audit(make_supplier(legal_name=f"Shared Requirement Works {n} Ltd."), lead_auditor=lead)
        conduct.start_audit(audit, actor=lead, on=date(2026, 3, 2))
        items.append((audit.checklist.get(requirement__code="RBA-A3"), lead))
    (first, first_lead), (second, second_lead) = items
    holding = threading.Event()
    # The first verdict is held after its item is saved (its locks taken) until the second verdict has returned.
    record = HeldUntil(conduct.trail.record, holding)
    with mock.patch.object(conduct.trail, "record", record):
        outcomes = run_both(
            lambda: conduct.record_verdict(first, actor=first_lead, verdict=V.CONFORMING),
            record.then_done(lambda: conduct.record_verdict(second, actor=second_lead, verdict=V.NONCONFORMING)),
            holding,
        )
    assert isinstance(outcomes["first"], ChecklistItem) and isinstance(outcomes["second"], ChecklistItem), outcomes
    assert record.released  # the second auditor's verdict did not wait for the first one's commit
    assert ChecklistItem.objects.get(pk=first.pk).verdict == V.CONFORMING
    assert ChecklistItem.objects.get(pk=second.pk).verdict == V.NONCONFORMING
