"""Quarterly ratings as services: business scores entered one by one (the ERP import is in `importing`),
computing a quarter for every supplier with a business score, and procurement's decision on a grade's action.

Computing is set-based: a batch of suppliers costs the same queries whatever its size (see `compute_quarter`),
never a query per supplier. A recompute replaces the quarter's ratings in place (one per supplier and
quarter); a decision survives it only when the grade stayed the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from supplyesg.core import audit, jobs
from supplyesg.core.errors import RuleViolation
from supplyesg.core.ids import IdList
from supplyesg.core.models import Job, PolicySettings
from supplyesg.core.rowwriter import insert_rows
from supplyesg.core.services import job_progress, start_job
from supplyesg.core.sheets.numbers import FRACTION, NOT_NUMBER, NumberProblem, percentage, shown
from supplyesg.ratings import inputs, rules
from supplyesg.ratings.improvement import close_improvement_action as close_improvement_action  # the service surface
from supplyesg.ratings.improvement import improvement_problems, open_improvement_action
from supplyesg.ratings.latest_grades import later_quarters_rated, store_batch_grades
from supplyesg.ratings.latest_grades import refresh_latest_grades as refresh_latest_grades  # the service surface
from supplyesg.ratings.models import Action, BusinessScore, Grade, Rating
from supplyesg.ratings.quarters import MIN_YEAR, Quarter, QuarterError, parse_quarter, quarter_of

JOB_KIND = "ratings_compute"
BATCH_SIZE = 1000
JOB_STALE_AFTER = timedelta(hours=6)  # a job left unfinished this long (a worker that died) no longer blocks
NOTE_MAX = 300
TWO = Decimal("0.01")

GRADE_CHANGED = gettext_noop("The grade changed, so the earlier decision no longer applies; procurement decides again.")

ACTION_LABELS = {
    "business_score.saved": gettext_lazy("Business score saved"),
    "business_score.imported": gettext_lazy("Business score imported"),
    "ratings.compute_started": gettext_lazy("Quarterly rating started"),
    "ratings.computed": gettext_lazy("Quarterly ratings computed"),
    "rating.regraded": gettext_lazy("Grade changed on recompute"),
    "rating.confirmed": gettext_lazy("Grade action confirmed"),
    "rating.overridden": gettext_lazy("Grade action overridden"),
    "improvement_action.opened": gettext_lazy("Improvement action opened"),
    "improvement_action.closed": gettext_lazy("Improvement action closed"),
}


class _Target:
    """What `audit.record` needs of a target, with a readable label."""

    def __init__(self, obj, label: str):
        self._meta, self.pk, self._label = obj._meta, obj.pk, label

    def __str__(self):
        return self._label


# ---------------------------------------------------------------- checking input


def check_quarter(value=None, *, year=None, quarter=None, field: str = "quarter", started_by: date | None = None) -> Quarter:
    """A quarter from '2026Q3' (value) or a year and a quarter number; RuleViolation naming the field when it
    is not one, or when it has not started yet (nothing can be scored or rated ahead of time)."""
    if value is None:
        year_text = str(year if year is not None else "").strip()
        if not year_text.isdigit() or not MIN_YEAR <= int(year_text) <= 9999:
            raise RuleViolation(_("year: enter a year such as %(year)s.") % {"year": timezone.localdate().year})
        try:
            period = quarter_of(year_text, quarter)
        except QuarterError:
            raise RuleViolation(_("quarter: choose 1, 2, 3 or 4."))
    else:
        try:
            period = parse_quarter(value)
        except QuarterError:
            raise RuleViolation(
                _("%(field)s: %(value)s is not a quarter; write it like %(example)s.")
                % {"field": field, "value": str(value)[:20] or "—", "example": Quarter.of(timezone.localdate())}
            )
    today = started_by or timezone.localdate()
    if period.first_day > today:
        raise RuleViolation(_("%(field)s: %(quarter)s has not started yet.") % {"field": field, "quarter": period})
    return period


SCORE_OK, SCORE_MISSING, SCORE_NOT_NUMBER, SCORE_OUT_OF_RANGE = "ok", "missing", "not_number", "out_of_range"
SCORE_FRACTION = "fraction"


def parse_score(value, *, allow_fraction: bool = True) -> tuple[str, Decimal | None, str]:
    """(verdict, the score rounded to 0.01, the value as written) for a 0-100 business score.

    Accepts numbers, "92.5", "92.5 %" and percent-formatted spreadsheet cells (which hold 0.925). Imports pass
    `allow_fraction=False`: there a plain 0.925 is a fraction copied from another sheet, not a score under 1.
    """
    try:
        number = percentage(value, allow_fraction=allow_fraction)
    except NumberProblem as problem:
        verdict = {NOT_NUMBER: SCORE_NOT_NUMBER, FRACTION: SCORE_FRACTION}.get(problem.kind, SCORE_OUT_OF_RANGE)
        return verdict, None, problem.text
    if number is None:
        return SCORE_MISSING, None, ""
    return SCORE_OK, number.quantize(TWO), shown(value)


def _score_error(field: str, verdict: str, text: str) -> str:
    if verdict == SCORE_MISSING:
        return _("%(field)s: enter a score from 0 to 100.") % {"field": field}
    if verdict == SCORE_NOT_NUMBER:
        return _('%(field)s: "%(value)s" is not a number; enter a score from 0 to 100.') % {"field": field, "value": text[:30]}
    return _("%(field)s: %(value)s is outside 0-100.") % {"field": field, "value": text[:30]}


def load_policy() -> rules.RatingPolicy:
    """The rating policy from the settings row, checked like the settings form checks it."""
    policy = rules.RatingPolicy.from_settings(PolicySettings.current())
    try:
        rules.check_policy(policy)
    except ValueError as exc:
        field, _sep, _rest = str(exc).partition(":")
        raise RuleViolation(
            _("%(field)s: the rating policy is not valid (%(problem)s); correct it in the policy settings.")
            % {"field": field, "problem": str(exc)}
        )
    return policy


def policy_used(policy: rules.RatingPolicy) -> dict:
    def number(value) -> str:
        return str(Decimal(value).quantize(TWO))

    return {
        "esg_weight_percent": number(policy.esg_weight_percent),
        "business_weights": dict(policy.business_weights),
        "grade_a_from": number(policy.grade_a_from),
        "grade_b_from": number(policy.grade_b_from),
        "grade_c_from": number(policy.grade_c_from),
    }


# ---------------------------------------------------------------- business scores


def _score_label(supplier_name: str, year: int, quarter: int) -> str:
    return _("Business score %(period)s · %(supplier)s") % {"period": f"{year}Q{quarter}", "supplier": supplier_name}


def save_business_score(supplier, *, actor, year, quarter, quality, delivery, cost, service, note: str = "") -> BusinessScore:
    """Enter or correct a supplier's quality, delivery, cost and service scores (0-100 each) for a quarter."""
    return upsert_business_score(
        supplier,
        actor=actor,
        year=year,
        quarter=quarter,
        quality=quality,
        delivery=delivery,
        cost=cost,
        service=service,
        note=note,
    )[0]


@transaction.atomic
def upsert_business_score(
    supplier, *, actor, year, quarter, quality, delivery, cost, service, note: str = ""
) -> tuple[BusinessScore, bool]:
    """save_business_score, also saying whether the quarter's row was created. Concurrent calls for one quarter
    create one row (the unique constraint decides; the losers wait for it and update it)."""
    errors: list[str] = []
    period = None
    try:
        period = check_quarter(year=year, quarter=quarter)
    except RuleViolation as exc:
        errors.extend(exc.messages)
    values: dict[str, Decimal] = {}
    for field, raw in zip(rules.PARTS, (quality, delivery, cost, service), strict=True):
        verdict, number, text = parse_score(raw)
        if verdict == SCORE_OK:
            values[field] = number
        else:
            errors.append(_score_error(field, verdict, text))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors.append(_("note: write at most %(max)d characters.") % {"max": NOTE_MAX})
    if errors:
        raise RuleViolation(errors)
    fields = [*rules.PARTS, "note"]
    score, created = BusinessScore.objects.get_or_create(
        supplier=supplier, year=period.year, quarter=period.quarter, defaults={**values, "note": note}
    )
    if created:
        old = {}
    else:
        score = BusinessScore.objects.select_for_update().get(pk=score.pk)
        old = audit.snapshot(score, fields)
    for field, value in values.items():
        setattr(score, field, value)
    score.note = note
    score.source = BusinessScore.Source.MANUAL
    score.updated_by = actor if getattr(actor, "pk", None) else None
    score.updated_at = timezone.now()
    score.save()
    changes = audit.diff(old, audit.snapshot(score, fields))
    if changes:
        audit.record(
            actor=actor,
            action="business_score.saved",
            target=_Target(score, _score_label(supplier.legal_name, period.year, period.quarter)),
            supplier=supplier,
            changes=changes,
        )
    return score, created


def import_business_scores(file, *, actor):
    """The ERP import (xlsx or CSV); see `ratings.importing`."""
    from supplyesg.ratings.importing import import_business_scores as run

    return run(file, actor=actor)


# ---------------------------------------------------------------- computing a quarter


def actor_fields(actor) -> dict:
    real = actor is not None and getattr(actor, "pk", None)
    return {"actor": actor if real else None, "actor_label": actor.get_username() if real else "system"}


def _actor_values(actor) -> tuple[int | None, str]:
    """(actor id, actor label) of a history row written by `insert_rows`, as `actor_fields` gives them."""
    real = actor is not None and getattr(actor, "pk", None)
    return (actor.pk, actor.get_username()) if real else (None, "system")


def _reasons(result: rules.RatingResult, policy: rules.RatingPolicy) -> list[dict]:
    return [{"msgid": msgid, "params": dict(params)} for msgid, params in result.reasons(policy)]


DECISION_FIELDS = ("decision_status", "decided_action", "decision_reason", "decided_by_id", "decided_at")
UPDATED_FIELDS = [
    "business_score",
    "esg_score",
    "esg_source",
    "esg_weight",
    "total",
    "grade",
    "recommended_action",
    "reasons",
    "inputs",
    "computed_at",
    "decision_status",
    "decided_action",
    "decision_reason",
    "decided_by",
    "decided_at",
]
# The columns `_compute_batch` writes, in the order of its tuples: the key, UPDATED_FIELDS' values, the decision.
RATING_FIELDS = ["supplier", "year", "quarter", *UPDATED_FIELDS]


def _compute_batch(
    rows: list[inputs.ScoreRow],
    *,
    period: Quarter,
    on: date,
    policy: rules.RatingPolicy,
    esg_policy: inputs.EsgPolicy,
    actor,
    now,
    later_possible: bool = True,
) -> dict:
    """Rate a batch and write it: inputs (3 queries), the quarter's existing ratings (1), one upsert (as many
    statements as the database's parameter limit needs), the suppliers' latest grades (1, or 2 when a later quarter
    is rated: `later_possible`) and history rows for changed grades (0-1)."""
    ids = IdList(row.supplier_id for row in rows)
    gathered = inputs.gather(rows, year=period.year, on=on, policy=esg_policy)
    existing = {
        row["supplier_id"]: row
        for row in Rating.objects.for_quarter(period.year, period.quarter)
        .filter(supplier_id__in=ids)
        .values("pk", "supplier_id", "supplier__legal_name", "grade", *DECISION_FIELDS)
    }
    used_policy = policy_used(policy)
    esg_weight = Decimal(policy.esg_weight_percent)
    pending = (Rating.Decision.PENDING, "", "", None, None)  # DECISION_FIELDS of a rating not decided yet
    written: list[tuple] = []
    rated: list[tuple[int, str]] = []  # (supplier, grade)
    events: list[tuple] = []
    actor_id, actor_label = _actor_values(actor)
    counts = {"grades": dict.fromkeys(Grade.values, 0), "created": 0, "updated": 0, "reset": 0, "skipped": 0}
    for row in rows:
        data = gathered[row.supplier_id]
        result = rules.rate(data.parts, data.esg, policy)
        if result is None:
            counts["skipped"] += 1
            continue
        decision = pending
        counts["grades"][result.grade] += 1
        before = existing.get(row.supplier_id)
        if before is None:
            counts["created"] += 1
        else:
            counts["updated"] += 1
            if before["grade"] == result.grade:
                decision = tuple(before[name] for name in DECISION_FIELDS)
            else:
                changes = {"grade": [before["grade"], result.grade], "total": [None, str(result.total)]}
                reason = ""
                if before["decision_status"] != Rating.Decision.PENDING:
                    counts["reset"] += 1
                    changes["decision_status"] = [before["decision_status"], Rating.Decision.PENDING]
                    changes["decided_action"] = [before["decided_action"], ""]
                    reason = GRADE_CHANGED  # stored in English, shown translated (core.history.reason_text)
                events.append(
                    (
                        now,
                        actor_id,
                        actor_label,
                        "rating.regraded",
                        Rating._meta.label_lower,
                        str(before["pk"]),
                        f"{before['supplier__legal_name']} · {period} · {result.grade}"[:300],
                        row.supplier_id,
                        changes,
                        reason,
                    )
                )
        written.append(
            (
                row.supplier_id,
                period.year,
                period.quarter,
                result.business,
                result.esg.score,
                result.esg.source,
                esg_weight,
                result.total,
                result.grade,
                result.action,
                _reasons(result, policy),
                {**data.used, "esg_level": result.esg.level, "policy": used_policy},
                now,
                *decision,
            )
        )
        rated.append((row.supplier_id, result.grade))
    if written:
        insert_rows(
            Rating,
            RATING_FIELDS,
            written,
            conflict_fields=["supplier", "year", "quarter"],
            update_fields=UPDATED_FIELDS,
        )
        store_batch_grades(dict(rated), period, later_possible=later_possible)
    audit.record_rows(events)
    return counts


def compute_quarter(
    year: int,
    quarter: int,
    *,
    actor,
    on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict:
    """Rate every supplier with a business score in the quarter, in batches of `batch_size` (each its own
    transaction). Per batch: the business scores (1 query), the inputs (3), the existing ratings (1), the upsert
    and history rows, and `progress(done, total)`. `on` defaults to the quarter's last day, or today while the
    quarter runs. Re-running is safe: each supplier keeps one rating per quarter."""
    period = check_quarter(year=year, quarter=quarter)
    on = on or min(period.last_day, timezone.localdate())
    policy = load_policy()
    esg_policy = inputs.EsgPolicy.from_settings(PolicySettings.current())
    batch_size = max(1, int(batch_size))
    scores = BusinessScore.objects.for_quarter(period.year, period.quarter)
    total = scores.count()
    summary = {
        "year": period.year,
        "quarter": period.quarter,
        "period": str(period),
        "on": on.isoformat(),
        "suppliers": 0,
        "grades": dict.fromkeys(Grade.values, 0),
        "created": 0,
        "updated": 0,
        "reset": 0,
        "skipped": 0,
    }
    done, last = 0, 0
    now = timezone.now()
    later_possible = later_quarters_rated(period)
    while True:
        rows = [
            inputs.ScoreRow(*values)
            for values in scores.filter(supplier_id__gt=last)
            .order_by("supplier_id")
            .values_list("supplier_id", "quality", "delivery", "cost", "service")[:batch_size]
        ]
        if not rows:
            break
        with transaction.atomic():
            counts = _compute_batch(
                rows,
                period=period,
                on=on,
                policy=policy,
                esg_policy=esg_policy,
                actor=actor,
                now=now,
                later_possible=later_possible,
            )
        for grade, n in counts.pop("grades").items():
            summary["grades"][grade] += n
        for key, n in counts.items():
            summary[key] += n
        done += len(rows)
        last = rows[-1].supplier_id
        if progress:
            progress(done, total)
    summary["suppliers"] = summary["created"] + summary["updated"]
    return summary


def overview_url(period: Quarter) -> str:
    return f"{reverse('ratings:overview')}?quarter={period}"


def new_compute_job(period: Quarter, *, actor=None) -> Job:
    """A job record for computing the quarter; refused while one for the same quarter is queued or running."""
    running = Job.objects.filter(
        kind=JOB_KIND,
        status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        result__period=str(period),
        created_at__gte=timezone.now() - JOB_STALE_AFTER,
    )
    if running.exists():
        raise RuleViolation(
            _("quarter: the ratings of %(quarter)s are already being computed; wait for it to finish.") % {"quarter": period}
        )
    total = BusinessScore.objects.for_quarter(period.year, period.quarter).count()
    job = start_job(kind=JOB_KIND, total=total, actor=actor)
    job.result = {"year": period.year, "quarter": period.quarter, "period": str(period), "next_url": overview_url(period)}
    job.save(update_fields=["result"])
    return job


@transaction.atomic
def start_compute(year: int, quarter: int, *, actor) -> Job:
    """Queue the quarter's computation; the overview page polls the job."""
    period = check_quarter(year=year, quarter=quarter)
    load_policy()
    job = new_compute_job(period, actor=actor)
    audit.record(actor=actor, action="ratings.compute_started", target=job, changes={"quarter": [None, str(period)]})
    jobs.enqueue_on_commit(job, period.year, period.quarter)
    return job


def run_compute_job(job_id: int, year: int, quarter: int, *, on_progress=None, batch_size: int = BATCH_SIZE) -> dict | None:
    """What the background task and the command run. A finished job is left alone; a failed one runs again."""
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.status == Job.Status.DONE:
        return None
    job_progress(job_id, status=Job.Status.RUNNING, done=0)

    def progress(done, total):
        job_progress(job_id, done=done, total=total)
        if on_progress:
            on_progress(done, total)

    try:
        summary = compute_quarter(year, quarter, actor=job.created_by, progress=progress, batch_size=batch_size)
    except Exception as exc:
        job_progress(job_id, status=Job.Status.FAILED, message=f"{exc.__class__.__name__}: {exc}"[:500])
        raise
    grades = summary["grades"]
    job_progress(
        job_id,
        status=Job.Status.DONE,
        message=_("%(count)s suppliers rated for %(quarter)s: %(a)s A, %(b)s B, %(c)s C, %(d)s D.")
        % {
            "count": summary["suppliers"],
            "quarter": summary["period"],
            "a": grades["A"],
            "b": grades["B"],
            "c": grades["C"],
            "d": grades["D"],
        },
        result={**(job.result or {}), **summary},
    )
    audit.record(
        actor=job.created_by,
        action="ratings.computed",
        target=job,
        changes={"quarter": [None, summary["period"]], "suppliers": [None, summary["suppliers"]]},
    )
    return summary


# ---------------------------------------------------------------- deciding


@transaction.atomic
def decide_rating(
    rating: Rating,
    *,
    actor,
    confirm: bool,
    action: str | None = None,
    reason: str = "",
    owner=None,
    due_date: date | None = None,
    description: str = "",
    training_topic: str = "",
) -> Rating:
    """Procurement confirms the grade's recommended action, or overrides it with another action and a reason.
    Ending cooperation (confirming a D, or overriding to terminate) needs a reason too, and confirms a termination
    of cooperation at once, so orders stop. Corrective action with support (AIKO, grade C) opens a tracked
    improvement action with an owner and a due date, and optionally a training, which the supplier sees."""
    from supplyesg.suppliers.models import TerminationCase
    from supplyesg.suppliers.terminations.services import terminate_cooperation

    rating = Rating.objects.select_for_update().select_related("supplier").get(pk=rating.pk)
    if rating.decision_status != Rating.Decision.PENDING:
        raise RuleViolation(_("This rating was already decided (%(status)s).") % {"status": rating.get_decision_status_display()})
    reason = (reason or "").strip()
    errors: list[str] = []
    if confirm:
        chosen = rating.recommended_action
    else:
        chosen = action or ""
        if chosen not in Action.values:
            errors.append(_("action: choose the action to take instead of the recommended one."))
        elif chosen == rating.recommended_action:
            errors.append(_("action: this is the recommended action; confirm it instead of overriding it."))
        if not reason:
            errors.append(_("reason: say why the recommended action is overridden."))
    if chosen == Action.TERMINATE and not reason and not errors:
        errors.append(_("reason: say why cooperation ends; it is recorded with the termination."))
    description, training_topic = (description or "").strip(), " ".join((training_topic or "").split())
    if chosen == Action.CORRECTIVE:
        errors.extend(improvement_problems(owner, due_date, description, training_topic))
    if errors:
        raise RuleViolation(errors)
    old = rating.decision_status
    rating.decision_status = Rating.Decision.CONFIRMED if confirm else Rating.Decision.OVERRIDDEN
    rating.decided_action = chosen
    rating.decision_reason = reason
    rating.decided_by = actor if getattr(actor, "pk", None) else None
    rating.decided_at = timezone.now()
    rating.save(update_fields=["decision_status", "decided_action", "decision_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="rating.confirmed" if confirm else "rating.overridden",
        target=rating,
        supplier=rating.supplier,
        changes={"decision_status": [old, rating.decision_status], "decided_action": ["", chosen]},
        reason=reason,
    )
    if chosen == Action.CORRECTIVE:
        open_improvement_action(
            rating, actor=actor, owner=owner, due_date=due_date, description=description, training_topic=training_topic
        )
    if chosen == Action.TERMINATE:
        terminate_cooperation(
            rating.supplier, actor=actor, source=TerminationCase.Source.RATING, ref=f"rating:{rating.period}", reason=reason
        )
    return rating
