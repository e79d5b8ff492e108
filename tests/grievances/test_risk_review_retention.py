from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from supplyesg.assessments.risk.inputs import input_provider
from supplyesg.assessments.risk.rules import grievance_risk
from supplyesg.grievances import stats
from supplyesg.grievances.models import DeletionLog, Message, Report
from supplyesg.grievances.review import effectiveness_review
from supplyesg.grievances.services import cases
from tests.factories import make_grievance

pytestmark = pytest.mark.django_db


def test_open_and_substantiated_cases_linked_to_a_supplier_raise_its_grievance_risk(handler, supplier_a, supplier_b):
    provider = input_provider("grievances")
    assert provider([supplier_a.pk], 2026) == {}
    assert grievance_risk(provider([supplier_a.pk], 2026).get(supplier_a.pk)).risk is None
    with time_machine.travel(date(2026, 2, 1)):
        open_case, _r = make_grievance()
        closed_case, _r = make_grievance()
        for report in (open_case, closed_case):
            cases.link_report(actor=handler, report=report, topic="wages_hours", country="CN", severe=False, supplier=supplier_a)
        cases.close_report(actor=handler, report=closed_case, reason="substantiated", measure="remedy", text="Back pay agreed.")
    inputs = provider([supplier_a.pk, supplier_b.pk], 2026)
    assert set(inputs) == {supplier_a.pk}
    assert (inputs[supplier_a.pk].open_count, inputs[supplier_a.pk].severe_count) == (1, 1)
    assert grievance_risk(inputs[supplier_a.pk]).risk > 0


def test_the_effectiveness_review_suppresses_small_cells_and_shows_no_content(handler):
    with time_machine.travel(date(2026, 4, 1)):
        for _ in range(5):
            make_grievance(topic="wages_hours")
        make_grievance(topic="child_labour", description="A 14-year-old named Mei works nights.")
    review = effectiveness_review(2026)
    by_topic = dict(next(t for t in review.tables if t.title == "By topic").rows)
    assert by_topic["Wages and working hours"] == "5"
    assert by_topic["Child labour"] == "<5"
    assert review.total == "6"
    page = Client()
    page.force_login(handler)
    html = page.get("/grievances/review/?year=2026").content.decode()
    assert "&lt;5" in html and "Mei" not in html


def test_durations_give_median_and_p90_and_hide_small_groups():
    assert stats.durations([1, 2, 3, 4, 10], 5) == stats.Durations(5, 3, 10, False)
    assert stats.durations([1, 2], 5).suppressed


def test_purge_deletes_past_retention_destroys_the_key_and_keeps_a_content_free_log(handler):
    with time_machine.travel(date(2020, 1, 6)):
        old, _r = make_grievance(description="The canteen manager takes bribes.")
        cases.close_report(actor=handler, report=old, reason="not_substantiated", text="We found no evidence.")
        kept, _r = make_grievance()
    with time_machine.travel(date(2026, 1, 6)):
        call_command("purge_grievances")
    assert list(Report.objects.all()) == [kept]
    assert Message.objects.filter(report_id=old.pk).count() == 0
    entry = DeletionLog.objects.get()
    assert (entry.reference, entry.closure_reason, entry.why) == (str(old), "not_substantiated", "retention")
    assert "bribes" not in repr(DeletionLog.objects.values().get())


def test_a_substantiated_grievance_raises_the_suppliers_risk_assessment(handler, supplier_a):
    from supplyesg.assessments.risk.services import assess_supplier

    with time_machine.travel(date(2026, 3, 2)):
        before = assess_supplier(supplier_a, year=2026, actor=handler)
        report, _r = make_grievance()
        cases.link_report(actor=handler, report=report, topic="forced_labour", country="CN", severe=True, supplier=supplier_a)
        cases.close_report(actor=handler, report=report, reason="substantiated", measure="suspension", text="Confirmed.")
        after = assess_supplier(supplier_a, year=2026, actor=handler)
    assert after.overall_score > before.overall_score
    factor = next(item for item in after.explanation if item["factor"] == "grievances")
    assert factor["input"] is not None
