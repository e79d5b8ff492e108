"""The reporting dashboard's stored figures: the worker computes them, the page reads them.

Computing the dashboard takes about 45 aggregate queries (one to two seconds at 100,000 suppliers); the page reads
one stored row instead, whatever the number of suppliers. The rules that keep the stored figures honest:

- One `DashboardResult` per year and filter selection. The unfiltered dashboard of a year and any filtered one are
  stored alike: the first time anyone opens a selection, its figures are computed by the worker while the page
  says so and shows the progress (no figures are ever guessed).
- Figures are current only when computed for today (overdue counts and agreements in force are as of a day),
  under the policy settings in force, and not marked stale. Otherwise the page shows them with the time they
  were computed and that they are being updated, and a refresh is queued if none is.
- When data the dashboard counts changes (an audited write of risk, ratings, audits and corrective actions,
  questionnaires, minerals declarations, grievances, training, suppliers or traceability, or the worker storing
  new minerals dashboard figures), `figures_changed` runs once after the commit: every stored result is marked
  stale in one UPDATE, and one job refreshes the unfiltered results and those opened lately.
- A compliance manager (Cap.REVIEW) may ask for a refresh at any time (`request_refresh`, audited).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core import jobs as job_queue
from supplyesg.core.models import Job, PolicySettings
from supplyesg.core.services import job_progress, start_job
from supplyesg.reporting.dashboard.figures import PARTS, VERSION, compute
from supplyesg.reporting.dashboard.filters import Filters
from supplyesg.reporting.models import DashboardResult

JOB_KIND = "reporting_dashboard"
# After a change, the worker refreshes on its own the filtered dashboards opened within this time; older ones wait
# (stale, and saying so) until someone opens them. Bounded work per change, whatever filters were ever tried.
RECENTLY_OPENED = timedelta(days=14)
# The page notes when a selection was opened at most this often (not a write per page view).
OPENED_GRANULARITY = timedelta(hours=1)
# The audit actions (prefixes) whose data the dashboard counts (see core.derived).
DEPENDS_ON = (
    "risk.",  # risk recomputed, level overridden
    "rating.",
    "ratings.",
    "audit.",
    "corrective_action.",
    "questionnaire_campaign.",
    "questionnaire_response.",
    "campaign.",  # minerals campaigns
    "submission.",
    "submission_request.",
    "minerals.dashboard_refreshed",  # the smelter figures the minerals worker stores
    "grievance.",
    "training",  # training.*, training_campaign.*, training_invitation.*, training_feedback.*
    "session.",
    "attendance.",
    "cascade_report.",
    "supplier.",
    "category.",
    "agreement.",
    "suspension.",
    "termination.",
    "trace.",
)
# Of those, the actions that change nothing the dashboard counts: the daily reminder runs stay as cheap as before, and
# a handler asking for, being granted or reading a reporter's identity (an audited reading, grievances/services/cases.py)
# does not queue a refresh of every stored dashboard (bench/every_page.py found one per identity page view). Confirming
# that a declaration's company name is its supplier's changes only the name finding, which the dashboard does not count
# (a reassignment, which moves the file, still counts): no check after each confirmation's commit.
IGNORED = (".reminded", ".identity_requested", ".identity_approved", ".identity_viewed", ".company_name_confirmed")


def selection(filters: Filters) -> dict:
    return {"year": filters.year, "tier": filters.tier or 0, "country": filters.country, "category": filters.category}


def filters_of(result: DashboardResult) -> Filters:
    return Filters(year=result.year, tier=result.tier or None, country=result.country, category=result.category)


def page_url(filters: Filters) -> str:
    query = {k: v for k, v in selection(filters).items() if v}
    return f"{reverse('reporting:dashboard')}?{urlencode(query)}"


# ---------------------------------------------------------------- reading


def has_figures(result: DashboardResult) -> bool:
    """Figures the page can lay out (computed once, in the current shape)."""
    return result.computed_at is not None and (result.figures or {}).get("version") == VERSION


def is_current(result: DashboardResult, *, today: date, policy: PolicySettings) -> bool:
    figures = result.figures or {}
    return (
        has_figures(result)
        and not result.stale
        and figures.get("today") == today.isoformat()
        and figures.get("policy") == policy.updated_at.isoformat()
    )


def is_refreshing(result: DashboardResult) -> bool:
    return result.job is not None and result.job.status in (Job.Status.QUEUED, Job.Status.RUNNING)


def open_dashboard(filters: Filters, *, today: date, policy: PolicySettings) -> DashboardResult:
    """The stored result the page shows for these filters (created the first time anyone asks). When its figures are
    not current and no refresh is queued or running, one is queued. One query when the figures are current."""
    result = DashboardResult.objects.select_related("job").filter(**selection(filters)).first()
    now = timezone.now()
    if result is not None and now - result.viewed_at <= OPENED_GRANULARITY and is_current(result, today=today, policy=policy):
        return result
    with transaction.atomic():
        if result is None:
            result, _created = DashboardResult.objects.select_related("job").get_or_create(**selection(filters))
        if now - result.viewed_at > OPENED_GRANULARITY:
            DashboardResult.objects.filter(pk=result.pk).update(viewed_at=now)
        if not is_current(result, today=today, policy=policy) and not is_refreshing(result):
            result.job = queue_refresh([result.pk], actor=None, next_url=page_url(filters))
    return result


# ---------------------------------------------------------------- refreshing


def queue_refresh(result_ids: Iterable[int], *, actor, next_url: str = "") -> Job:
    """One job refreshing these results, queued on commit; the results point at it so their pages show its progress."""
    ids = sorted(set(result_ids))
    job = start_job(kind=JOB_KIND, total=len(ids) * len(PARTS), actor=actor)
    job.result = {"results": ids, "next_url": next_url}
    job.save(update_fields=["result"])
    DashboardResult.objects.filter(pk__in=ids).update(job=job)
    job_queue.enqueue_on_commit(job)
    return job


@transaction.atomic
def request_refresh(filters: Filters, *, actor) -> tuple[DashboardResult, Job]:
    """A person asks for the figures of this selection to be computed again now (audited). While a refresh of it is
    queued or running, that one is returned instead of queueing another."""
    result, _created = DashboardResult.objects.select_for_update().get_or_create(**selection(filters))
    job = Job.objects.filter(pk=result.job_id).first() if result.job_id else None
    if job is not None and job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
        return result, job
    job = queue_refresh([result.pk], actor=actor, next_url=page_url(filters))
    audit.record(
        actor=actor,
        action="reporting.dashboard_refresh_requested",
        target=result,
        changes={"job": [None, job.pk]},
    )
    return result, job


def refresh_result(result: DashboardResult, *, today: date | None = None, on_step=None) -> DashboardResult:
    """Compute and store one result's figures (what the worker and the command run; no transaction is held while
    computing). The stale mark is cleared before computing, so a change committed meanwhile marks it again."""
    DashboardResult.objects.filter(pk=result.pk).update(stale=False)
    figures = compute(filters_of(result), today or timezone.localdate(), on_step=on_step)
    computed_at = timezone.now()
    DashboardResult.objects.filter(pk=result.pk).update(figures=figures, computed_at=computed_at)
    result.figures, result.computed_at, result.stale = figures, computed_at, False
    return result


def run_refresh_job(job_id: int) -> int | None:
    """What the background task runs: refresh the job's results, one progress step per part of the figures.
    Idempotent: a finished job is left alone; a failed or interrupted one computes its results again."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status == Job.Status.DONE:
        return None
    results = list(DashboardResult.objects.filter(pk__in=(job.result or {}).get("results") or ()))
    job_progress(job_id, status=Job.Status.RUNNING, done=0, total=len(results) * len(PARTS))
    try:
        for result in results:
            refresh_result(result, on_step=lambda: job_progress(job_id, advance=1))
    except Exception as exc:
        job_progress(job_id, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    job_progress(job_id, status=Job.Status.DONE, message=_("Dashboard figures computed."))
    return len(results)


def refresh_stored(year: int | None = None, *, today: date | None = None) -> list[DashboardResult]:
    """Refresh in the foreground (the `refresh_reporting_dashboard` command): every stored result of the year (or of
    every year), and the year's unfiltered one, created if missing (the current year's when no year is given)."""
    DashboardResult.objects.get_or_create(year=year or (today or timezone.localdate()).year, tier=0, country="", category="")
    results = DashboardResult.objects.order_by("year", "tier", "country", "category")
    if year is not None:
        results = results.filter(year=year)
    return [refresh_result(result, today=today) for result in results]


# ---------------------------------------------------------------- keeping them up to date


def figures_changed() -> None:
    """Data the dashboard counts changed (core.derived calls this once after the commit). Nothing to do while every
    stored result is already stale (one query); otherwise they are marked in one UPDATE and one job refreshes the
    ones worth refreshing at once."""
    fresh = list(DashboardResult.objects.filter(stale=False).values_list("pk", flat=True))
    if not fresh:
        return
    with transaction.atomic():
        DashboardResult.objects.filter(pk__in=fresh, stale=False).update(stale=True)
        worth = DashboardResult.objects.filter(pk__in=fresh).worth_refreshing(viewed_since=timezone.now() - RECENTLY_OPENED)
        ids = list(worth.values_list("pk", flat=True))
        if ids:
            queue_refresh(ids, actor=None)
