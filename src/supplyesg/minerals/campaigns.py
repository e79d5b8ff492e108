"""CMRT/EMRT campaigns, supplier submissions and the smelter review queue.

Every state change is one audited function (keyword-only ``actor``, one transaction, e-mails on commit).
The access helpers at the end are the only way views and the API fetch campaigns, requests and submissions.
"""

import hashlib
import json
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, send_on_commit, supplier_recipients
from supplyesg.core.reminders import reminder_due
from supplyesg.minerals import company_names, services
from supplyesg.minerals.cmrt import CheckResult, check_file, normalise_cid
from supplyesg.minerals.cmrt.findings import refusal
from supplyesg.minerals.models import (
    Campaign,
    Smelter,
    SmelterReview,
    Submission,
    SubmissionRequest,
    SubmissionSmelter,
    TemplateType,
)
from supplyesg.suppliers.models import Category, Supplier

MINERALS_BY_TEMPLATE = {
    TemplateType.CMRT: ("Tin", "Tantalum", "Tungsten", "Gold"),
    TemplateType.EMRT: ("Cobalt", "Mica", "Copper", "Graphite", "Lithium", "Nickel"),
}
# Words a category's `minerals` text may use for a campaign mineral (compared case-insensitively).
MINERAL_WORDS = {"Graphite": ("graphite", "natural graphite")}
R = SubmissionRequest.Status
RESPONDED = (R.RECEIVED_ERRORS, R.RECEIVED_VALID, R.ACCEPTED, R.RETURNED)
REMINDED = tuple(s for s in SubmissionRequest.OPEN_STATUSES if s != R.NOT_REQUESTED)
# Submissions still waiting for a decision; a new upload supersedes them.
PENDING_SUBMISSIONS = (Submission.Status.INVALID, Submission.Status.VALID, Submission.Status.RETURNED)
# Below the matcher's own threshold, a suggestion for the reviewer only (never stored as the smelter).
SUGGESTION_THRESHOLD = 70.0
NOT_ASKABLE = (Supplier.Status.BLACKLISTED, Supplier.Status.EXITED)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _plain_json(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))


# ---------------------------------------------------------------- campaigns


@transaction.atomic
def create_campaign(
    *,
    actor,
    name: str,
    reporting_year: int,
    template: str,
    minerals,
    due_date: date,
    remind_days_before: int = 14,
    remind_every_days_after: int = 7,
    categories=(),
    tiers=(),
    scope_by_minerals: bool = False,
) -> Campaign:
    """A draft campaign. Scope: suppliers in the categories (or whose categories involve the minerals),
    limited to the tiers when tiers are given; tiers alone take every approved supplier of those tiers."""
    problems = []
    name = " ".join((name or "").split())
    if not name:
        problems.append(_("name: give the campaign a name."))
    if template not in MINERALS_BY_TEMPLATE:
        problems.append(_("template: choose CMRT or EMRT."))
    allowed = MINERALS_BY_TEMPLATE.get(template, ())
    given = set(minerals or ())
    wrong = sorted(given - set(allowed))
    minerals = [m for m in allowed if m in given]
    if wrong:
        problems.append(_("minerals: %(list)s are not in this template.") % {"list": ", ".join(wrong)})
    elif not minerals:
        problems.append(_("minerals: choose at least one mineral of the template."))
    tiers = sorted({int(t) for t in tiers or ()})
    if any(t not in Supplier.Tier.values for t in tiers):
        problems.append(_("tiers: unknown tier."))
    categories = list(categories or ())
    if not (categories or tiers or scope_by_minerals):
        problems.append(
            _("scope: choose categories, tiers, or every supplier whose categories involve these minerals.")
        )
    if due_date and due_date < timezone.localdate():
        problems.append(_("due_date: the due date is in the past."))
    if problems:
        raise RuleViolation(problems)
    campaign = Campaign.objects.create(
        name=name[:200],
        reporting_year=reporting_year,
        template=template,
        minerals=minerals,
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        scope_tiers=tiers,
        scope_by_minerals=scope_by_minerals,
        created_by=_actor(actor),
    )
    campaign.scope_categories.set(categories)
    audit.record(
        actor=actor,
        action="campaign.created",
        target=campaign,
        changes={
            "template": [None, template],
            "reporting_year": [None, reporting_year],
            "minerals": [None, minerals],
            "due_date": [None, due_date],
            "categories": [None, sorted(c.code for c in categories)],
            "tiers": [None, tiers],
            "scope_by_minerals": [None, scope_by_minerals],
        },
    )
    return campaign


def mineral_categories(minerals) -> list[int]:
    """Ids of categories whose comma-separated `minerals` text names one of these minerals (any case)."""
    wanted = set()
    for mineral in minerals:
        wanted.update(MINERAL_WORDS.get(mineral, (mineral.casefold(),)))
    out = []
    for pk, text in Category.objects.exclude(minerals="").values_list("pk", "minerals"):
        words = {w.strip().casefold() for w in text.split(",")}
        if words & wanted:
            out.append(pk)
    return out


def in_scope_suppliers(campaign: Campaign):
    """Approved suppliers the campaign asks, by its scope."""
    category_ids = set(campaign.scope_categories.values_list("pk", flat=True))
    if campaign.scope_by_minerals:
        category_ids.update(mineral_categories(campaign.minerals))
    suppliers = Supplier.objects.approved()
    if category_ids:
        suppliers = suppliers.filter(categories__in=category_ids)
    elif campaign.scope_by_minerals or not campaign.scope_tiers:
        return Supplier.objects.none()
    if campaign.scope_tiers:
        suppliers = suppliers.filter(tier__in=campaign.scope_tiers)
    return suppliers.distinct()


def _request_mail(request_obj: SubmissionRequest, kind: str) -> Letter | None:
    recipients = supplier_recipients(request_obj.supplier)
    if not recipients:
        return None

    def compose():
        campaign = request_obj.campaign
        values = {
            "supplier": request_obj.supplier.legal_name,
            "campaign": campaign.name,
            "template": campaign.template,
            "minerals": ", ".join(campaign.minerals),
            "due": campaign.due_date.isoformat(),
        }
        if kind == "requested":
            subject = _("%(template)s requested: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: please send your %(template)s (%(minerals)s) for %(campaign)s by %(due)s. "
                    "Upload it in the supplier portal under Minerals declarations."
                )
                % values
            )
        elif kind == "returned":
            subject = _("%(template)s returned for correction: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: your %(template)s for %(campaign)s was returned for correction. The findings "
                    "and the reviewer's comment are in the supplier portal under Minerals declarations."
                )
                % values
            )
        elif kind == "overdue":
            subject = _("%(template)s overdue: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: your %(template)s for %(campaign)s was due on %(due)s. Please upload it in "
                    "the supplier portal under Minerals declarations."
                )
                % values
            )
        else:
            subject = _("Reminder: %(template)s due %(due)s") % values
            body = (
                _(
                    "%(supplier)s: your %(template)s (%(minerals)s) for %(campaign)s is due on %(due)s. "
                    "Please upload it in the supplier portal under Minerals declarations."
                )
                % values
            )
        return subject, body

    path = reverse("minerals_portal:request", args=[request_obj.pk])
    return Letter(recipients, compose, path=path, supplier=request_obj.supplier)


@transaction.atomic
def open_campaign(campaign: Campaign, *, actor) -> int:
    """Ask every in-scope supplier (and those added by hand): one request each, e-mailed on commit."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise RuleViolation(_("Only a draft campaign can be opened."))
    if campaign.due_date < timezone.localdate():
        raise RuleViolation(_("due_date: the due date is in the past; the campaign cannot be opened."))
    now = timezone.now()
    existing = set(campaign.requests.values_list("supplier_id", flat=True))
    SubmissionRequest.objects.bulk_create(
        [
            SubmissionRequest(campaign=campaign, supplier_id=pk, status=R.REQUESTED, requested_at=now)
            for pk in in_scope_suppliers(campaign).values_list("pk", flat=True)
            if pk not in existing
        ],
        batch_size=500,
    )
    campaign.requests.filter(status=R.NOT_REQUESTED).update(status=R.REQUESTED, requested_at=now)
    campaign.status = Campaign.Status.OPEN
    campaign.save(update_fields=["status"])
    requests = list(
        campaign.requests.select_related("supplier", "campaign").prefetch_related(
            "supplier__contacts", "supplier__portal_users"
        )
    )
    for request_obj in requests:
        audit.record(
            actor=actor,
            action="submission_request.requested",
            target=request_obj,
            supplier=request_obj.supplier,
            changes={"status": [R.NOT_REQUESTED, R.REQUESTED]},
            reason=campaign.name,
        )
    audit.record(
        actor=actor,
        action="campaign.opened",
        target=campaign,
        changes={"status": [Campaign.Status.DRAFT, Campaign.Status.OPEN], "requests": [None, len(requests)]},
    )
    send_on_commit([_request_mail(r, "requested") for r in requests])
    return len(requests)


@transaction.atomic
def close_campaign(campaign: Campaign, *, actor) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign is already closed."))
    old = campaign.status
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    audit.record(
        actor=actor, action="campaign.closed", target=campaign, changes={"status": [old, campaign.status]}
    )
    return campaign


@transaction.atomic
def add_supplier(campaign: Campaign, supplier: Supplier, *, actor) -> SubmissionRequest:
    """Add one supplier by hand; in an open campaign it is asked (and e-mailed) at once."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign is closed."))
    if supplier.status in NOT_ASKABLE:
        raise RuleViolation(
            _("supplier: %(name)s is %(status)s and cannot be asked.")
            % {"name": supplier.legal_name, "status": supplier.get_status_display()}
        )
    if campaign.requests.filter(supplier=supplier).exists():
        raise RuleViolation(
            _("supplier: %(name)s is already in this campaign.") % {"name": supplier.legal_name}
        )
    is_open = campaign.status == Campaign.Status.OPEN
    request_obj = SubmissionRequest.objects.create(
        campaign=campaign,
        supplier=supplier,
        status=R.REQUESTED if is_open else R.NOT_REQUESTED,
        requested_at=timezone.now() if is_open else None,
    )
    audit.record(
        actor=actor,
        action="submission_request.added",
        target=request_obj,
        supplier=supplier,
        changes={"campaign": [None, campaign.name], "status": [None, request_obj.status]},
    )
    if is_open:
        send_on_commit([_request_mail(request_obj, "requested")])
    return request_obj


@transaction.atomic
def remove_supplier(request_obj: SubmissionRequest, *, actor) -> None:
    """Take a supplier out of a campaign; refused once it has sent a file (files are kept)."""
    request_obj = (
        SubmissionRequest.objects.select_for_update()
        .select_related("campaign", "supplier")
        .get(pk=request_obj.pk)
    )
    if request_obj.campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign is closed."))
    if request_obj.submissions.exists():
        raise RuleViolation(
            _("%(name)s has already sent a declaration for this campaign; it stays in the campaign.")
            % {"name": request_obj.supplier.legal_name}
        )
    audit.record(
        actor=actor,
        action="submission_request.removed",
        target=request_obj,
        supplier=request_obj.supplier,
        changes={"campaign": [request_obj.campaign.name, None], "status": [request_obj.status, None]},
    )
    request_obj.delete()


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


def reported_name(smelter) -> str:
    """The smelter name as the supplier wrote it (column D, else the look-up choice in column C)."""
    row = smelter.source
    special = row.is_not_listed or row.is_not_identified
    return (row.name or (None if special else row.lookup_name) or smelter.name or "")[:255]


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
    request_obj = (
        SubmissionRequest.objects.select_for_update()
        .select_related("campaign", "supplier")
        .get(pk=request_obj.pk)
    )
    if request_obj.campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign %(name)s is closed.") % {"name": request_obj.campaign.name})
    if (
        actor is not None
        and getattr(actor, "is_supplier_user", False)
        and actor.supplier_id != request_obj.supplier_id
    ):
        raise PermissionDenied
    if not data:
        raise RuleViolation(_("file: the file is empty."))
    file_name = (file_name or "declaration.xlsx").replace("\\", "/").rsplit("/", 1)[-1][:255]
    if checked is None:
        reference = services.check_reference() if reference is None else reference
        checked = check_file(data, reference=reference, filename=file_name)
    declaration = checked.declaration
    refused = refusal(declaration.findings)
    if refused is not None:
        zh = (get_language() or "").startswith("zh")
        raise RuleViolation(_("file: %(problem)s") % {"problem": refused.message_zh if zh else refused.message})
    mismatch = kind_mismatch(declaration, request_obj.campaign)
    if mismatch:
        raise RuleViolation(mismatch)
    company = declaration.company
    valid = checked.valid
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
        valid=valid,
        error_count=len(checked.errors),
        warning_count=len(checked.warnings),
        result=_plain_json(checked.to_dict()),
        status=Submission.Status.VALID if valid else Submission.Status.INVALID,
    )
    submission.file.save(file_name, ContentFile(data), save=False)
    try:
        submission.save()
        request_obj.submissions.exclude(pk=submission.pk).filter(status__in=PENDING_SUBMISSIONS).update(
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
        _queue_reviews(checked, reference)
        old_status = request_obj.status
        request_obj.status = R.RECEIVED_VALID if valid else R.RECEIVED_ERRORS
        if request_obj.requested_at is None:
            request_obj.requested_at = timezone.now()
        request_obj.save(update_fields=["status", "requested_at"])
        audit.record(
            actor=actor,
            action="submission.received",
            target=submission,
            supplier=request_obj.supplier,
            changes={
                "version": [None, version],
                "file": [None, file_name],
                "channel": [None, channel],
                "valid": [None, valid],
                "errors": [None, submission.error_count],
                "warnings": [None, submission.warning_count],
                "request_status": [old_status, request_obj.status],
            },
            reason=request_obj.campaign.name,
        )
        company_names.check_company_name(submission, request_obj.supplier, company.unique_id or "")
    except BaseException:
        submission.file.storage.delete(submission.file.name)
        raise
    return submission


def _queue_reviews(checked: CheckResult, reference) -> None:
    """Unidentified and fuzzy-matched names go to the review queue, once per (metal, name, country)."""
    counts: dict[tuple[str, str, str], int] = {}
    hints: dict[tuple[str, str, str], tuple[str | None, float | None]] = {}
    ref_list = getattr(reference, "smelters", None)
    for s in checked.smelters:
        if not s.metal or (s.cid and s.matched_by != "fuzzy"):
            continue
        if s.source.is_not_identified:
            continue
        name = reported_name(s)
        if not name:
            continue
        key = (s.metal[:20], name, (s.source.country or s.country or "")[:100])
        counts[key] = counts.get(key, 0) + 1
        if key not in hints:
            if s.cid:
                hints[key] = (s.cid, s.score)
            elif ref_list:
                match = ref_list.match(s.metal, name=name, country=key[2], threshold=SUGGESTION_THRESHOLD)
                hints[key] = (match.cid, match.score) if match else (None, None)
            else:
                hints[key] = (None, None)
    if not counts:
        return
    lookup = Q()
    for metal, name, country in counts:
        lookup |= Q(metal=metal, name=name, country=country)
    existing = {(r.metal, r.name, r.country): r.pk for r in SmelterReview.objects.filter(lookup)}
    if existing:
        SmelterReview.objects.filter(pk__in=existing.values()).update(
            occurrences=F("occurrences")
            + Case(*[When(pk=pk, then=Value(counts[key])) for key, pk in existing.items()], default=Value(0))
        )
    new = [key for key in counts if key not in existing]
    cids = {hints[key][0] for key in new if hints[key][0]}
    smelters = {(s.cid, s.metal): s for s in Smelter.objects.filter(cid__in=cids)}
    SmelterReview.objects.bulk_create(
        [
            SmelterReview(
                metal=key[0],
                name=key[1],
                country=key[2],
                occurrences=counts[key],
                suggested=smelters.get((hints[key][0], key[0])),
                score=hints[key][1],
            )
            for key in new
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def accept_submission(submission: Submission, *, actor, comment: str = "") -> Submission:
    submission = (
        Submission.objects.select_for_update().select_related("request__supplier").get(pk=submission.pk)
    )
    request_obj = SubmissionRequest.objects.select_for_update().get(pk=submission.request_id)
    if not submission.valid:
        raise RuleViolation(_("A declaration with errors cannot be accepted; return it for correction."))
    finding = company_names.open_finding(submission)
    if finding is not None:
        raise RuleViolation(
            _(
                "The file declares %(declared)s, not %(supplier)s: confirm it belongs to this supplier (with a "
                "reason) or reassign it before accepting."
            )
            % {"declared": finding.declared_name, "supplier": submission.request.supplier.legal_name}
        )
    if submission.status != Submission.Status.VALID:
        raise RuleViolation(
            _("Only a valid declaration awaiting review can be accepted (this one is %(status)s).")
            % {"status": submission.get_status_display()}
        )
    previous = request_obj.accepted_submission_id
    if previous:
        Submission.objects.filter(pk=previous).update(status=Submission.Status.SUPERSEDED)
    submission.status = Submission.Status.ACCEPTED
    submission.reviewed_by = _actor(actor)
    submission.reviewed_at = timezone.now()
    submission.review_comment = (comment or "").strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    old_status = request_obj.status
    request_obj.status = R.ACCEPTED
    request_obj.accepted_submission = submission
    request_obj.save(update_fields=["status", "accepted_submission"])
    audit.record(
        actor=actor,
        action="submission.accepted",
        target=submission,
        supplier=submission.request.supplier,
        changes={
            "status": [Submission.Status.VALID, Submission.Status.ACCEPTED],
            "request_status": [old_status, R.ACCEPTED],
        },
        reason=submission.review_comment,
    )
    return submission


@transaction.atomic
def return_submission(submission: Submission, *, actor, comment: str) -> Submission:
    """Send a declaration back for correction; the supplier sees findings and comment in the portal."""
    comment = (comment or "").strip()
    if not comment:
        raise RuleViolation(_("comment: say what the supplier must correct."))
    submission = (
        Submission.objects.select_for_update()
        .select_related("request__supplier", "request__campaign")
        .get(pk=submission.pk)
    )
    request_obj = (
        SubmissionRequest.objects.select_for_update()
        .select_related("campaign", "supplier")
        .get(pk=submission.request_id)
    )
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
    send_on_commit([_request_mail(request_obj, "returned")])
    return submission


# ---------------------------------------------------------------- review queue


@transaction.atomic
def confirm_smelter_review(review: SmelterReview, *, cid: str, actor) -> int:
    """The name means this smelter: it becomes an alias for later files, and every stored row with the same
    metal and name gets the CID now (one set-based update). Returns how many rows were updated."""
    review = SmelterReview.objects.select_for_update().get(pk=review.pk)
    if review.status != SmelterReview.Status.PENDING:
        raise RuleViolation(_("This name was already decided."))
    code = normalise_cid(cid)
    smelter = Smelter.objects.filter(cid=code, metal=review.metal).first() if code else None
    if smelter is None:
        raise RuleViolation(
            _("cid: %(cid)s is not a %(metal)s smelter of the loaded reference list.")
            % {"cid": cid or "—", "metal": review.metal}
        )
    services.confirm_alias(smelter, review.name, actor=actor)
    now = timezone.now()
    SmelterReview.objects.filter(
        metal=review.metal, name=review.name, status=SmelterReview.Status.PENDING
    ).update(
        status=SmelterReview.Status.CONFIRMED,
        decided_smelter=smelter,
        decided_by=_actor(actor),
        decided_at=now,
    )
    updated = SubmissionSmelter.objects.filter(metal=review.metal, name=review.name).update(
        cid=smelter.cid, matched_by="alias", score=100.0
    )
    audit.record(
        actor=actor,
        action="smelter_review.confirmed",
        target=review,
        changes={
            "status": [SmelterReview.Status.PENDING, SmelterReview.Status.CONFIRMED],
            "cid": [None, smelter.cid],
            "rows_updated": [None, updated],
        },
    )
    return updated


@transaction.atomic
def reject_smelter_review(review: SmelterReview, *, actor) -> SmelterReview:
    review = SmelterReview.objects.select_for_update().get(pk=review.pk)
    if review.status != SmelterReview.Status.PENDING:
        raise RuleViolation(_("This name was already decided."))
    review.status = SmelterReview.Status.REJECTED
    review.decided_by = _actor(actor)
    review.decided_at = timezone.now()
    review.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="smelter_review.rejected",
        target=review,
        changes={"status": [SmelterReview.Status.PENDING, SmelterReview.Status.REJECTED]},
    )
    return review


# ---------------------------------------------------------------- reminders


def reminder_kind(request_obj: SubmissionRequest, on: date) -> str | None:
    campaign = request_obj.campaign
    seen = [timezone.localdate(t) for t in (request_obj.last_reminded_at, request_obj.requested_at) if t]
    return reminder_due(on=on, due_date=campaign.due_date, days_before=campaign.remind_days_before,
                        every_days_after=campaign.remind_every_days_after, last=max(seen) if seen else None)


@transaction.atomic
def send_cmrt_reminders(on: date | None = None) -> int:
    """E-mail suppliers whose declaration is due soon or overdue; returns how many requests were reminded."""
    on = on or timezone.localdate()
    now = timezone.now()
    requests = (
        SubmissionRequest.objects.filter(campaign__status=Campaign.Status.OPEN, status__in=REMINDED)
        .select_related("campaign", "supplier")
        .prefetch_related("supplier__contacts", "supplier__portal_users")
    )
    mails, reminded = [], []
    for request_obj in requests:
        kind = reminder_kind(request_obj, on)
        if kind is None:
            continue
        reminded.append(request_obj.pk)
        mails.append(_request_mail(request_obj, kind))
        audit.record(
            actor=None,
            action="submission_request.reminded",
            target=request_obj,
            supplier=request_obj.supplier,
            changes={"reminder": [None, kind]},
            reason=request_obj.campaign.name,
        )
    SubmissionRequest.objects.filter(pk__in=reminded).update(last_reminded_at=now)
    send_on_commit(mails)
    return len(reminded)


# ---------------------------------------------------------------- read side


def campaigns_with_counts():
    return Campaign.objects.annotate(
        request_count=Count("requests", filter=~Q(requests__status=R.NOT_REQUESTED)),
        responded_count=Count("requests", filter=Q(requests__status__in=RESPONDED)),
        accepted_count=Count("requests", filter=Q(requests__status=R.ACCEPTED)),
    )


def campaign_progress(campaign: Campaign, on: date | None = None) -> dict:
    counts = dict(campaign.requests.order_by().values_list("status").annotate(n=Count("pk")))
    asked = sum(n for status, n in counts.items() if status != R.NOT_REQUESTED)
    responded = sum(counts.get(s, 0) for s in RESPONDED)
    return {
        "statuses": [(value, label, counts.get(value, 0)) for value, label in R.choices],
        "total": sum(counts.values()),
        "asked": asked,
        "responded": responded,
        "response_rate": round(100 * responded / asked) if asked else None,
        "overdue": campaign.requests.overdue(on).count(),
    }


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


# ---------------------------------------------------------------- access


def get_campaign_for_user(user, pk, *, write: bool = False) -> Campaign:
    """Campaigns are internal: 404 to anyone else, 403 to roles without Cap.REVIEW on writes."""
    require_internal(user)
    campaign = get_object_or_404(Campaign, pk=pk)
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return campaign


def requests_visible_to(user):
    """Every request for internal roles; a supplier user's own, once asked in an opened campaign."""
    qs = SubmissionRequest.objects.select_related("campaign", "supplier", "accepted_submission")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_internal:
        return qs
    if user.is_supplier_user and user.supplier_id:
        return (
            qs.filter(supplier_id=user.supplier_id)
            .exclude(status=R.NOT_REQUESTED)
            .exclude(campaign__status=Campaign.Status.DRAFT)
        )
    return qs.none()


def get_request_for_user(user, pk, *, write: bool = False) -> SubmissionRequest:
    """404 unless visible; internal writes need Cap.REVIEW (supplier users write only for their own)."""
    try:
        request_obj = requests_visible_to(user).get(pk=pk)
    except (SubmissionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and user.is_internal and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return request_obj


def get_submission_for_user(user, pk, *, write: bool = False) -> Submission:
    try:
        submission = Submission.objects.select_related("request__campaign", "request__supplier").get(
            pk=pk, request__in=requests_visible_to(user)
        )
    except (Submission.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not (user.is_internal and can(user, Cap.REVIEW)):
        raise PermissionDenied if user.is_internal else Http404
    return submission
