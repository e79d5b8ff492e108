"""The work inbox: what waits for this user's role today, counted in the header, newest first, filterable."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from supplyesg.audits.models import CorrectiveAction
from supplyesg.core import inbox
from supplyesg.minerals.campaigns.models import SmelterReview, Submission
from supplyesg.suppliers.models import QualificationItem, TerminationCase
from tests.assessments.factories_assessments import make_campaign as make_questionnaire_campaign
from tests.assessments.factories_assessments import make_response
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_supplier
from tests.minerals.factories_minerals import make_campaign, make_request, make_submission
from tests.ratings.factories_ratings import make_rating

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def work(db, supplier_a):
    """One thing of every kind waiting, on supplier A and a second supplier."""
    supplier_a.status = "qualification"
    supplier_a.save()
    QualificationItem.objects.create(supplier=supplier_a, kind="business_licence", evidence_note="Licence attached")
    QualificationItem.objects.create(supplier=supplier_a, kind="labour")  # no evidence yet: not waiting for review
    other = make_supplier(legal_name="Gamma Copper Ltd.")
    TerminationCase.objects.create(supplier=other, source="manual", reason="Repeated fraud")
    make_rating(other, grade="D")
    audit = make_reported_audit(other, report_date=dt.date(2026, 1, 10), severities=("major", "minor"))
    actions = list(audit.corrective_actions.all())
    CorrectiveAction.objects.filter(pk=actions[1].pk).update(status=CorrectiveAction.Status.SUBMITTED)
    request = make_request(make_campaign(name="CMRT 2025"), other)
    make_submission(request, status=Submission.Status.VALID)
    SmelterReview.objects.create(metal="Tin", name="Unknown Tin Works")
    make_response(other, make_questionnaire_campaign(name="ESG 2026"), status="submitted", submitted_at=timezone.now())
    return {"other": other, "actions": actions}


def _counts(user):
    return {g.kind.key: g.count for g in inbox.collect(user, TODAY)}


def test_a_compliance_manager_sees_reviews_and_overdue_work_but_not_procurement_decisions(compliance, work):
    counts = _counts(compliance)
    assert counts["qualification_items"] == 1
    assert counts["ca_plans"] == 1
    assert counts["cmrt_submissions"] == 1
    assert counts["smelter_names"] == 1
    assert counts["questionnaire_responses"] == 1
    assert counts["ca_overdue"] == 2  # both plans were due in January
    assert "grade_decisions" not in counts and "terminations" not in counts


def test_procurement_sees_the_grade_and_termination_decisions(procurement, work):
    counts = _counts(procurement)
    assert counts["grade_decisions"] == 1 and counts["terminations"] == 1
    assert "qualification_items" not in counts and "ca_plans" not in counts


def test_a_viewer_sees_only_overdue_items(viewer, work):
    assert {inbox.Section.OVERDUE} == {g.kind.section for g in inbox.collect(viewer, TODAY)}


@time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC))
def test_the_inbox_page_lists_items_newest_first_and_filters_by_kind(client_for, compliance, work):
    client = client_for(compliance)
    html = client.get("/inbox/").content.decode()
    assert "Alpha Cable Co., Ltd.: Business licence" in html
    assert "Gamma Copper Ltd.: CMRT 2025" in html
    filtered = client.get("/inbox/", {"kind": "ca_plans"}).content.decode()
    assert "Gamma Copper Ltd.: Overtime above 60 hours a week" in filtered
    assert "CMRT 2025" not in filtered.split('id="inbox-items"')[1]


def test_the_header_count_is_the_total_of_the_users_kinds(client_for, procurement, work):
    html = client_for(procurement).get("/header-counts/").content.decode()
    total = sum(_counts(procurement).values())
    assert f'id="inbox-count" aria-label="{total} items waiting">{total}<' in html


def test_supplier_users_have_no_inbox_and_see_no_inbox_count(client_for, supplier_a_user, work):
    assert client_for(supplier_a_user).get("/inbox/").status_code == 404
    assert 'id="inbox-count"' not in client_for(supplier_a_user).get("/header-counts/").content.decode()


def test_the_inbox_costs_a_bounded_number_of_queries_however_much_waits(
    client_for, admin_user, work, django_assert_max_num_queries
):
    for i in range(20):
        supplier = make_supplier(legal_name=f"Late Supplier {i}")
        make_reported_audit(supplier, report_date=dt.date(2026, 1, 10))
        TerminationCase.objects.create(supplier=supplier, source="manual", reason="x")
        make_rating(supplier, grade="C")
    client = client_for(admin_user)
    with django_assert_max_num_queries(40):
        assert client.get("/inbox/").status_code == 200
    with django_assert_max_num_queries(21):  # one count per kind of work (reporting's overdue review actions: 21)
        assert client.get("/header-counts/").status_code == 200
