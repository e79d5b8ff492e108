"""The minerals part of `supplyesg generate_scale_data` (core/scale.py): the year's CMRT and EMRT declarations at
scale, the way suppliers send them.

A CMRT campaign (and an EMRT one, for a share of the declarations) for the year is created with the campaign
service and asks every approved supplier through the campaign engine's bulk path (`ask_newcomers`; no e-mails:
generated suppliers have no real inbox). A handful of distinct workbooks are written by the product's own writer
(`cmrt.writer`) into the configured blank RMI templates, with smelters from the loaded RMI reference list and one
in a few left incomplete; each declaring supplier gets one of them with its own company name put in (the zip
member holding the name is rewritten, the rest copied), and every file is read, checked and stored by the import
service (`campaigns.submit_declaration`, one reference for all files as in a bulk import). Valid files are mostly
accepted (`accept_submission`); the rest stay received as the service marked them. The dashboard figures are
announced once at the end (`figures_deferred`). Deterministic for a seed; a supplier that already sent a file to the
year's scale campaign is not sent another, so a second run adds nothing and a run after a failure resumes.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils import timezone

from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.campaigns.services import ask_newcomers
from supplyesg.core.scale import ScaleOptions
from supplyesg.minerals import declaration, services
from supplyesg.minerals.aggregation.stored import figures_deferred, stored_snapshot
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.campaigns.services.campaigns import KIND
from supplyesg.minerals.cmrt.reader import read_workbook
from supplyesg.minerals.cmrt.writer import CompanyData, write_declaration
from supplyesg.minerals.demo import declaration_answers
from supplyesg.minerals.models import Campaign, Smelter, Submission, SubmissionRequest

MINERALS = {"CMRT": ["Tin", "Tantalum", "Tungsten", "Gold"], "EMRT": ["Cobalt", "Mica"]}
EMRT_SHARE = 0.2  # EMRT declarations, as a share of the --submissions CMRT ones
DISTINCT = 8  # distinct workbooks written per template; every file is one of them with its own company name
INCOMPLETE = 2  # of which this many leave a declaration question open (the checker finds errors)
ACCEPTED_SHARE = 0.8  # valid files the compliance team has accepted; the rest wait for review
PROGRESS_EVERY = 500
PLACEHOLDER = "SCALE-COMPANY-NAME-PLACEHOLDER"


def campaign_name(template: str, year: int) -> str:
    return f"Scale {template} {year}"


def _blank(template: str) -> bytes | None:
    path = declaration.blank_template_setting(template)
    if not path:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _campaign(template: str, year: int) -> Campaign:
    """The year's scale campaign, asking every approved supplier; created and opened the first time."""
    name = campaign_name(template, year)
    campaign = Campaign.objects.filter(name=name, reporting_year=year, template=template).first()
    if campaign is not None:
        return campaign
    today = timezone.localdate()
    with transaction.atomic():
        campaign = campaigns.create_campaign(
            actor=None, name=name, reporting_year=year, template=template, minerals=MINERALS[template],
            due_date=max(today + dt.timedelta(days=30), dt.date(year, 5, 31)), tiers=[1, 2, 3],
        )
        ask_newcomers(campaign_kind(KIND), campaign)
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)
    campaign.refresh_from_db()
    return campaign


def _company(rng: random.Random, layout, minerals: list[str], reference, year: int, *, incomplete: bool) -> CompanyData:
    """One plausible declaration: some minerals in scope, two to twelve RMI smelters each, every question answered
    (but one mineral's when `incomplete`)."""
    chosen, answers, smelters = declaration_answers(rng, layout, minerals, reference, incomplete=incomplete, most_smelters=12)
    return CompanyData(
        company_name=PLACEHOLDER,
        scope="A",
        address="Industrial Park, Building 3",
        contact_name="Compliance desk",
        contact_email="compliance@scale-supplier.example",
        contact_phone="+86 21 5555 0100",
        authorizer_name="General Manager",
        authorizer_title="General Manager",
        authorizer_email="gm@scale-supplier.example",
        effective_date=dt.date(year, rng.randint(1, 4), rng.randint(1, 28)),
        minerals=chosen if layout.template == "EMRT" else [],
        answers=answers,
        company_answers={cq.key: cq.allowed[0] for cq in layout.company_questions},
        policy_url="https://scale-supplier.example/minerals-policy",
        smelters=smelters,
    )


def _workbooks(rng: random.Random, template: str, blank: bytes, year: int, files: int) -> list[bytes]:
    """DISTINCT workbooks (fewer for a small run: as many as files, at least one complete one besides the
    INCOMPLETE ones); writing one takes seconds."""
    layout = read_workbook(blank, filename="blank.xlsx").layout
    reference: dict[str, list[Smelter]] = {m: [] for m in MINERALS[template]}
    for smelter in Smelter.objects.filter(metal__in=MINERALS[template]).order_by("cid"):
        reference[smelter.metal].append(smelter)
    return [
        write_declaration(blank, _company(rng, layout, MINERALS[template], reference, year, incomplete=n < INCOMPLETE))
        for n in range(min(DISTINCT, max(files, INCOMPLETE + 1)))
    ]


class NamedWorkbook:
    """One of the distinct workbooks, ready to take a company name: the zip without the members holding PLACEHOLDER
    (written once), and those members. Each file then appends only its renamed members to a copy of that zip: a
    reader finds members by name, not order. Re-compressing every member for each file took a third of the
    generator's time at 1,000 declarations."""

    def __init__(self, data: bytes):
        self.named: list[tuple[zipfile.ZipInfo, bytes]] = []
        base = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if PLACEHOLDER.encode() in content:
                    self.named.append((info, content))
                else:
                    target.writestr(info, content)
        self.base = base.getvalue()

    def named_for(self, name: str) -> bytes:
        """The workbook with PLACEHOLDER replaced by `name` wherever it was written."""
        needle, text = PLACEHOLDER.encode(), escape(name).encode()
        out = io.BytesIO(self.base)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
            for info, content in self.named:
                target.writestr(info, content.replace(needle, text))
        return out.getvalue()


def with_company_name(data: bytes, name: str) -> bytes:
    """The workbook with PLACEHOLDER replaced by `name` wherever it was written."""
    return NamedWorkbook(data).named_for(name)


def _declare(options: ScaleOptions, template: str, count: int, progress: Callable[[str], None]) -> None:
    if count < 1:
        progress(f"no {template} declarations asked for; skipped")
        return
    blank = _blank(template)
    if blank is None:
        progress(f"no blank {template} template is configured ({template}_TEMPLATE_PATH); skipped")
        return
    if not _reference_loaded(template, progress):
        progress(f"no RMI smelter list for the {template} minerals could be loaded; skipped")
        return
    campaign = _campaign(template, options.year)
    requests = list(
        SubmissionRequest.objects.filter(campaign=campaign).select_related("supplier").order_by("supplier__code")
    )
    rng = random.Random(f"{options.seed}-minerals-{template}")
    rng.shuffle(requests)
    chosen = requests[:count]
    done = set(Submission.objects.filter(request__in=chosen).values_list("request_id", flat=True))
    todo = [r for r in chosen if r.pk not in done]
    if not todo:
        progress(f"{len(done)} {template} declarations of {options.year} already exist; skipped")
        return
    if len(requests) < count:
        progress(f"only {len(requests)} approved suppliers to ask: {len(requests)} {template} declarations, not {count}")
    workbooks = [NamedWorkbook(data) for data in _workbooks(rng, template, blank, options.year, len(todo))]
    reference = services.check_reference()
    counts = {"accepted": 0, "received": 0}
    for n, request_obj in enumerate(todo, start=1):
        supplier = request_obj.supplier
        submission = campaigns.submit_declaration(
            request_obj,
            data=workbooks[rng.randrange(len(workbooks))].named_for(supplier.legal_name),
            file_name=f"{supplier.code}-{template}-{options.year}.xlsx",
            actor=None,
            channel=Submission.Channel.STAFF,
            reference=reference,
        )
        if submission.valid and rng.random() < ACCEPTED_SHARE:
            campaigns.accept_submission(submission, actor=None, comment="Checked and accepted.")
            counts["accepted"] += 1
        else:
            counts["received"] += 1
        if n % PROGRESS_EVERY == 0 or n == len(todo):
            progress(f"{template}: {len(done) + n}/{len(chosen)} declarations stored ({counts['accepted']} accepted)")


def _reference_loaded(template: str, progress: Callable[[str], None]) -> bool:
    """The RMI smelters of the template's minerals, loaded from its blank template when nobody loaded them yet."""
    if Smelter.objects.filter(metal__in=MINERALS[template]).exists():
        return True
    blank = declaration.blank_template_setting(template)
    if not blank:
        return False
    services.load_smelter_list(blank)
    progress(f"RMI smelter list loaded from {blank}")
    return Smelter.objects.filter(metal__in=MINERALS[template]).exists()


def generate_minerals(options: ScaleOptions, progress: Callable[[str], None]) -> None:
    with figures_deferred():
        _declare(options, "CMRT", options.submissions, progress)
        _declare(options, "EMRT", round(options.submissions * EMRT_SHARE), progress)
    for template in ("CMRT", "EMRT", None):
        stored_snapshot(options.year if template else None, template)
    progress("dashboard figures stored")


def register() -> None:
    from supplyesg.core.scale import register_scale_generator

    register_scale_generator("minerals", generate_minerals, order=50)
