"""Last year's CMRT and EMRT campaigns behind `supplyesg load_demo_minerals`, so a fresh install shows the minerals
dashboard, the company smelter list and the company declaration with something in them.

Every supplier file is written by the product's own writer (`cmrt.writer`) into the blank RMI templates the site is
configured with (CMRT_TEMPLATE_PATH / EMRT_TEMPLATE_PATH), with smelters drawn from the loaded RMI reference list,
then submitted, checked, accepted or returned through the real services. Nothing is copied from RMI workbooks
but the blank template itself, as a user would download it. A fixed seed gives the same files every time.

The campaigns are for last year's reporting year and ran in the first months of this year: the services refuse a due
date in the past, so the due date is moved back after the campaign is closed (the only stored date changed here).
This year's CMRT campaign is open, with a dozen files waiting for review (a few with errors), so the review desk,
its bulk acceptance and the portal's "what to correct" have something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.models import AuditEvent, User
from supplyesg.minerals import declaration
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.cmrt.reader import read_workbook
from supplyesg.minerals.cmrt.writer import CompanyData, write_declaration
from supplyesg.minerals.models import Campaign, Smelter, Submission
from supplyesg.suppliers.demo import SEED, DemoRefused, demo_is_loaded
from supplyesg.suppliers.models import Category

MARKER = "demo.minerals_loaded"
CMRT_MINERALS = ["Tin", "Tantalum", "Tungsten", "Gold"]
EMRT_MINERALS = ["Cobalt", "Mica"]
# The categories each campaign asks (tier-1 and tier-2 suppliers): about forty suppliers each.
SCOPE = {"CMRT": ("tin-solder", "connectors", "pcba"), "EMRT": ("battery-cells", "battery-modules", "cobalt-compounds")}
ANSWERED = 0.8  # share of requested suppliers who sent a file
RETURNED = 0.1  # share of the files that are returned for correction (a declaration question left open)
MAX_FILES = {"CMRT": 40, "EMRT": 30}  # a guard: enough for the dashboards and `make run` stays quick
WAITING_FILES = 12  # this year's open CMRT campaign: files sent and not yet decided
COMPANY = {
    "company_name": "SupplyESG Demo Electronics Co., Ltd.",
    "scope": "A",
    "company_id": "91440300MA5DEMO001",
    "company_id_authority": "SAMR",
    "address": "1 Keji Road, Nanshan District, Shenzhen, Guangdong, China",
    "contact_name": "Carla Compliance",
    "contact_email": "compliance@supplyesg-demo.example",
    "contact_phone": "+86 755 5555 0100",
    "authorizer_name": "Wang Lei",
    "authorizer_title": "Chief Sustainability Officer",
    "authorizer_email": "wang.lei@supplyesg-demo.example",
    "authorizer_phone": "+86 755 5555 0101",
    "policy_url": "https://supplyesg-demo.example/responsible-minerals-policy",
}


@dataclass
class MineralsOutcome:
    loaded: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped: str = ""


def minerals_demo_is_loaded() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


def _blank(template: str) -> bytes | None:
    path = declaration.blank_template_setting(template)
    if not path:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def load_demo_minerals(seed: int = SEED) -> MineralsOutcome:
    if not demo_is_loaded():
        raise DemoRefused(_("Load the demo registry first (supplyesg load_demo)."))
    if minerals_demo_is_loaded():
        return MineralsOutcome(loaded=False)
    blanks = {t: _blank(t) for t in ("CMRT", "EMRT")}
    if not any(blanks.values()):
        return MineralsOutcome(
            loaded=False, skipped=_("No blank RMI template is configured (CMRT_TEMPLATE_PATH / EMRT_TEMPLATE_PATH).")
        )
    if not Smelter.objects.exists():
        return MineralsOutcome(loaded=False, skipped=_("The RMI smelter list is not loaded (supplyesg smelters_load)."))
    compliance = User.objects.get(username="compliance")
    year = timezone.localdate().year - 1
    outcome = MineralsOutcome(loaded=True)
    # The demo companies are fictitious: request and reminder e-mails go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        rng = random.Random(seed)
        for template, minerals in (("CMRT", CMRT_MINERALS), ("EMRT", EMRT_MINERALS)):
            if blanks[template]:
                outcome.counts[template] = _campaign(rng, template, minerals, blanks[template], year, compliance)
                _company_declaration(template, year, minerals, compliance)
        if blanks["CMRT"]:
            outcome.counts[f"CMRT {year + 1}"] = _open_campaign(rng, blanks["CMRT"], year + 1, compliance)
        trail.record(actor=None, action=MARKER, target=compliance, reason=_("Demo minerals campaigns loaded"))
    return outcome


def _new_campaign(template: str, year: int, actor) -> Campaign:
    campaign = campaigns.create_campaign(
        actor=actor,
        name=_("%(template)s %(year)s: yearly survey of mineral suppliers") % {"template": template, "year": year},
        reporting_year=year,
        template=template,
        minerals=CMRT_MINERALS if template == "CMRT" else EMRT_MINERALS,
        due_date=timezone.localdate() + dt.timedelta(days=30),
        categories=list(Category.objects.filter(code__in=SCOPE[template])),
        tiers=[1, 2],
    )
    campaigns.open_campaign(campaign, actor=actor)
    return campaign


def _send(request_obj, blank: bytes, data: CompanyData, template: str, year: int, actor) -> Submission:
    return campaigns.submit_declaration(
        request_obj,
        data=write_declaration(blank, data),
        file_name=f"{request_obj.supplier.code}-{template}-{year}.xlsx",
        actor=actor,
        channel=Submission.Channel.STAFF,
    )


def _campaign(rng, template: str, minerals: list[str], blank: bytes, year: int, actor) -> dict[str, int]:
    today = timezone.localdate()
    campaign = _new_campaign(template, year, actor)
    layout = read_workbook(blank, filename="blank.xlsx").layout
    reference = _reference(minerals)
    requests = list(campaign.requests.select_related("supplier").order_by("supplier__code"))
    counts = {"requested": len(requests), "accepted": 0, "returned": 0, "no_response": 0}
    files = 0
    for request_obj in requests:
        if files >= MAX_FILES[template] or rng.random() > ANSWERED:
            counts["no_response"] += 1
            continue
        files += 1
        incomplete = rng.random() < RETURNED
        data = _supplier_data(rng, request_obj.supplier, layout, minerals, reference, year, incomplete=incomplete)
        submission = _send(request_obj, blank, data, template, year, actor)
        if submission.valid:
            campaigns.accept_submission(submission, actor=actor, comment=_("Checked and accepted."))
            counts["accepted"] += 1
        else:
            campaigns.return_submission(
                submission, actor=actor, comment=_("Please answer every declaration question for each mineral in scope.")
            )
            counts["returned"] += 1
    campaigns.close_campaign(campaign, actor=actor)
    # The campaign ran in the first months of this year; the service refuses a past due date, so move it back now.
    Campaign.objects.filter(pk=campaign.pk).update(due_date=dt.date(today.year, 3, 31))
    return counts


def _open_campaign(rng, blank: bytes, year: int, actor) -> dict[str, int]:
    """This year's CMRT campaign, still open: the first suppliers have sent files, which wait for review."""
    campaign = _new_campaign("CMRT", year, actor)
    layout = read_workbook(blank, filename="blank.xlsx").layout
    reference = _reference(CMRT_MINERALS)
    requests = list(campaign.requests.select_related("supplier").order_by("supplier__code"))
    counts = {"requested": len(requests), "awaiting_review": 0, "with_errors": 0}
    today = timezone.localdate()
    for request_obj in requests[:WAITING_FILES]:
        data = _supplier_data(
            rng, request_obj.supplier, layout, CMRT_MINERALS, reference, year, incomplete=rng.random() < 2 * RETURNED
        )
        data.effective_date = today - dt.timedelta(days=rng.randint(3, 40))  # signed in the last weeks
        submission = _send(request_obj, blank, data, "CMRT", year, actor)
        counts["awaiting_review" if submission.valid else "with_errors"] += 1
    return counts


def _reference(minerals: list[str]) -> dict[str, list[Smelter]]:
    by_metal: dict[str, list[Smelter]] = {m: [] for m in minerals}
    for smelter in Smelter.objects.filter(metal__in=minerals).order_by("cid"):
        by_metal[smelter.metal].append(smelter)
    return by_metal


def declaration_answers(rng, layout, minerals, reference, *, incomplete: bool, most_smelters: int = 6):
    """A plausible declaration: the minerals in scope, the answers and the smelter list (two to `most_smelters` RMI
    smelters per mineral; every question answered but one mineral's when `incomplete`). The demo and the scale data
    share it."""
    in_scope = [m for m in minerals if reference.get(m)]
    chosen = sorted(rng.sample(in_scope, k=rng.randint(1, len(in_scope))), key=in_scope.index)
    answers = {}
    for metal in layout.metals:
        if metal not in chosen:
            if layout.template == "CMRT":  # EMRT asks only about the minerals declared in scope
                answers[metal] = {"q1": "No", "q2": "No"}
            continue
        per_metal = {}
        for question in layout.questions:
            if question.role == "responded":
                per_metal[question.key] = rng.choice(("100%", "100%", "Greater than 90%", "Greater than 75%"))
            elif question.role in ("covered_countries", "cahra", "recycled"):
                per_metal[question.key] = rng.choice(("No", "No", "Unknown", "Yes"))
            else:
                per_metal[question.key] = "Yes"
        if incomplete and metal == chosen[0]:
            per_metal = {k: v for k, v in per_metal.items() if k in ("q1", "q2")}
        answers[metal] = per_metal
    smelters = []
    for metal in chosen:
        for smelter in rng.sample(reference[metal], k=min(len(reference[metal]), rng.randint(2, most_smelters))):
            smelters.append({"metal": metal, "cid": smelter.cid, "name": smelter.standard_name, "country": smelter.country})
    return chosen, answers, smelters


def _supplier_data(rng, supplier, layout, minerals, reference, year: int, *, incomplete: bool) -> CompanyData:
    """A plausible supplier declaration: a few minerals in scope, their smelters from the RMI list, all answered."""
    chosen, answers, smelters = declaration_answers(rng, layout, minerals, reference, incomplete=incomplete)
    contact = supplier.contacts.order_by("-is_primary", "pk").first()
    return CompanyData(
        company_name=supplier.legal_name,
        scope="A",
        company_id=supplier.registration_id or "",
        address=" ".join(supplier.address.split()),
        contact_name=getattr(contact, "name", "") or "Compliance desk",
        contact_email=getattr(contact, "email", "") or f"compliance@{supplier.code.lower()}.example",
        contact_phone=getattr(contact, "phone", "") or "",
        authorizer_name=getattr(contact, "name", "") or "General Manager",
        authorizer_title="General Manager",
        authorizer_email=getattr(contact, "email", "") or f"gm@{supplier.code.lower()}.example",
        effective_date=dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
        minerals=chosen if layout.template == "EMRT" else [],
        answers=answers,
        company_answers={cq.key: cq.allowed[0] for cq in layout.company_questions},
        policy_url=f"https://{supplier.code.lower()}.example/minerals-policy",
        smelters=smelters,
    )


def _company_declaration(template: str, year: int, minerals: list[str], actor) -> None:
    """The company's own entries, so `supplyesg cmrt_export` writes a complete declaration right away."""
    layout = declaration.layout_for(template)
    answers = {}
    for metal in minerals:
        answers[metal] = {
            q.key: ("Yes" if q.role in ("intentional", "remains", "all_identified", "all_reported") else "")
            for q in layout.questions
            if q.role in ("intentional", "remains", "all_identified", "all_reported")
        }
    data = {
        "company": {**COMPANY, "effective_date": dt.date(year + 1, 4, 30).isoformat()},
        "answers": answers,
        "company_answers": {cq.key: cq.allowed[0] for cq in layout.company_questions},
    }
    if template == "EMRT":
        data["minerals"] = minerals
    declaration.save_company_declaration(year, template, data, actor=actor)
