"""The demo audits, corrective actions, ratings and minerals risk cases (`supplyesg load_demo_programme`)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from supplyesg.audits.models import Audit, CorrectiveAction, Finding
from supplyesg.core.models import AuditEvent, User
from supplyesg.engagement.models import RequiredTraining
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.ratings.models import BusinessScore, Rating
from supplyesg.ratings.quarters import Quarter
from supplyesg.suppliers.models import Supplier, TerminationCase
from supplyesg.suppliers.services.compliance import can_order_many

A, CA = Audit.Status, CorrectiveAction.Status


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def snapshot() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Audit,
            Finding,
            CorrectiveAction,
            RequiredTraining,
            BusinessScore,
            Rating,
            RiskCase,
            TerminationCase,
            AuditEvent,
        )
    )


def test_it_is_refused_outside_demo_mode_without_force(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        run("load_demo_programme")
    assert not Audit.objects.exists()


def test_it_asks_for_the_demo_suppliers_first(db, settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="load_demo"):
        run("load_demo_programme")
    assert not Audit.objects.exists() and not Rating.objects.exists()


def test_the_demo_fills_audits_corrective_actions_ratings_and_risk_cases_once(db, settings, client_for):
    settings.DEMO_MODE = True
    run("load_demo")
    run("load_assessment_reference")
    today = timezone.localdate()
    run("recompute_risk", year=today.year)
    settings.DEMO_MODE = False  # --force loads outside demo mode
    output = run("load_demo_programme", force=True)
    assert "Demo audits and ratings loaded" in output

    # the programme: audits in every state, reported ones of every kind, a third-party RBA VAP report uploaded
    assert set(Audit.objects.values_list("status", flat=True)) == set(A.values)
    reported = Audit.objects.reported()
    assert reported.count() >= 25
    assert set(reported.values_list("kind", flat=True)) == set(Audit.Kind.values)
    assert set(reported.values_list("result_level", flat=True)) == {"low", "medium", "high"}
    vap = reported.get(kind=Audit.Kind.THIRD_PARTY)
    assert vap.scheme == Audit.Scheme.RBA_VAP and vap.audit_firm and vap.report_file.read().startswith(b"%PDF-")
    assert reported.filter(report_date__lt=today).count() == reported.count()
    assert Audit.objects.filter(reason=Audit.Reason.FOLLOW_UP, status=A.PLANNED).exists()

    # corrective actions in every state, some overdue and escalated by the clock job, the rest running
    actions = CorrectiveAction.objects.all()
    assert set(actions.values_list("status", flat=True)) == set(CA.values)
    assert actions.overdue(today).exists() and actions.filter(plan_escalated_on=today).exists()
    assert actions.filter(status=CA.AWAITING_PLAN, plan_due__gte=today).exists()
    assert AuditEvent.objects.filter(action="audit.improvement_plan_overdue").count() == 2
    assert set(RequiredTraining.objects.values_list("status", flat=True)) == {"assigned", "completed"}

    # supplier A has actions to answer in the portal: one awaiting its plan, one rejected with a reason
    portal_user = User.objects.get(username="supplier-a")
    own = CorrectiveAction.objects.for_supplier(portal_user.supplier_id)
    assert own.filter(status=CA.AWAITING_PLAN).exists()
    rejected = own.get(status=CA.REJECTED)
    assert rejected.review_comment and rejected.submitted_by == portal_user
    page = client_for(portal_user).get(reverse("audits_portal:list"))
    assert page.status_code == 200 and f"CAP #{rejected.pk}" in page.content.decode()

    # ratings: four quarters, every grade this quarter, procurement's decisions
    quarters = {(r["year"], r["quarter"]) for r in Rating.objects.values("year", "quarter")}
    current = Quarter.of(today)
    assert len(quarters) == 4 and (current.year, current.quarter) in quarters
    this_quarter = Rating.objects.for_quarter(current.year, current.quarter)
    assert set(this_quarter.values_list("grade", flat=True)) == {"A", "B", "C", "D"}
    decided = {(r.grade, r.decision_status, r.decided_action) for r in this_quarter.exclude(decision_status="pending")}
    assert decided == {
        ("A", "confirmed", "increase"),
        ("C", "overridden", "maintain"),
        ("C", "confirmed", "corrective"),
        ("D", "confirmed", "terminate"),
    }
    # AIKO grade C: the confirmed C opened an improvement action with an owner, a due date and a training
    improvement = this_quarter.get(grade="C", decision_status="confirmed").improvement_action
    assert improvement.owner and improvement.due_date > today and improvement.training is not None
    assert this_quarter.get(grade="C", decision_status="overridden").decision_reason
    assert this_quarter.filter(grade="D", decision_status="pending").exists()

    # the confirmed D ends cooperation: can-order says no
    ended = TerminationCase.objects.in_force().get()
    assert ended.source == TerminationCase.Source.RATING
    answer = can_order_many([ended.supplier])[0]
    assert not answer.can_order and "Termination of cooperation confirmed" in " ".join(answer.reasons)

    # minerals risk cases: a plan awaiting its review, a suspension with a revised plan, a termination to decide
    cases = {case.risk_type: case for case in RiskCase.objects.select_related("supplier")}
    assert cases["security_forces"].status == "plan" and cases["security_forces"].review_due <= today
    bribery = cases["bribery_fraud"]
    assert bribery.status == "suspended" and bribery.targets and bribery.plan_revision == 2
    assert bribery.supplier.status == Supplier.Status.SUSPENDED and bribery.suspended_until > today
    assert cases["serious_abuses"].status == "terminated"
    assert (
        TerminationCase.objects.pending()
        .filter(source=TerminationCase.Source.MINERALS, supplier=cases["serious_abuses"].supplier)
        .exists()
    )

    # a second run changes nothing
    counts = snapshot()
    assert "already loaded" in run("load_demo_programme", force=True)
    assert snapshot() == counts
