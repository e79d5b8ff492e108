"""Core services: API tokens, the user's language, background-job progress."""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import ApiToken, Counter, Job


@transaction.atomic
def create_api_token(*, user, name: str, actor) -> tuple[ApiToken, str]:
    """Return the token and its raw key; the raw key is shown once and never stored."""
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, name=name, key_prefix=raw[:12], key_hash=ApiToken.hash_key(raw))
    audit.record(
        actor=actor, action="api_token.created", target=token, changes={"name": [None, name], "user": [None, user.username]}
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoked", target=token, changes={"name": [token.name, None]})
    return token


@transaction.atomic
def revoke_all_api_tokens(user, *, actor, reason: str) -> int:
    """A new password ends every integration the old one could have set up: all the user's live tokens are revoked."""
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_for_update())
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoked", target=token, changes={"name": [token.name, None]}, reason=reason)
    return len(tokens)


def user_for_token(raw: str):
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user", "user__supplier").filter(key_hash=ApiToken.hash_key(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def set_user_language(user, *, language: str, actor) -> None:
    old = user.language
    if old != language:
        user.language = language
        user.save(update_fields=["language"])
        audit.record(actor=actor, action="user.language", target=user, changes={"language": [old, language]})


def set_mail_digest(user, *, digest: str, actor) -> None:
    """Off: one e-mail per event; daily: queued and sent as one digest a day (core/mail.py)."""
    from supplyesg.core.models import MailDigest

    if digest not in MailDigest.values:
        raise RuleViolation(_("mail_digest: choose one e-mail per event or a daily digest."))
    old = user.mail_digest
    if old != digest:
        user.mail_digest = digest
        user.save(update_fields=["mail_digest"])
        audit.record(actor=actor, action="user.mail_digest", target=user, changes={"mail_digest": [old, digest]})


def start_job(*, kind: str, total: int = 0, actor=None) -> Job:
    return Job.objects.create(kind=kind, total=total, created_by=actor if actor and actor.pk else None)


def forget_debug_queries() -> None:
    """Clear the default connection's debug query log, unless something is counting statements with it (a test's
    CaptureQueriesContext forces the log on and reads it by position)."""
    if not connection.force_debug_cursor:
        connection.queries_log.clear()


def job_progress(
    job_id: int,
    *,
    done: int | None = None,
    advance: int = 0,
    total: int | None = None,
    status: str | None = None,
    message: str | None = None,
    result: dict | None = None,
) -> None:
    """Update progress in its own short write, so pollers see it while the task runs.

    It also clears Django's debug query log (kept only with DEBUG on, the default outside production): a request
    clears it as it starts, a worker's job never does, and a job's batch statements carry megabytes of values each
    (generate_scale_data kept 3.7 GB of them at 100,000 suppliers)."""
    forget_debug_queries()
    updates = {}
    if done is not None:
        updates["done"] = done
    elif advance:
        updates["done"] = F("done") + advance
    if total is not None:
        updates["total"] = total
    if status is not None:
        updates["status"] = status
        if status in (Job.Status.DONE, Job.Status.FAILED):
            updates["finished_at"] = timezone.now()
    if message is not None:
        updates["message"] = message
    if result is not None:
        updates["result"] = result
    if updates:
        updates["heartbeat_at"] = timezone.now()
        Job.objects.filter(pk=job_id).update(**updates)


def job_stale_minutes() -> int:
    return int(getattr(settings, "JOB_STALE_MINUTES", 15))


@transaction.atomic
def fail_stale_jobs(*, kind: str | None = None, now=None, actor=None) -> list[int]:
    """Mark failed the unfinished jobs whose worker stopped reporting progress; returns their ids."""
    now = now or timezone.now()
    minutes = job_stale_minutes()
    jobs = Job.objects.stale(now=now, minutes=minutes).select_for_update()
    if kind:
        jobs = jobs.filter(kind=kind)
    failed = []
    for job in jobs:
        message = _(
            "The worker stopped without finishing (no progress for %(minutes)d minutes); retry the job."
        ) % {"minutes": minutes}
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=message, finished_at=now)
        audit.record(
            actor=actor,
            action="job.stale_failed",
            target=job,
            changes={"status": [job.status, Job.Status.FAILED]},
            reason=message,
        )
        failed.append(job.pk)
    return failed


@transaction.atomic
def reopen_job(job: Job, *, actor) -> Job:
    """A failed job back to queued (its kind's retry enqueues the work again); audited."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != Job.Status.FAILED:
        raise RuleViolation(_("Only a failed job can be retried; this one is %(status)s.") % {"status": job.get_status_display()})
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, message="", finished_at=None, heartbeat_at=now)
    audit.record(actor=actor, action="job.retried", target=job, changes={"status": [job.status, Job.Status.QUEUED]})
    job.refresh_from_db()
    return job


@transaction.atomic
def next_counter_value(name: str, *, start_after=lambda: 0, taken=lambda value: False) -> int:
    """The next value of counter `name`, holding its row lock until the caller's transaction ends.

    `start_after()` gives the value before the first one when the counter is new (e.g. the highest code already
    used); values for which `taken(value)` is true (set by hand, imported) are skipped."""
    counter = Counter.objects.select_for_update().filter(name=name).first()
    if counter is None:
        Counter.objects.get_or_create(name=name, defaults={"value": start_after()})
        counter = Counter.objects.select_for_update().get(name=name)
    value = counter.value + 1
    while taken(value):
        value += 1
    counter.value = value
    counter.save(update_fields=["value"])
    return value
