"""Minerals reference data: loading the RMI smelter list, RMAP statuses, risk countries; confirmed aliases."""

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.matching import Candidate, decide, resolve_country
from supplyesg.core.models import PolicySettings
from supplyesg.core.sheets.text import TextFileError, csv_rows
from supplyesg.core.workbooks.grids import UnreadableWorkbook, read_grids
from supplyesg.core.workbooks.messages import problem_message, unsafe_message
from supplyesg.minerals.cmrt import Reference, ReferenceList, ReferenceSmelter, read_workbook
from supplyesg.minerals.cmrt.reference import normalise_cid
from supplyesg.minerals.models import (
    Metal,
    RiskCountry,
    RmapStatus,
    RmapStatusUpload,
    Smelter,
    SmelterAlias,
    SmelterListLoad,
    SmelterReview,
    SubmissionSmelter,
)
from supplyesg.suppliers.sanctions.services import screen_subjects
from supplyesg.suppliers.sanctions.subjects import Subject

METALS = frozenset(Metal.values)


def country_code(name: str) -> str:
    """ISO alpha-2 code for a template country name, or '' when it is not a country (e.g. 'Unknown')."""
    return resolve_country(name) or ""


@transaction.atomic
def load_smelter_list(source, *, actor=None, file_name: str = "") -> SmelterListLoad:
    """Load (or update from) a template's Smelter Look-up sheet. Names, countries and aliases that change
    are recorded in the audit trail; smelters and aliases are never deleted, so history is kept."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    file_name = file_name or (Path(source).name if isinstance(source, (str, Path)) else "upload.xlsx")
    declaration = read_workbook(data, filename=file_name)
    if not declaration.template or not declaration.lookup:
        reasons = [f.message for f in getattr(declaration, "findings", [])][:3]
        raise RuleViolation(
            _("%(file)s: no Smelter Look-up sheet of a supported RMI template was found.") % {"file": file_name}
            + (" " + " ".join(reasons) if reasons else "")
        )
    load = SmelterListLoad.objects.create(
        template=declaration.template,
        version=declaration.version or "",
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        loaded_by=actor if actor and getattr(actor, "pk", None) else None,
    )
    existing = {(s.cid, s.metal): s for s in Smelter.objects.all()}
    known_aliases = set(SmelterAlias.objects.values_list("smelter_id", "name"))
    created, updated, new_aliases = [], [], []
    changed_fields = ("standard_name", "country", "country_code", "city", "state", "source")
    for ref in declaration.lookup.smelters:
        if not ref.cid or ref.metal not in METALS:
            continue
        values = {
            "standard_name": ref.name[:255],
            "country": ref.country[:100],
            "country_code": country_code(ref.country),
            "city": ref.city[:120],
            "state": ref.state[:120],
            "source": ref.source[:50],
        }
        smelter = existing.get((ref.cid, ref.metal))
        if smelter is None:
            smelter = Smelter(cid=ref.cid, metal=ref.metal, first_seen=load, last_seen=load, **values)
            created.append(smelter)
            existing[(ref.cid, ref.metal)] = smelter
        else:
            before = audit.snapshot(smelter, changed_fields)
            for key, value in values.items():
                if value or key in ("standard_name",):
                    setattr(smelter, key, value)
            smelter.last_seen = load
            diff = audit.diff(before, audit.snapshot(smelter, changed_fields))
            updated.append((smelter, diff))
    Smelter.objects.bulk_create(created)
    Smelter.objects.bulk_update([s for s, _d in updated], [*changed_fields, "last_seen"], batch_size=500)
    for smelter, diff in updated:
        if diff:
            audit.record(
                actor=actor,
                action="smelter.updated",
                target=smelter,
                changes=diff,
                reason=f"{load.template} {load.version} {load.file_name}",
            )
    for ref in declaration.lookup.smelters:
        smelter = existing.get((ref.cid, ref.metal))
        if smelter is None or smelter.pk is None:
            continue
        for alias in {ref.name, *ref.aliases}:
            alias = (alias or "").strip()[:255]
            if alias and (smelter.pk, alias) not in known_aliases:
                known_aliases.add((smelter.pk, alias))
                new_aliases.append(SmelterAlias(smelter=smelter, name=alias, source=SmelterAlias.Source.TEMPLATE))
    SmelterAlias.objects.bulk_create(new_aliases, ignore_conflicts=True)
    renamed = [s.pk for s, d in updated if "standard_name" in d]
    screen_subjects("smelter", [s.pk for s in created if s.pk] + renamed, actor=actor)
    load.smelters_created = len(created)
    load.smelters_updated = sum(1 for _s, d in updated if d)
    load.aliases_added = len(new_aliases)
    load.save()
    audit.record(
        actor=actor,
        action="smelter_list.loaded",
        target=load,
        changes={
            "template": [None, f"{load.template} {load.version}"],
            "created": [None, load.smelters_created],
            "updated": [None, load.smelters_updated],
            "aliases_added": [None, load.aliases_added],
        },
    )
    _reference_changed()
    return load


def reference_list() -> ReferenceList:
    """The loaded smelter list with every alias (template and confirmed), for the matcher. Two queries."""
    aliases: dict[int, list[str]] = {}
    for smelter_id, name in SmelterAlias.objects.values_list("smelter_id", "name"):
        aliases.setdefault(smelter_id, []).append(name)
    return ReferenceList.from_records(
        {
            "cid": s.cid,
            "metal": s.metal,
            "name": s.standard_name,
            "country": s.country,
            "aliases": aliases.get(s.pk, []),
            "city": s.city,
            "state": s.state,
            "source": s.source,
        }
        for s in Smelter.objects.all()
    )


def rmap_status_map() -> dict[str, str]:
    return {cid: RmapStatus.Status(status).label for cid, status in RmapStatus.objects.current().values_list("cid", "status")}


def _country_set(kind: str) -> frozenset[str]:
    codes = list(RiskCountry.objects.filter(kind=kind).values_list("country", flat=True))
    names = set()
    for code in codes:
        country = pycountry.countries.get(alpha_2=code)
        if country:
            names.add(country.name.upper())
    return frozenset(codes) | frozenset(names)


def check_reference() -> Reference | None:
    """What the database adds to a CMRT check: the smelter list, RMAP statuses and risk countries."""
    smelters = reference_list()
    statuses = rmap_status_map()
    covered = _country_set(RiskCountry.Kind.COVERED)
    cahra = _country_set(RiskCountry.Kind.CAHRA)
    if not (smelters or statuses or covered or cahra):
        return None
    kwargs = {"smelters": smelters or None, "rmap_status": statuses or None, "cahra_countries": cahra}
    if covered:
        kwargs["covered_countries"] = covered
    return Reference(**kwargs)


@transaction.atomic
def confirm_alias(smelter: Smelter, name: str, *, actor) -> SmelterAlias:
    """A reviewer confirms that `name` means this smelter; the matcher uses it for every later file."""
    name = " ".join((name or "").split())[:255]
    if not name:
        raise RuleViolation(_("name: the alias is empty."))
    alias, created = SmelterAlias.objects.get_or_create(
        smelter=smelter, name=name, defaults={"source": SmelterAlias.Source.CONFIRMED, "added_by": actor}
    )
    if created:
        audit.record(actor=actor, action="smelter.alias_confirmed", target=smelter, changes={"alias": [None, name]})
        screen_subjects("smelter", [smelter.pk], actor=actor)
    return alias


@transaction.atomic
def withdraw_alias(alias: SmelterAlias, *, reason: str, actor) -> int:
    """Take back a confirmed alias: rows it identified lose their CID and the name waits in the queue again.
    Returns how many stored rows were un-identified."""
    alias = SmelterAlias.objects.select_for_update().select_related("smelter").get(pk=alias.pk)
    reason = " ".join((reason or "").split())
    if alias.source != SmelterAlias.Source.CONFIRMED:
        raise RuleViolation(_("Only aliases confirmed by a reviewer can be withdrawn; template names come from RMI."))
    if not reason:
        raise RuleViolation(_("reason: say why the alias is withdrawn."))
    smelter = alias.smelter
    rows = SubmissionSmelter.objects.filter(metal=smelter.metal, name=alias.name, cid=smelter.cid, matched_by="alias")
    updated = rows.update(cid="", matched_by="", score=None)
    SmelterReview.objects.filter(metal=smelter.metal, name=alias.name, decided_smelter=smelter).update(
        status=SmelterReview.Status.PENDING, decided_smelter=None, decided_by=None, decided_at=None
    )
    audit.record(
        actor=actor,
        action="smelter.alias_withdrawn",
        target=smelter,
        changes={
            "alias": [alias.name, None],
            "confirmed_by": [alias.added_by.get_username() if alias.added_by else None, None],
            "rows_unidentified": [None, updated],
        },
        reason=reason,
    )
    alias.delete()
    return updated


@dataclass
class ReviewAdvice:
    """What the queue shows for one name: the five best candidates and the CID it may pre-fill."""

    candidates: list[Candidate]
    prefill: str = ""


def review_advice(reviews, reference: ReferenceList | None = None) -> dict[int, ReviewAdvice]:
    """Candidates for each review; the best one is pre-filled only above the policy's confidence."""
    reference = reference if reference is not None else reference_list()
    floor = float(PolicySettings.current().smelter_prefill_score)
    out = {}
    for review in reviews:
        candidates = reference.candidates(review.metal, review.name, review.country)
        best = decide(candidates, floor)
        out[review.pk] = ReviewAdvice(candidates, best.key if best else "")
    return out


def search_reference(text: str, metal: str = "", reference: ReferenceList | None = None, limit: int = 10) -> list:
    """Search the whole loaded reference list by name or CID: (smelter, candidate) pairs, best first."""
    text = " ".join((text or "").split())
    if not text:
        return []
    reference = reference if reference is not None else reference_list()
    metals = [metal] if metal else sorted(reference.metals)
    code = normalise_cid(text)
    found: list[tuple[ReferenceSmelter, Candidate]] = []
    for each in metals:
        smelter = reference.get(code, each) if code else None
        if smelter and smelter.metal.casefold() == each.casefold():
            found.append((smelter, Candidate(smelter.cid, smelter.name, 100.0, [_("smelter id")])))
            continue
        for candidate in reference.candidates(each, text, limit=limit):
            if candidate.score > 0:
                found.append((reference.get(candidate.key, each), candidate))
    found.sort(key=lambda pair: -pair[1].score)
    return found[:limit]


def smelter_subjects(ids=None):
    """Smelters as sanctions-screening subjects (registered with suppliers.sanctions in MineralsConfig.ready):
    the standard name and every alias; a confirmed hit on a smelter blocks no supplier by itself."""
    smelters = Smelter.objects.all() if ids is None else Smelter.objects.filter(pk__in=list(ids))
    aliases: dict[int, list[str]] = {}
    for smelter_id, name in SmelterAlias.objects.filter(smelter__in=smelters).values_list("smelter_id", "name"):
        aliases.setdefault(smelter_id, []).append(name)
    for pk, cid, metal, name, code in smelters.values_list("pk", "cid", "metal", "standard_name", "country_code"):
        names = tuple(dict.fromkeys(n for n in (name, *aliases.get(pk, [])) if n and n.strip()))
        yield Subject("smelter", pk, f"{name} ({cid}, {metal})", names, code or "", None)


# ---------------------------------------------------------------- RMAP statuses

_STATUS_WORDS = {
    "conformant": RmapStatus.Status.CONFORMANT,
    "active": RmapStatus.Status.ACTIVE,
    "non conformant": RmapStatus.Status.NON_CONFORMANT,
    "non-conformant": RmapStatus.Status.NON_CONFORMANT,
    "nonconformant": RmapStatus.Status.NON_CONFORMANT,
    "not enrolled": RmapStatus.Status.NOT_ENROLLED,
    "not_enrolled": RmapStatus.Status.NOT_ENROLLED,
    "suspended": RmapStatus.Status.SUSPENDED,
    "non_conformant": RmapStatus.Status.NON_CONFORMANT,
}
_HEADERS = {
    "cid": "cid",
    "smelter id": "cid",
    "smelter_id": "cid",
    "facility id": "cid",
    "status": "status",
    "rmap status": "status",
    "conformance status": "status",
    "conformance_status": "status",
    "assessment date": "assessment_date",
    "assessment_date": "assessment_date",
    "last audit date": "assessment_date",
    "last assessment": "assessment_date",
    "next assessment": "next_assessment_date",
    "next_assessment_date": "next_assessment_date",
    "next audit date": "next_assessment_date",
}


@dataclass
class RmapImportResult:
    upload: RmapStatusUpload | None = None
    errors: list[str] = field(default_factory=list)


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%b-%Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _rows_from_file(data: bytes, file_name: str) -> tuple[str, list[list]]:
    if file_name.lower().endswith(".xlsx"):
        try:
            grids = read_grids(data, (), first_if_missing=True, skip_empty_area=True)
        except UnreadableWorkbook as exc:
            problem = problem_message(exc.problem) if exc.problem else unsafe_message(exc.reason)
            raise RuleViolation(_("file: %(problem)s") % {"problem": problem}) from None
        if grids.error or not grids.sheets:
            raise RuleViolation(_("file: the file is not a readable .xlsx workbook (it may be damaged)."))
        return next(iter(grids.sheets.items()))
    try:
        return "", csv_rows(data)  # UTF-8, UTF-16 (Excel's "Unicode text") or GB18030; comma, semicolon or tab
    except TextFileError:
        raise RuleViolation(_("file: the CSV is not text in UTF-8, UTF-16 or GB18030."))
    except csv.Error as exc:
        raise RuleViolation(_("file: the CSV cannot be read: %(error)s.") % {"error": exc})


def _reference_changed() -> None:
    """Smelter locations, RMAP statuses or risk countries changed: every year's dashboard figures follow."""
    from supplyesg.minerals.aggregation import figures_changed  # the aggregation builds on this module

    figures_changed(None)


@transaction.atomic
def load_rmap_statuses(data: bytes, *, file_name: str, actor=None, is_demo: bool = False) -> RmapImportResult:
    """Store an RMAP status list keyed by CID. Any bad row rejects the whole file; earlier uploads stay as history."""
    result = RmapImportResult()
    try:
        sheet, rows = _rows_from_file(data, file_name)
    except RuleViolation:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        raise RuleViolation(
            _("file: %(name)s cannot be read (%(error)s).") % {"name": file_name, "error": exc.__class__.__name__}
        )
    if not rows:
        raise RuleViolation(_("file: %(name)s is empty.") % {"name": file_name})
    header = [_HEADERS.get(str(h or "").strip().lower()) for h in rows[0]]
    if "cid" not in header or "status" not in header:
        raise RuleViolation(_('file: the first row must name the columns; "CID" and "Status" are required.'))
    prefix = f"{sheet}!" if sheet else ""

    def where(row_no, col):
        letter = chr(ord("A") + col) if col < 26 else f"col{col + 1}"
        return f"{prefix}{letter}{row_no}" if prefix else f"row {row_no}, column {letter}"

    parsed, seen = [], set()
    for index, row in enumerate(rows[1:], start=2):
        if not any(str(v or "").strip() for v in row):
            continue
        values = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name}
        col = {name: i for i, name in enumerate(header) if name}
        cid = normalise_cid(values.get("cid"))
        if not cid:
            result.errors.append(
                f"{where(index, col['cid'])}: " + _('"%(value)s" is not a smelter id (CID000123).') % {"value": values.get("cid")}
            )
            continue
        if cid in seen:
            result.errors.append(f"{where(index, col['cid'])}: " + _("%(cid)s appears twice.") % {"cid": cid})
            continue
        seen.add(cid)
        status = _STATUS_WORDS.get(str(values.get("status") or "").strip().lower())
        if status is None:
            result.errors.append(
                f"{where(index, col['status'])}: "
                + _('"%(value)s" is not a known RMAP status.') % {"value": values.get("status")}
            )
            continue
        dates = {}
        for key in ("assessment_date", "next_assessment_date"):
            try:
                dates[key] = _parse_date(values.get(key))
            except ValueError:
                result.errors.append(f"{where(index, col[key])}: " + _('"%(value)s" is not a date.') % {"value": values.get(key)})
        parsed.append(RmapStatus(cid=cid, status=status, **dates))
    if result.errors:
        transaction.set_rollback(True)
        return result
    upload = RmapStatusUpload.objects.create(
        file_name=file_name[:255],
        rows=len(parsed),
        is_demo=is_demo,
        uploaded_by=actor if actor and getattr(actor, "pk", None) else None,
    )
    for status in parsed:
        status.upload = upload
    RmapStatus.objects.bulk_create(parsed, batch_size=1000)
    audit.record(actor=actor, action="rmap.loaded", target=upload, changes={"rows": [None, len(parsed)], "demo": [None, is_demo]})
    result.upload = upload
    _reference_changed()
    return result
