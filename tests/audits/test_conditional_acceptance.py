"""ESG manual, medium risk: "Conditionally accepted". A medium audit result flags the supplier, visibly on its page
and as a filter of the supplier list, until every improvement plan of that audit is accepted."""

import datetime as dt
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from supplyesg.audits.models import CorrectiveAction
from supplyesg.suppliers import queries
from tests.audits.factories_audits import make_reported_audit

pytestmark = pytest.mark.django_db
S = CorrectiveAction.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    ("level", "statuses", "later", "flagged"),
    [
        ("medium", (S.AWAITING_PLAN,), None, True),
        ("medium", (S.APPROVED, S.SUBMITTED), None, True),  # a plan submitted is not yet accepted
        ("medium", (S.APPROVED, S.COMPLETED), None, False),  # every plan accepted: the flag ends
        ("high", (S.AWAITING_PLAN,), None, False),
        ("low", (S.AWAITING_PLAN,), None, False),
        ("medium", (S.AWAITING_PLAN,), "low", False),  # a later audit gives another result
    ],
)
def test_esg_manual_a_medium_audit_result_makes_the_supplier_conditionally_accepted_until_its_plan_is_accepted(
    supplier_a, level, statuses, later, flagged
):
    severities = ("minor",) * len(statuses)
    audit = make_reported_audit(supplier_a, report_date=date(2026, 3, 10), result_level=level, severities=severities)
    for action, status in zip(audit.corrective_actions.order_by("pk"), statuses, strict=True):
        CorrectiveAction.objects.filter(pk=action.pk).update(status=status)
    if later:
        make_reported_audit(supplier_a, report_date=date(2026, 4, 20), result_level=later, severities=())
    assert (queries.conditional_acceptance(supplier_a) is not None) is flagged


def test_the_supplier_list_filters_and_marks_conditionally_accepted_suppliers(client_for, viewer, supplier_a, supplier_b):
    make_reported_audit(supplier_a, report_date=date(2026, 3, 10), result_level="medium")
    make_reported_audit(supplier_b, report_date=date(2026, 3, 10), result_level="low", severities=())
    everyone = client_for(viewer).get(reverse("suppliers:list"))
    assert {s.pk for s in everyone.context["page"]} == {supplier_a.pk, supplier_b.pk}
    assert everyone.content.decode().count("conditional-acceptance") == 1
    flagged = client_for(viewer).get(reverse("suppliers:list"), {"conditional": "yes"})
    assert [s.pk for s in flagged.context["page"]] == [supplier_a.pk]


def test_the_supplier_page_shows_the_flag_with_the_plan_date(client_for, viewer, supplier_a, supplier_b):
    make_reported_audit(supplier_a, report_date=date(2026, 3, 10), result_level="medium")
    html = client_for(viewer).get(reverse("suppliers:detail", args=[supplier_a.pk])).content.decode()
    assert 'id="conditional-acceptance"' in html and "Conditionally accepted" in html
    other = client_for(viewer).get(reverse("suppliers:detail", args=[supplier_b.pk])).content.decode()
    assert 'id="conditional-acceptance"' not in other
