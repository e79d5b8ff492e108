"""`supplyesg generate_scale_data` at a tiny size: what each app's generator writes, and that a second run
writes nothing twice."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from supplyesg.assessments.models import Answer, QuestionnaireCampaign, Response, RiskAssessment
from supplyesg.assessments.risk.queries import NOT_ASSESSED_STATUSES, current_levels
from supplyesg.core.models import AuditEvent
from supplyesg.core.scale import scale_generators
from supplyesg.ratings.models import BusinessScore, Rating
from supplyesg.reporting.models import DashboardResult
from supplyesg.suppliers.models import Contact, Document, Site, Supplier

SUPPLIERS = 30


@pytest.fixture
def generated(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), tick=False):
        out = StringIO()
        call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=0, year=2026, stdout=out)
        yield out.getvalue()


def scale_suppliers():
    return Supplier.objects.filter(code__startswith="SC2026-")


def test_the_apps_register_their_generators_in_the_agreed_order():
    keys = [key for key, _fn in scale_generators()]
    assert keys[:3] == ["suppliers", "assessments", "ratings"]


def test_it_writes_the_suppliers_with_sites_contacts_categories_and_history(generated):
    suppliers = scale_suppliers()
    assert suppliers.count() == SUPPLIERS
    assert Site.objects.filter(supplier__in=suppliers).values("supplier").distinct().count() == SUPPLIERS
    assert Contact.objects.filter(supplier__in=suppliers, is_primary=True).count() == SUPPLIERS
    assert not suppliers.filter(categories__isnull=True).exists()
    assert AuditEvent.objects.filter(action="supplier.created", supplier__in=suppliers).count() == SUPPLIERS
    assert Document.objects.filter(supplier__in=suppliers).exists()
    assert "suppliers: 30/30 suppliers" in generated


def test_it_asks_the_approved_suppliers_and_stores_scored_answers(generated):
    campaign = QuestionnaireCampaign.objects.get(name="Scale self-assessment 2026")
    approved = scale_suppliers().approved()
    assert campaign.responses.count() == approved.count() > 0
    answered = campaign.responses.filter(status__in=[Response.Status.ACCEPTED, Response.Status.SUBMITTED])
    assert answered.exists()
    for response in answered:
        assert response.scores["overall"] is not None
        assert Answer.objects.filter(response=response).exists()


def test_every_assessed_supplier_has_its_years_risk_level_on_the_list(generated):
    assessed = scale_suppliers().exclude(status__in=NOT_ASSESSED_STATUSES)
    assert RiskAssessment.objects.current().for_year(2026).count() == assessed.count()
    levels = current_levels(assessed.values_list("pk", flat=True))
    assert {s.pk: s.summary.risk_level for s in assessed.select_related("summary")} == levels
    assert not scale_suppliers().filter(status__in=NOT_ASSESSED_STATUSES, summary__risk_level__isnull=False).exists()


def test_it_imports_business_scores_and_rates_the_two_latest_quarters(generated):
    approved = scale_suppliers().approved().count()
    for quarter in (3, 4):
        assert BusinessScore.objects.for_quarter(2026, quarter).count() == approved
        assert Rating.objects.for_quarter(2026, quarter).count() == approved
    latest = dict(Rating.objects.for_quarter(2026, 4).values_list("supplier_id", "grade"))
    assert {s.pk: s.summary.latest_grade for s in scale_suppliers().approved().select_related("summary")} == latest


def test_more_suppliers_than_one_import_file_takes_are_scored_in_several_files(db, tmp_path, settings, monkeypatch):
    """The ERP import refuses a file over its MAX_ROWS (20,000 rows): 100,000 suppliers are scored in five files. Here
    the limit is 7 rows, and a run stopped after the first file's import imports only the rest when run again."""
    from supplyesg.ratings import importing, scale

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(scale, "MAX_ROWS", 7)
    real_import, files = importing.import_business_scores, []

    def one_file_then_stop(upload, **kwargs):
        files.append(upload.read().decode().count("\n") - 1)
        upload.seek(0)
        if len(files) == 2:
            raise RuntimeError("stopped")
        return real_import(upload, **kwargs)

    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), tick=False):
        monkeypatch.setattr(scale, "import_business_scores", one_file_then_stop)
        with pytest.raises(RuntimeError):
            call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=0, year=2026, stdout=StringIO())
        approved = scale_suppliers().approved().count()
        assert approved > 14 and files == [7, 7]
        assert BusinessScore.objects.for_quarter(2026, 3).count() == 7
        monkeypatch.setattr(scale, "import_business_scores", real_import)
        call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=0, year=2026, stdout=StringIO())
    for quarter in (3, 4):
        assert BusinessScore.objects.for_quarter(2026, quarter).count() == approved
        assert Rating.objects.for_quarter(2026, quarter).count() == approved


def test_running_it_again_writes_nothing_twice(generated):
    counts = (Supplier.objects.count(), Response.objects.count(), RiskAssessment.objects.count(), Rating.objects.count())
    with time_machine.travel(dt.datetime(2026, 10, 5, 10, tzinfo=dt.UTC), tick=False):
        out = StringIO()
        call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=0, year=2026, stdout=out)
    assert (Supplier.objects.count(), Response.objects.count(), RiskAssessment.objects.count(), Rating.objects.count()) == counts
    assert "already exist; skipped" in out.getvalue()


def test_with_debug_on_it_does_not_keep_every_statement_it_ran(db, tmp_path, settings):
    """DEBUG keeps the last 9,000 statements with their values; the generator clears them at each progress line, so
    memory does not grow with the data set (3.7 GB at 100,000 suppliers before)."""
    from django.db import connection, reset_queries

    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    reset_queries()
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), tick=False):
        call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=0, year=2026, stdout=StringIO())
    assert connection.queries_logged
    assert Supplier.objects.filter(code__startswith="SC2026-").count() == SUPPLIERS  # it ran (hundreds of statements)
    assert len(connection.queries_log) < 100, len(connection.queries_log)


def test_between_transactions_it_starts_a_new_connection_at_each_progress_line(db, tmp_path, settings, monkeypatch):
    """The database driver's compiled statements (sqlite3 keeps 128, psycopg its prepared ones) go with the connection:
    a bulk write's are large and mostly distinct, and 20,000 suppliers held 758 MB of them on SQLite (397 MB with a
    cache of 8). Inside a transaction the connection is kept.

    The command's view of the connection is a stand-in here: this test runs inside a test transaction (a test
    outside one empties the database, the migrations' rows with it, for the tests after it in the process), while
    the generators write through the real connection."""
    from types import SimpleNamespace

    from supplyesg.core.management.commands import generate_scale_data as command

    settings.MEDIA_ROOT = tmp_path
    seen = SimpleNamespace(in_atomic_block=False, closed=0)
    seen.close = lambda: setattr(seen, "closed", seen.closed + 1)
    monkeypatch.setattr(command, "connection", seen)
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), tick=False):
        call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=0, year=2026, stdout=out)
    progress_lines = [line for line in out.getvalue().splitlines() if line.startswith("  ") and "done in" not in line]
    assert seen.closed == len(progress_lines) > 3
    assert scale_suppliers().count() == SUPPLIERS

    seen.in_atomic_block, seen.closed = True, 0  # inside a transaction: kept
    call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=0, year=2026, stdout=StringIO())
    assert seen.closed == 0


@pytest.mark.parametrize("arguments", [{"suppliers": 0}, {"year": 1999}])
def test_it_refuses_impossible_sizes_and_years(db, arguments):
    with pytest.raises(CommandError):
        call_command("generate_scale_data", **{"suppliers": 5, "submissions": 0, **arguments}, stdout=StringIO())


def test_it_ends_with_the_reporting_dashboards_figures_of_the_year(generated):
    result = DashboardResult.objects.unfiltered().get(year=2026)
    assert not result.stale and result.figures["risk"]["now"] == {
        level: RiskAssessment.objects.current().for_year(2026).filter(computed_level=level, override_level="").count()
        for level in ("high", "medium", "low")
    }
    assert "reporting dashboard figures stored" in generated
