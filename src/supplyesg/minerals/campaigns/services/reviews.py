"""The smelter review queue: names no reference entry matched (or matched only loosely) wait for a person."""

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import services
from supplyesg.minerals.cmrt import CheckResult, normalise_cid
from supplyesg.minerals.models import Smelter, SmelterReview, SubmissionSmelter

# Below the matcher's own threshold, a suggestion for the reviewer only (never stored as the smelter).
SUGGESTION_THRESHOLD = 70.0


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def reported_name(smelter) -> str:
    """The smelter name as the supplier wrote it (column D, else the look-up choice in column C)."""
    row = smelter.source
    special = row.is_not_listed or row.is_not_identified
    return (row.name or (None if special else row.lookup_name) or smelter.name or "")[:255]


def queue_reviews(checked: CheckResult, reference) -> None:
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


