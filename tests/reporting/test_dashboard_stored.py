"""The reporting dashboard's stored figures (issue 19): they equal the live computation, are marked stale when data
they count changes, are refreshed by the worker, on request and by the command, and the page says when they were
computed. Today is 15 June 2026; the world has data in every panel for 2026 and some for 2025.

Personas: Carla (compliance) may refresh, Vic (viewer) only reads, Alice (supplier A's portal user) gets 404.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from supplyesg.assessments.risk.services import override_level
from supplyesg.core import derived
from supplyesg.core.models import AuditEvent, Job, PolicySettings
from supplyesg.minerals.aggregation import refresh_dashboard
from supplyesg.minerals.campaigns.models import SubmissionRequest
from supplyesg.reporting import dashboard, tasks
from supplyesg.reporting.dashboard import Filters
from supplyesg.reporting.models import DashboardResult
from supplyesg.reporting.services import dashboard as stored
from supplyesg.suppliers.models import SignedAgreement, Supplier
from tests.assessments.factories_assessments import make_campaign as make_questionnaire_campaign
from tests.assessments.factories_assessments import make_response
from tests.audits.factories_audits import make_reported_audit
from tests.engagement.factories_engagement import make_attendance, make_session
from tests.factories import make_agreement_type, make_category, make_grievance, make_supplier
from tests.minerals.factories_minerals import make_campaign as make_minerals_campaign
from tests.minerals.factories_minerals import make_dashboard_snapshot, make_request
from tests.ratings.factories_ratings import make_rating, make_risk

TODAY = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
URL = "/reporting/dashboard/"
REFRESH_URL = "/reporting/dashboard/refresh/"


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, frozen):
    """A (tier 1, China, pcb), B (tier 2, Malaysia), C (tier 1, China, qualified), D (prospect, no country), with
    figures in every panel."""
    pcb = make_category(code="pcb", name="Printed circuit boards")
    a = make_supplier(code="A", legal_name="Alpha", country="CN", tier=1, status=Supplier.Status.ACTIVE, categories=[pcb])
    b = make_supplier(code="B", legal_name="Beta", country="MY", tier=2, status=Supplier.Status.ACTIVE)
    c = make_supplier(code="C", legal_name="Gamma", country="CN", tier=1, status=Supplier.Status.QUALIFIED)
    make_supplier(code="D", legal_name="Delta", country="", tier=1)
    risk_a = make_risk(a, "low", year=2026)
    make_risk(b, "high", year=2026)
    make_risk(c, "medium", year=2026, override="high")
    make_risk(a, "medium", year=2025)
    make_rating(a, year=2026, quarter=2, grade="A")
    make_rating(b, year=2026, quarter=2, grade="D")
    make_rating(a, year=2025, quarter=4, grade="C")
    make_reported_audit(a, severities=("priority", "major", "minor"))
    make_reported_audit(b, severities=("major",))
    make_dashboard_snapshot(2026, ["conformant", "active", ""])
    minerals = make_minerals_campaign(reporting_year=2026, due_date=dt.date(2026, 5, 31))
    make_request(minerals, a, status=SubmissionRequest.Status.ACCEPTED)
    make_request(minerals, b, status=SubmissionRequest.Status.REQUESTED)
    saq = make_questionnaire_campaign(name="SAQ 2026", due_date=dt.date(2026, 4, 30))
    make_response(a, saq, status="submitted")
    make_response(c, saq, status="not_started")
    for _ in range(6):
        make_grievance()
    session = make_session(on=dt.date(2026, 3, 10))
    make_attendance(session, a, completed=True, hours=Decimal("2.5"))
    make_attendance(session, b, completed=True, hours=Decimal("3"))
    SignedAgreement.objects.create(
        supplier=a,
        agreement_type=make_agreement_type(),
        method="portal",
        version="1",
        text_hash="x",
        signer_name="S",
        signer_title="T",
    )
    return {"a": a, "b": b, "c": c, "risk_a": risk_a}


def shown(board) -> list:
    """What a reader sees of a dashboard: every panel's lines and detail rows, and every flag."""
    panels = [
        (p.key, p.title, p.description, p.svg, [(x.label, x.value_text, x.previous_text, x.change_text, x.url) for x in p.lines],
         p.detail.rows if p.detail else None, p.notes)
        for p in board.panels
    ]  # fmt: skip
    return [panels, [(f.key, f.text, f.count, f.url) for f in board.flags]]


def stored_board(filters):
    result = DashboardResult.objects.get(**stored.selection(filters))
    return dashboard.lay_out(filters, result.figures)


def store(filters) -> DashboardResult:
    result, _created = DashboardResult.objects.get_or_create(**stored.selection(filters))
    return stored.refresh_result(result)


# ---------------------------------------------------------------- stored equals live


@pytest.mark.parametrize(
    "filters",
    [Filters(year=2026), Filters(year=2026, tier=1, country="CN"), Filters(year=2026, category="pcb")],
    ids=["unfiltered", "tier-1-china", "category"],
)
def test_stored_figures_equal_the_live_computation(world, filters):
    store(filters)
    result = DashboardResult.objects.get(**stored.selection(filters))  # as read back from the database
    assert result.figures == dashboard.compute(filters, timezone.localdate())
    live = dashboard.build(filters, timezone.localdate())
    assert shown(stored_board(filters)) == shown(live)


def test_the_stored_dashboard_keeps_the_previous_years_comparison(world):
    store(Filters(year=2026))
    board = stored_board(Filters(year=2026))
    assert board.panel("risk").line("High").value == 2  # B, and C by its override
    assert board.panel("risk").line("Medium").previous == 1  # A in 2025
    assert board.panel("grades").line("C").previous == 1
    assert board.panel("training").line("Training hours").value == Decimal("5.5")
    assert board.panel("minerals").line("Smelters conformant").value == 1
    assert board.panel("grievances").line("Reports received").value == 6


# ---------------------------------------------------------------- staying current


def test_an_audited_change_marks_every_stored_result_stale_after_the_commit_and_the_worker_refreshes(
    world, compliance, django_capture_on_commit_callbacks
):
    unfiltered = store(Filters(year=2026))
    lately = store(Filters(year=2026, country="CN"))
    forgotten = store(Filters(year=2026, tier=2))
    DashboardResult.objects.filter(pk=forgotten.pk).update(viewed_at=timezone.now() - dt.timedelta(days=30))
    with django_capture_on_commit_callbacks() as committed:
        override_level(world["risk_a"], level="high", justification="Audit found forced overtime.", actor=compliance)
    assert not DashboardResult.objects.filter(stale=True).exists()  # nothing until the change commits
    with django_capture_on_commit_callbacks() as queued:
        for callback in committed:
            callback()
    assert DashboardResult.objects.filter(stale=True).count() == 3
    job = Job.objects.get(kind=stored.JOB_KIND)
    assert sorted(job.result["results"]) == sorted([unfiltered.pk, lately.pk])  # the forgotten one waits to be opened
    for callback in queued:  # the worker
        callback()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == 2 * len(dashboard.figures.PARTS)
    assert stored_board(Filters(year=2026)).panel("risk").line("High").value == 3  # A now too
    assert stored_board(Filters(year=2026, country="CN")).panel("risk").line("High").value == 2
    assert list(DashboardResult.objects.filter(stale=True).values_list("pk", flat=True)) == [forgotten.pk]


def test_a_risk_run_called_directly_marks_the_figures_stale_through_its_bulk_history_rows(
    world, compliance, django_capture_on_commit_callbacks
):
    """The set-based writers write their history rows in bulk (core.audit.record_rows), not one `record` each, and
    are still heard (the background jobs around them also record one summary event)."""
    from supplyesg.assessments.models import RiskAssessment
    from supplyesg.assessments.risk.services import assess_all

    RiskAssessment.objects.filter(year=2026).delete()  # every supplier gets its first 2026 level: a history row each
    store(Filters(year=2026))
    with django_capture_on_commit_callbacks() as committed:
        assess_all(2026, actor=compliance)
    assert AuditEvent.objects.filter(action="risk.assessed").exists()
    assert not DashboardResult.objects.filter(stale=True).exists()
    with django_capture_on_commit_callbacks():  # the refresh it queues is not run here
        for callback in committed:
            callback()
    assert DashboardResult.objects.get(**stored.selection(Filters(year=2026))).stale


def test_marking_already_stale_figures_costs_one_query_and_queues_nothing(world, django_assert_num_queries):
    store(Filters(year=2026))
    DashboardResult.objects.update(stale=True)
    with django_assert_num_queries(1):
        stored.figures_changed()
    assert not Job.objects.filter(kind=stored.JOB_KIND).exists()


def test_the_dashboard_depends_on_the_actions_of_the_data_it_counts_and_not_on_others():
    counted = (
        "risk.recomputed", "ratings.computed", "corrective_action.closed", "grievance.closed",
        "attendance.imported", "submission.accepted", "minerals.dashboard_refreshed", "supplier.approved",
        "submission.reassigned", "submission.returned",
    )  # fmt: skip
    for action in counted:
        assert derived.dependents_of(action) == ["reporting.dashboard"], action
    not_counted = (
        "user.language", "second_factor.added", "reporting.snapshot_taken", "corrective_action.reminded",
        "grievance.identity_requested", "grievance.identity_approved", "grievance.identity_viewed",
        "submission.company_name_confirmed",
    )  # fmt: skip
    for action in not_counted:
        assert derived.dependents_of(action) == [], action


def test_new_minerals_dashboard_figures_mark_the_reporting_figures_stale(world, django_capture_on_commit_callbacks):
    store(Filters(year=2026))
    with django_capture_on_commit_callbacks() as committed:
        refresh_dashboard(2026, None)
    with django_capture_on_commit_callbacks():  # the reporting refresh it queues is not run here
        for callback in committed:
            callback()
    assert DashboardResult.objects.get().stale


# ---------------------------------------------------------------- refreshing: task, button, command


def test_the_task_refreshes_the_results_its_job_names(world):
    result = DashboardResult.objects.create(year=2026)
    job = stored.queue_refresh([result.pk], actor=None)
    tasks.refresh_reporting_dashboard.enqueue(job.pk)  # the test settings run tasks at once
    result.refresh_from_db()
    assert result.computed_at == timezone.now() and not result.stale
    assert result.figures == dashboard.compute(Filters(year=2026), timezone.localdate())
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    tasks.refresh_reporting_dashboard.enqueue(job.pk)  # a finished job is left alone
    assert Job.objects.get(pk=job.pk).finished_at == job.finished_at


def test_compliance_refreshes_a_filtered_selection_and_sees_when_it_was_computed(
    client, compliance, world, frozen, django_capture_on_commit_callbacks
):
    client.force_login(compliance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REFRESH_URL, {"year": "2026", "tier": "1", "country": "CN"})
    assert response.status_code == 302 and response["Location"] == "/reporting/dashboard/?year=2026&tier=1&country=CN"
    event = AuditEvent.objects.get(action="reporting.dashboard_refresh_requested")
    assert event.actor == compliance
    assert stored_board(Filters(year=2026, tier=1, country="CN")).panel("risk").line("High").value == 1  # C
    frozen.shift(dt.timedelta(minutes=5))
    html = client.get(response["Location"]).content.decode()
    assert "Figures computed at 2026-06-15 09:00." in html
    assert 'id="panel-risk"' in html and "Being updated" not in html


def test_the_first_visit_says_the_figures_are_being_computed_and_shows_the_progress(client, viewer, world):
    client.force_login(viewer)
    html = client.get(URL, {"year": "2026"}).content.decode()
    job = Job.objects.get(kind=stored.JOB_KIND)
    assert "The figures of this selection are being computed for the first time." in html
    assert f'hx-get="/jobs/{job.pk}/"' in html or f"/jobs/{job.pk}/" in html
    assert 'id="panel-risk"' not in html
    assert client.get(URL, {"year": "2026"}) and Job.objects.filter(kind=stored.JOB_KIND).count() == 1  # not twice


def test_figures_of_an_earlier_day_or_policy_are_shown_as_being_updated(client, viewer, world, frozen):
    store(Filters(year=2026))
    client.force_login(viewer)
    html = client.get(URL).content.decode()
    assert "Figures computed at" in html and "Being updated" not in html
    assert not Job.objects.exists()
    frozen.shift(dt.timedelta(days=1))  # "overdue today" was about yesterday
    client.force_login(viewer)  # a new session: the last one timed out overnight
    html = client.get(URL).content.decode()
    assert "Being updated" in html and 'id="panel-risk"' in html  # yesterday's figures stay on screen, labelled
    assert Job.objects.filter(kind=stored.JOB_KIND).count() == 1
    store(Filters(year=2026))
    policy = PolicySettings.current()
    policy.grievance_review_min_cell = 2
    policy.save()
    assert "Being updated" in client.get(URL).content.decode()


def test_the_command_refreshes_the_years_stored_dashboards(world):
    DashboardResult.objects.create(year=2026, country="CN")
    DashboardResult.objects.create(year=2025)
    out = io.StringIO()
    call_command("refresh_reporting_dashboard", "--year", "2026", stdout=out)
    assert out.getvalue().splitlines() == [
        "2026 (all suppliers): computed at 2026-06-15 09:00:00 UTC",
        "2026 (country CN): computed at 2026-06-15 09:00:00 UTC",
    ]
    assert DashboardResult.objects.get(year=2026, country="").figures == dashboard.compute(
        Filters(year=2026), timezone.localdate()
    )
    assert DashboardResult.objects.get(year=2025).computed_at is None  # another year: untouched
    with pytest.raises(CommandError, match="year: choose a year from 2000 to 2027"):
        call_command("refresh_reporting_dashboard", "--year", "1999")


# ---------------------------------------------------------------- who may


def test_the_viewer_reads_but_cannot_refresh(client, viewer, world):
    client.force_login(viewer)
    assert "Refresh the figures" not in client.get(URL).content.decode()
    jobs = Job.objects.count()
    assert client.post(REFRESH_URL, {"year": "2026"}).status_code == 403
    assert Job.objects.count() == jobs and not AuditEvent.objects.filter(action__startswith="reporting.").exists()


def test_a_bad_refresh_request_names_the_filter(client, compliance, world):
    client.force_login(compliance)
    response = client.post(REFRESH_URL, {"year": "2026", "tier": "9"})
    assert response.status_code == 400 and "Tier: choose 1, 2 or 3." in response.content.decode()
    assert not Job.objects.filter(kind=stored.JOB_KIND).exists()


def test_supplier_users_get_404_and_anonymous_visitors_the_login_page(client, supplier_a_user, world):
    for url, send in ((URL, client.get), (REFRESH_URL, client.post)):
        response = send(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(supplier_a_user)
    assert client.get(URL).status_code == 404
    assert client.post(REFRESH_URL, {"year": "2026"}).status_code == 404
    assert not DashboardResult.objects.exists()
