"""CMRT/EMRT submissions: checking and storing a supplier's file, accepting it or returning it.

Every state change is one audited function (keyword-only ``actor``, one transaction, e-mails on commit).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.campaigns.services import status_while_writing
from supplyesg.core.errors import RuleViolation
from supplyesg.core.ids import IdList
from supplyesg.core.mail import send_on_commit
from supplyesg.minerals import aggregation, company_names, services, workbooks
from supplyesg.minerals.campaigns.services.campaigns import request_mail
from supplyesg.minerals.campaigns.services.reviews import queue_reviews, reported_name
from supplyesg.minerals.cmrt import CheckResult, check_file
from supplyesg.minerals.cmrt.findings import refusal
from supplyesg.minerals.models import Campaign, Submission, SubmissionRequest, SubmissionSmelter

R = SubmissionRequest.Status
# Submissions still waiting for a decision; a new upload supersedes them.
PENDING_SUBMISSIONS = (Submission.Status.INVALID, Submission.Status.VALID, Submission.Status.RETURNED)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _plain_json(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))


# ---------------------------------------------------------------- submissions


def declared_kind(declaration) -> str:
    """The template kind a file is (CMRT, EMRT, AMRT, CRT), read from its content; '' when not a template."""
    if declaration.template:
        return declaration.template
    for finding in declaration.findings:
        if finding.code == "unsupported_template":
            title = str(finding.params.get("detail") or "")
            return title[title.rfind("(") + 1 : title.rfind(")")] if "(" in title else title
    return ""


def kind_mismatch(declaration, campaign: Campaign) -> str | None:
    """Why a file of another template kind is refused for this campaign (naming both kinds), else None.

    A CMRT filed into an EMRT request would otherwise be stored and counted on the EMRT dashboard."""
    found = declared_kind(declaration)
    if not found or found == campaign.template:
        return None
    return _(
        "file: this file is the %(found)s template, but %(campaign)s asks for the %(expected)s. Send the "
        "%(expected)s instead; the %(found)s was not stored."
    ) % {"found": found, "expected": campaign.template, "campaign": campaign.name}


def _lock_for_upload(request_obj: SubmissionRequest, actor) -> SubmissionRequest:
    """The request, locked, once it may take a file from this actor (its campaign not closed; a supplier
    user only for their own supplier). Only the request row is locked for update: locking its campaign too (as a
    plain select_for_update of the joined rows did) made every upload to a campaign wait for the one before."""
    request_obj = (
        SubmissionRequest.objects.select_for_update(of=("self",)).select_related("campaign", "supplier").get(pk=request_obj.pk)
    )
    request_obj.campaign.status = status_while_writing(request_obj.campaign)
    if request_obj.campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign %(name)s is closed.") % {"name": request_obj.campaign.name})
    if actor is not None and getattr(actor, "is_supplier_user", False) and actor.supplier_id != request_obj.supplier_id:
        raise PermissionDenied
    return request_obj


def _accepted_check(data: bytes, file_name: str, campaign: Campaign, checked, reference):
    """The file's check result and the reference it used; refused (nothing stored) when the file is empty,
    is not a readable template, or is another kind of template than the campaign asks for."""
    if not data:
        raise RuleViolation(_("file: the file is empty."))
    if checked is None:
        reference = services.check_reference() if reference is None else reference
        checked = check_file(data, reference=reference, filename=file_name)
    refused = refusal(checked.declaration.findings)
    if refused is not None:
        zh = (get_language() or "").startswith("zh")
        raise RuleViolation(_("file: %(problem)s") % {"problem": refused.message_zh if zh else refused.message})
    mismatch = kind_mismatch(checked.declaration, campaign)
    if mismatch:
        raise RuleViolation(mismatch)
    return checked, reference


def _new_submission(request_obj, *, data: bytes, file_name: str, checked: CheckResult, actor, channel) -> Submission:
    """The next version for this request, unsaved, with the file written to storage."""
    declaration, company = checked.declaration, checked.declaration.company
    version = (request_obj.submissions.aggregate(top=Max("version"))["top"] or 0) + 1
    submission = Submission(
        request=request_obj,
        version=version,
        original_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        channel=channel,
        uploaded_by=_actor(actor),
        template=(declaration.template or "")[:4],
        template_version=(declaration.version or "")[:10],
        company_name=(company.name or "")[:255],
        effective_date=company.effective_date,
        valid=checked.valid,
        error_count=len(checked.errors),
        warning_count=len(checked.warnings),
        result=_plain_json(checked.to_dict()),
        status=Submission.Status.VALID if checked.valid else Submission.Status.INVALID,
    )
    submission.workbook = workbooks.store_workbook(data, template=f"{submission.template} {submission.template_version}".strip())
    return submission


def _store_rows(submission: Submission, checked: CheckResult, reference) -> None:
    """Earlier versions still waiting for a decision are superseded; the smelter rows are stored and names
    nobody identified go to the review queue."""
    submission.request.submissions.exclude(pk=submission.pk).filter(status__in=PENDING_SUBMISSIONS).update(
        status=Submission.Status.SUPERSEDED
    )
    SubmissionSmelter.objects.bulk_create(
        [
            SubmissionSmelter(
                submission=submission,
                row=s.row,
                metal=(s.metal or "")[:20],
                name=reported_name(s),
                country=(s.country or "")[:100],
                cid=s.cid or "",
                matched_by=s.matched_by or "",
                score=s.score,
            )
            for s in checked.smelters
        ]
    )
    queue_reviews(checked, reference)


def _mark_received(request_obj: SubmissionRequest, submission: Submission, *, actor) -> None:
    """The request now says a file came in (valid or with errors), recorded with the file's figures."""
    old_status = request_obj.status
    request_obj.status = R.RECEIVED_VALID if submission.valid else R.RECEIVED_ERRORS
    if request_obj.requested_at is None:
        request_obj.requested_at = timezone.now()
    request_obj.save(update_fields=["status", "requested_at"])
    audit.record(
        actor=actor,
        action="submission.received",
        target=submission,
        supplier=request_obj.supplier,
        changes={
            "version": [None, submission.version],
            "file": [None, submission.original_name],
            "channel": [None, submission.channel],
            "valid": [None, submission.valid],
            "errors": [None, submission.error_count],
            "warnings": [None, submission.warning_count],
            "request_status": [old_status, request_obj.status],
        },
        reason=request_obj.campaign.name,
    )


@transaction.atomic
def submit_declaration(
    request_obj: SubmissionRequest,
    *,
    data: bytes,
    file_name: str,
    actor,
    channel: str,
    checked: CheckResult | None = None,
    reference=None,
) -> Submission:
    """Check and store one file with everything it yields, all or nothing.

    The file is kept whatever its findings; one with errors never counts as accepted. ``checked`` and
    ``reference`` let a bulk import reuse a result it already has and one reference for many files.
    """
    request_obj = _lock_for_upload(request_obj, actor)
    file_name = (file_name or "declaration.xlsx").replace("\\", "/").rsplit("/", 1)[-1][:255]
    checked, reference = _accepted_check(data, file_name, request_obj.campaign, checked, reference)
    submission = _new_submission(request_obj, data=data, file_name=file_name, checked=checked, actor=actor, channel=channel)
    # Stored by content (shared with other submissions): a rolled-back upload leaves at most its pieces.
    submission.save()
    _store_rows(submission, checked, reference)
    _mark_received(request_obj, submission, actor=actor)
    company = checked.declaration.company
    company_names.check_company_name(submission, request_obj.supplier, company.unique_id or "")
    aggregation.figures_changed(request_obj.campaign.reporting_year)
    return submission


@dataclass
class Acceptance:
    """What `accept_submissions` did: the accepted submissions, and each refused one with the reason."""

    accepted: list[Submission] = field(default_factory=list)
    refused: list[tuple[Submission, str]] = field(default_factory=list)


def _refusal(submission: Submission, later_selected: bool) -> str | None:
    """Why this submission cannot be accepted now (the reasons staff see, one by one or in bulk), else None.
    `submission.open_name`: the declared company name of its open name finding, if any
    (`company_names.open_declared_name`)."""
    if not submission.valid:
        return _("A declaration with errors cannot be accepted; return it for correction.")
    if submission.open_name is not None:
        return _(
            "The file declares %(declared)s, not %(supplier)s: confirm it belongs to this supplier (with a "
            "reason) or reassign it before accepting."
        ) % {"declared": submission.open_name, "supplier": submission.request.supplier.legal_name}
    if submission.status != Submission.Status.VALID:
        return _("Only a valid declaration awaiting review can be accepted (this one is %(status)s).") % {
            "status": submission.get_status_display()
        }
    if later_selected:
        return _("A later version for the same request is selected; only the latest can be accepted.")
    return None


@transaction.atomic
def accept_submissions(submission_ids, *, actor, comment: str = "") -> Acceptance:
    """Accept many declarations in one transaction: each one that may be accepted is, each one that may not is
    refused with its reason (the same rules as one by one) and left as it was.

    Set-based: a few statements for the whole selection instead of about fifteen and a commit per file. Each
    request is locked before its files, in (request, file) order (`locked_with_requests`, the order an upload keeps
    too), so overlapping selections and uploads wait for each other instead of deadlocking, and a file accepted
    meanwhile by a colleague is refused as no longer awaiting review."""
    comment = (comment or "").strip()
    # Without the check result (most of a row's bytes, not needed here); with an open name finding's declared name.
    submissions = Submission.objects.defer("result").annotate(open_name=company_names.open_declared_name())
    requests, submissions = submissions.locked_with_requests(submission_ids)
    latest_selected: dict[int, int] = {}
    for s in submissions:
        latest_selected[s.request_id] = max(latest_selected.get(s.request_id, 0), s.version)
    result = Acceptance()
    for s in submissions:
        if s.request_id not in requests:  # reassigned to another supplier by a colleague meanwhile
            reason = company_names.moved_meanwhile()
        else:
            reason = _refusal(s, s.version < latest_selected[s.request_id])
        if reason:
            result.refused.append((s, reason))
        else:
            result.accepted.append(s)
    if not result.accepted:
        return result
    now, reviewer = timezone.now(), _actor(actor)
    superseded = [requests[s.request_id].accepted_submission_id for s in result.accepted]
    Submission.objects.filter(pk__in=IdList(pk for pk in superseded if pk)).update(status=Submission.Status.SUPERSEDED)
    accepted_ids = IdList(s.pk for s in result.accepted)
    Submission.objects.filter(pk__in=accepted_ids).update(
        status=Submission.Status.ACCEPTED, reviewed_by=reviewer, reviewed_at=now, review_comment=comment
    )
    events = []
    for s in result.accepted:
        old_status = requests[s.request_id].status
        s.status, s.reviewed_by, s.reviewed_at, s.review_comment = Submission.Status.ACCEPTED, reviewer, now, comment
        s.request.status, s.request.accepted_submission_id = R.ACCEPTED, s.pk
        events.append(
            audit.event(
                actor=actor,
                action="submission.accepted",
                target=s,
                supplier=s.request.supplier,
                changes={
                    "status": [Submission.Status.VALID, Submission.Status.ACCEPTED],
                    "request_status": [old_status, R.ACCEPTED],
                },
                reason=comment,
            )
        )
    # Each request points at its own accepted file: one UPDATE with a subquery, not a CASE of a branch per row.
    SubmissionRequest.objects.filter(pk__in=IdList(s.request_id for s in result.accepted)).update(
        status=R.ACCEPTED,
        accepted_submission=Subquery(Submission.objects.filter(request=OuterRef("pk"), pk__in=accepted_ids).values("pk")[:1]),
    )
    audit.record_many(events, notify=True)
    for year in sorted({s.request.campaign.reporting_year for s in result.accepted}):
        aggregation.figures_changed(year)
    return result


def campaign_requests(campaign: Campaign, filters: dict):
    """A campaign's requests as its page lists them for a filter, order included (the page and its bulk bar)."""
    return campaign.requests.select_related("supplier").matching(filters).order_by("supplier__legal_name", "pk")


def latest_submissions(requests) -> dict[int, Submission]:
    """{request id: its latest version} for many requests, in one query."""
    latest: dict[int, Submission] = {}
    rows = Submission.objects.filter(request__in=[r.pk for r in requests]).order_by("request_id", "-version")
    for submission in rows.only("pk", "request_id", "version", "status"):
        latest.setdefault(submission.request_id, submission)
    return latest


def accept_submission(submission: Submission, *, actor, comment: str = "") -> Submission:
    """Accept one declaration, or refuse it with the reason (`RuleViolation`), changing nothing."""
    result = accept_submissions([submission.pk], actor=actor, comment=comment)
    if result.refused:
        raise RuleViolation(result.refused[0][1])
    if not result.accepted:
        raise Submission.DoesNotExist
    return result.accepted[0]


@transaction.atomic
def return_submission(submission: Submission, *, actor, comment: str) -> Submission:
    """Send a declaration back for correction; the supplier sees findings and comment in the portal."""
    comment = (comment or "").strip()
    if not comment:
        raise RuleViolation(_("comment: say what the supplier must correct."))
    requests, found = Submission.objects.locked_with_requests([submission.pk])
    if not found:
        raise Submission.DoesNotExist
    submission = found[0]
    if submission.request_id not in requests:
        raise RuleViolation(company_names.moved_meanwhile())
    request_obj = submission.request
    if submission.status not in (Submission.Status.VALID, Submission.Status.INVALID):
        raise RuleViolation(
            _("Only a declaration awaiting review can be returned (this one is %(status)s).")
            % {"status": submission.get_status_display()}
        )
    old = submission.status
    submission.status = Submission.Status.RETURNED
    submission.reviewed_by = _actor(actor)
    submission.reviewed_at = timezone.now()
    submission.review_comment = comment
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    old_status = request_obj.status
    request_obj.status = R.RETURNED
    request_obj.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="submission.returned",
        target=submission,
        supplier=request_obj.supplier,
        changes={"status": [old, Submission.Status.RETURNED], "request_status": [old_status, R.RETURNED]},
        reason=comment,
    )
    send_on_commit([request_mail(request_obj, "returned")])
    aggregation.figures_changed(request_obj.campaign.reporting_year)
    return submission


def findings_for(result: dict, language: str | None) -> list[dict]:
    """A check result's findings, errors first, each with `text` in the user's language and `where`."""
    zh = (language or "").lower().startswith("zh")
    out = []
    for f in result.get("findings") or []:
        where = ""
        if f.get("sheet") and f.get("cell"):
            where = f"{f['sheet']}!{f['cell']}"
        elif f.get("sheet") and f.get("row"):
            where = f"{f['sheet']}!{f['row']}"
        elif f.get("sheet"):
            where = f["sheet"]
        text = f.get("message_zh") if zh and f.get("message_zh") else f.get("message")
        out.append({**f, "text": text or "", "where": where})
    out.sort(key=lambda f: 0 if f.get("severity") == "error" else 1)
    return out
