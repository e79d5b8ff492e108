"""Bulk import of CMRT/EMRT files (one file, a folder or a .zip) into a campaign.

Each file is assigned to one of the campaign's suppliers from its Declaration: the company unique id equal
to a registration id, else the normalised company name equal to a supplier's legal, local or alias name,
else a fuzzy name score of at least ASSIGN_SCORE with no rival; a score from UNCERTAIN_SCORE or a tie
leaves the file "uncertain" with its candidates, and anything else "unassigned". Files that are not
assigned are held (private storage) until a person confirms a supplier on the bulk result page.
Progress and the outcome live in a core Job, so the page and the command line show the same thing.
"""

import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from supplyesg.core import audit, jobs
from supplyesg.core.errors import RuleViolation
from supplyesg.core.matching import NameIndex, company_key, decide, normalize_registration_id
from supplyesg.core.models import Job
from supplyesg.core.services import job_progress, reopen_job, start_job
from supplyesg.minerals import aggregation, services
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.cmrt import check_declaration, read_workbook
from supplyesg.minerals.cmrt.findings import refusal
from supplyesg.minerals.cmrt.safety import MAX_FILE_BYTES
from supplyesg.minerals.models import Campaign, Submission, SubmissionRequest

JOB_KIND = "cmrt_import"
ASSIGN_SCORE = 95.0
UNCERTAIN_SCORE = 80.0
MAX_CANDIDATES = 5
MAX_ARCHIVE_MEMBERS = 5000
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
HOLD_DIR = "minerals/bulk"
SAVE_EVERY = 25  # write the growing result into the job after this many files at first ...
SAVE_SHARE = 8  # ... then after an eighth more of the files done (a write is O(files done): total stays ~linear)
SAVE_MAX_GAP = 500  # ... and at least every this many files, so a killed worker re-imports at most these


def next_save(done: int) -> int:
    """After how many files the result is written into the job next (the progress count is written every file)."""
    return done + min(max(SAVE_EVERY, done // SAVE_SHARE), SAVE_MAX_GAP)


def bulk_upload_limit() -> int:
    """Largest zip accepted on the bulk page (a CMRT is ~1.5 MB, already compressed)."""
    return settings.MAX_BULK_UPLOAD_BYTES


def bulk_uncompressed_limit() -> int:
    """What all the workbooks of one bulk zip may expand to together."""
    return settings.MAX_BULK_UNCOMPRESSED_MB * 1048576


# ---------------------------------------------------------------- assignment


@dataclass
class Assignment:
    outcome: str  # "assigned" | "uncertain" | "unassigned"
    supplier_id: int | None = None
    matched_by: str = ""  # "registration_id" | "name" | "fuzzy"
    score: float | None = None
    candidates: list[dict] = field(default_factory=list)


class SupplierIndex:
    """The campaign's suppliers keyed for matching a declaration's company name and unique id."""

    def __init__(self, suppliers):
        self.names: dict[int, str] = {}
        self.by_registration: dict[str, set[int]] = {}
        self.by_name: dict[str, set[int]] = {}
        records = []
        for supplier in suppliers:
            self.names[supplier.pk] = supplier.legal_name
            reg = _registration_key(supplier.registration_id)
            if reg:
                self.by_registration.setdefault(reg, set()).add(supplier.pk)
            texts = [t for t in dict.fromkeys([supplier.legal_name, supplier.local_name, *supplier.alias_list]) if t]
            for text in texts:
                self.by_name.setdefault(company_key(text), set()).add(supplier.pk)
            records.append(
                {"key": str(supplier.pk), "name": supplier.legal_name, "country": supplier.country, "aliases": texts[1:]}
            )
        self.index = NameIndex(records)

    @classmethod
    def for_campaign(cls, campaign: Campaign) -> "SupplierIndex":
        from supplyesg.suppliers.models import Supplier

        suppliers = Supplier.objects.filter(mineral_requests__campaign=campaign).distinct()
        return cls(suppliers.only("pk", "legal_name", "local_name", "aliases", "registration_id", "country").iterator())

    def candidate(self, supplier_id: int, score: float, reasons=()) -> dict:
        return {"supplier_id": supplier_id, "name": self.names[supplier_id], "score": round(score, 1), "reasons": list(reasons)}

    def assign(self, company_name: str | None, unique_id: str | None = None) -> Assignment:
        reg = _registration_key(unique_id)
        if reg and len(self.by_registration.get(reg, ())) == 1:
            (pk,) = self.by_registration[reg]
            return Assignment("assigned", pk, "registration_id", 100.0)
        if not (company_name or "").strip():
            return Assignment("unassigned")
        exact = self.by_name.get(company_key(company_name), set())
        if len(exact) == 1:
            (pk,) = exact
            return Assignment("assigned", pk, "name", 100.0)
        if len(exact) > 1:
            return Assignment("uncertain", candidates=[self.candidate(pk, 100.0) for pk in sorted(exact)])
        ranked = [c for c in self.index.search(company_name, limit=MAX_CANDIDATES) if c.score >= UNCERTAIN_SCORE]
        if not ranked:
            return Assignment("unassigned")
        best = decide(ranked, ASSIGN_SCORE)
        if best is not None:
            return Assignment("assigned", int(best.key), "fuzzy", round(best.score, 1))
        return Assignment(
            "uncertain",
            score=round(ranked[0].score, 1),
            candidates=[self.candidate(int(c.key), c.score, c.reasons) for c in ranked],
        )


def _registration_key(value: str | None) -> str:
    return normalize_registration_id(value).casefold()


# ---------------------------------------------------------------- sources


@dataclass
class Source:
    name: str  # shown to people; unique within one import
    read: Callable[[], bytes] | None  # None: skipped, see `problem`
    problem: str = ""


def _is_candidate(name: str) -> bool:
    base = os.path.basename(name.rstrip("/"))
    return bool(base) and not base.startswith((".", "~$")) and not name.startswith("__MACOSX/")


def _zip_sources(path: Path, prefix: str = "") -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        yield Source(prefix + path.name, None, _("not a readable zip archive (%(error)s)") % {"error": exc})
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and _is_candidate(m.filename)]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            yield Source(
                prefix + path.name,
                None,
                _("the archive holds %(count)d files; the limit is %(limit)d")
                % {"count": len(members), "limit": MAX_ARCHIVE_MEMBERS},
            )
            return
        expanded = sum(m.file_size for m in members)
        if expanded > bulk_uncompressed_limit():
            yield Source(
                prefix + path.name,
                None,
                _("the archive expands to %(size)d MB; the limit is %(limit)d MB")
                % {"size": expanded // 1048576, "limit": bulk_uncompressed_limit() // 1048576},
            )
            return
        for member in members:
            name = prefix + member.filename
            if not member.filename.lower().endswith(EXCEL_SUFFIXES):
                yield Source(name, None, _("not an Excel workbook"))
            elif member.file_size > MAX_FILE_BYTES:
                yield Source(name, None, _("larger than %(mb)d MB once unpacked") % {"mb": MAX_FILE_BYTES // 1048576})
            else:
                yield Source(name, _member_reader(path, member.filename))


def _member_reader(path: Path, member: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise RuleViolation(_("larger than %(mb)d MB once unpacked") % {"mb": MAX_FILE_BYTES // 1048576})
        return data

    return read


def _file_source(path: Path, *, in_folder: bool = False) -> Iterator[Source]:
    name = path.name
    if path.suffix.lower() == ".zip":
        yield from _zip_sources(path, prefix=f"{name}/" if in_folder else "")
    elif path.suffix.lower() not in EXCEL_SUFFIXES:
        yield Source(name, None, _("not an Excel workbook"))
    elif path.stat().st_size > MAX_FILE_BYTES:
        yield Source(name, None, _("larger than %(mb)d MB") % {"mb": MAX_FILE_BYTES // 1048576})
    else:
        yield Source(name, path.read_bytes)


def iter_sources(path: Path) -> Iterator[Source]:
    """A file, a .zip (its workbooks) or a folder (its files by name, zips opened; hidden files skipped)."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(path.iterdir(), key=lambda p: p.name):
            if child.is_file() and _is_candidate(child.name):
                yield from _file_source(child, in_folder=True)
    else:
        yield from _file_source(path)


# ---------------------------------------------------------------- import


def _hold(job_id: int, seq: int, name: str, data: bytes) -> str:
    safe = get_valid_filename(os.path.basename(name)) or "declaration.xlsx"
    return default_storage.save(f"{HOLD_DIR}/{job_id}/{seq:05d}-{safe}"[:240], ContentFile(data))


def empty_result(campaign: Campaign) -> dict:
    return {"campaign_id": campaign.pk, "assigned": [], "uncertain": [], "unassigned": [], "skipped": []}


def import_files(
    campaign: Campaign,
    path: Path,
    *,
    job: Job,
    actor=None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Import every workbook under `path` into the campaign, recording progress and the outcome in `job`.

    Safe to run again for the same job: files already in its result are not imported twice.
    """
    sources = list(iter_sources(Path(path)))
    result = job.result if job.result.get("campaign_id") == campaign.pk else empty_result(campaign)
    for key in ("assigned", "uncertain", "unassigned", "skipped"):
        result.setdefault(key, [])
    done_names = {e["file"] for key in ("assigned", "uncertain", "unassigned", "skipped") for e in result[key]}
    seq = len(done_names)
    total = len(sources)
    job_progress(job.pk, status=Job.Status.RUNNING, total=total, done=len(done_names), result=result)
    index = SupplierIndex.for_campaign(campaign)
    requests = {r.supplier_id: r for r in campaign.requests.all()}
    reference = services.check_reference()
    done = len(done_names)
    save_at = next_save(done)
    try:
        with aggregation.figures_deferred():  # the dashboard is refreshed once after the import, not per file
            for source in sources:
                if source.name in done_names:
                    continue
                seq += 1
                entry = {"id": seq, "file": source.name}
                _import_one(campaign, source, entry, result, index, requests, reference, job, actor)
                done += 1
                if done >= save_at:
                    job_progress(job.pk, done=done, result=result)
                    save_at = next_save(done)
                else:
                    job_progress(job.pk, done=done)
                if on_progress:
                    on_progress(done, total)
    except BaseException:
        # What was stored stays recorded, so a retry of the same job does not store it twice.
        job_progress(job.pk, done=done, result=result)
        raise
    counts = {key: len(result[key]) for key in ("assigned", "uncertain", "unassigned", "skipped")}
    message = _("%(assigned)d assigned, %(uncertain)d uncertain, %(unassigned)d unassigned, %(skipped)d skipped") % counts
    job_progress(job.pk, done=done, total=total, status=Job.Status.DONE, result=result, message=message)
    return result


def _import_one(campaign, source, entry, result, index, requests, reference, job, actor) -> None:
    if source.read is None:
        result["skipped"].append({**entry, "reason": source.problem})
        return
    try:
        data = source.read()
    except (RuleViolation, OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        result["skipped"].append({**entry, "reason": "; ".join(getattr(exc, "messages", [str(exc)]))})
        return
    declaration = read_workbook(data, filename=os.path.basename(source.name))
    refused = refusal(declaration.findings)
    if refused is not None:  # never held or stored: macros, or a file the guards stopped
        result["skipped"].append({**entry, "reason": refused.message})
        return
    company = declaration.company
    entry.update({"company": company.name or "", "unique_id": company.unique_id or ""})
    mismatch = campaigns.kind_mismatch(declaration, campaign)
    if mismatch:
        result["skipped"].append({**entry, "reason": mismatch})
        return
    assignment = index.assign(company.name, company.unique_id)
    if assignment.outcome == "assigned":
        checked = check_declaration(declaration, reference)
        try:
            submission = campaigns.submit_declaration(
                requests[assignment.supplier_id],
                data=data,
                file_name=os.path.basename(source.name),
                actor=actor,
                channel=Submission.Channel.BULK,
                checked=checked,
                reference=reference,
            )
        except RuleViolation as exc:
            result["skipped"].append({**entry, "reason": " ".join(exc.messages)})
            return
        result["assigned"].append(
            {
                **entry,
                "supplier_id": assignment.supplier_id,
                "supplier": index.names[assignment.supplier_id],
                "matched_by": assignment.matched_by,
                "score": assignment.score,
                "submission_id": submission.pk,
                "valid": submission.valid,
            }
        )
        return
    held = _hold(job.pk, entry["id"], source.name, data)
    reason = "" if company.name else _("no company name could be read from the Declaration sheet")
    result[assignment.outcome].append(
        {**entry, "candidates": assignment.candidates, "held": held, "reason": reason, "confirmed": None}
    )


@transaction.atomic
def start_bulk_import(campaign: Campaign, upload, *, actor) -> Job:
    """Keep the uploaded zip privately and queue its import; the page polls the job."""
    if campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign %(name)s is closed.") % {"name": campaign.name})
    job = start_job(kind=JOB_KIND, actor=actor)
    job.result = empty_result(campaign)
    job.save(update_fields=["result"])
    stored = default_storage.save(f"{HOLD_DIR}/{job.pk}/upload.zip", upload)
    path = default_storage.path(stored)
    audit.record(
        actor=actor,
        action="campaign.bulk_import_started",
        target=campaign,
        changes={"file": [None, getattr(upload, "name", "")], "job": [None, job.pk]},
    )
    jobs.enqueue_on_commit(job, campaign.pk, path)
    return job


def upload_path(job: Job) -> str:
    """Where the bulk page kept the job's zip (the task removes it once the import is done)."""
    return default_storage.path(f"{HOLD_DIR}/{job.pk}/upload.zip")


def retry_bulk_import(job: Job, *, actor) -> Job:
    """Queue a failed import again; files it already recorded are not imported twice."""
    path = upload_path(job)
    if not os.path.exists(path):
        raise RuleViolation(_("The uploaded archive of this import is no longer there; upload it again."))
    with transaction.atomic():
        job = reopen_job(job, actor=actor)
        campaign_id = job.result["campaign_id"]
        jobs.enqueue_on_commit(job, campaign_id, path)
    return job


def get_bulk_job(campaign: Campaign, job_id) -> Job:
    """The import job of this campaign, or 404."""
    job = Job.objects.filter(pk=job_id, kind=JOB_KIND).first() if str(job_id).isdigit() else None
    if job is None or job.result.get("campaign_id") != campaign.pk:
        raise Http404
    return job


@transaction.atomic
def confirm_bulk_file(job: Job, *, item: int, supplier_id: int, actor) -> Submission:
    """A person names the supplier of a held file: it is stored as that supplier's submission."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    campaign = Campaign.objects.get(pk=job.result["campaign_id"])
    entry = next(
        (e for key in ("uncertain", "unassigned") for e in job.result.get(key, []) if e.get("id") == item),
        None,
    )
    if entry is None:
        raise RuleViolation(_("item: this file is not waiting for a supplier."))
    if entry.get("confirmed"):
        raise RuleViolation(_("item: %(file)s was already assigned.") % {"file": entry["file"]})
    request_obj = SubmissionRequest.objects.filter(campaign=campaign, supplier_id=supplier_id).select_related("supplier").first()
    if request_obj is None:
        raise RuleViolation(_("supplier: choose a supplier of this campaign."))
    try:
        with default_storage.open(entry["held"], "rb") as handle:
            data = handle.read()
    except (OSError, KeyError):
        raise RuleViolation(_("item: the held file %(file)s is no longer there.") % {"file": entry["file"]})
    submission = campaigns.submit_declaration(
        request_obj,
        data=data,
        file_name=os.path.basename(entry["file"]),
        actor=actor,
        channel=Submission.Channel.BULK,
    )
    entry["confirmed"] = {
        "supplier_id": request_obj.supplier_id,
        "supplier": request_obj.supplier.legal_name,
        "submission_id": submission.pk,
        "valid": submission.valid,
        "by": actor.get_username() if actor is not None and getattr(actor, "pk", None) else "",
    }
    job_progress(job.pk, result=job.result)
    audit.record(
        actor=actor,
        action="campaign.bulk_file_assigned",
        target=submission,
        supplier=request_obj.supplier,
        changes={"file": [None, entry["file"]], "company": [None, entry.get("company", "")]},
        reason=_("Supplier confirmed by a person after a bulk import"),
    )
    held = entry["held"]
    transaction.on_commit(lambda: default_storage.delete(held))
    return submission


def run_cli_import(campaign: Campaign, path: Path, *, on_progress=None) -> tuple[Job, dict]:
    """The command line's import: a job record like the page's, so uncertain files can be confirmed there."""
    job = start_job(kind=JOB_KIND)
    job.result = empty_result(campaign)
    job.save(update_fields=["result"])
    result = import_files(campaign, path, job=job, on_progress=on_progress)
    return job, result
