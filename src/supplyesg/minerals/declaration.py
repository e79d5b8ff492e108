"""The company's own CMRT/EMRT for a reporting year.

Answers are proposed from the counted supplier declarations (``derive_answers``); the company's own
entries (company block, company questions, any per-metal answer it overrides) are kept in
CompanyDeclaration.answers and win over the proposals. The Smelter List is the aggregated company
smelter list. ``export_declaration`` writes all of it into a blank RMI template the user downloaded.

Stored answers::

    {"company": {"company_name": ..., "scope": "A", "effective_date": "2025-06-30", ...},
     "products": [["PN-1", "Cable"]], "minerals": ["Cobalt"],          # minerals: EMRT selection override
     "answers": {"Tin": {"q3": "Unknown"}},                            # per-metal overrides only
     "company_answers": {"A": "Yes", "C": "Yes"}}                      # EMRT "C": {"Cobalt": "Yes"}
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import aggregation
from supplyesg.minerals.aggregation import POSITIVE_ANSWERS, SmelterSummary, UnresolvedName
from supplyesg.minerals.cmrt import layouts as L
from supplyesg.minerals.cmrt import read_workbook
from supplyesg.minerals.models import (
    Campaign,
    CompanyDeclaration,
    Submission,
    SubmissionRequest,
    TemplateType,
)

MIN_YEAR, MAX_YEAR = 2000, 2100
COMPANY_FIELDS = (
    "company_name",
    "scope",
    "scope_description",
    "company_id",
    "company_id_authority",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "authorizer_name",
    "authorizer_title",
    "authorizer_email",
    "authorizer_phone",
    "effective_date",
    "policy_url",
)
COMPANY_FIELD_LABELS = {
    "company_name": gettext_lazy("Company name"),
    "scope": gettext_lazy("Declaration scope"),
    "scope_description": gettext_lazy("Description of scope"),
    "company_id": gettext_lazy("Company unique ID"),
    "company_id_authority": gettext_lazy("Company unique ID authority"),
    "address": gettext_lazy("Address"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact e-mail"),
    "contact_phone": gettext_lazy("Contact phone"),
    "authorizer_name": gettext_lazy("Authorizer"),
    "authorizer_title": gettext_lazy("Authorizer's title"),
    "authorizer_email": gettext_lazy("Authorizer e-mail"),
    "authorizer_phone": gettext_lazy("Authorizer phone"),
    "effective_date": gettext_lazy("Effective date"),
    "policy_url": gettext_lazy("Sourcing policy URL (question B)"),
}
REQUIRED_FIELDS = (
    "company_name",
    "scope",
    "contact_name",
    "contact_email",
    "contact_phone",
    "authorizer_name",
    "authorizer_email",
)
SCOPES = (
    ("A", gettext_lazy("A. Company")),
    ("B", gettext_lazy("B. Product (or list of products)")),
    ("C", gettext_lazy("C. User defined (describe the scope)")),
)
QUESTION_TEXT = {
    "intentional": gettext_lazy(
        "Is any of the metal intentionally added or used in the product(s) or in the production process?"
    ),
    "remains": gettext_lazy("Does any of the metal remain in the product(s)?"),
    "covered_countries": gettext_lazy(
        "Do any of the smelters in your supply chain source the metal from the covered countries?"
    ),
    "cahra": gettext_lazy(
        "Do any of the smelters in your supply chain source the metal from conflict-affected and "
        "high-risk areas?"
    ),
    "recycled": gettext_lazy("Does 100 percent of the metal originate from recycled or scrap sources?"),
    "responded": gettext_lazy(
        "What percentage of relevant suppliers have provided a response to your supply chain survey?"
    ),
    "all_identified": gettext_lazy(
        "Have you identified all of the smelters supplying the metal to your supply chain?"
    ),
    "all_reported": gettext_lazy(
        "Has all applicable smelter information received by your company been reported in this declaration?"
    ),
}
COMPANY_QUESTION_TEXT = {
    "A": gettext_lazy("Have you established a responsible minerals sourcing policy?"),
    "B": gettext_lazy(
        "Is your responsible minerals sourcing policy publicly available on your website? (Give the URL.)"
    ),
    "C": gettext_lazy(
        "Do you require your direct suppliers to source from smelters whose due diligence practices "
        "have been validated by an independent third-party audit program?"
    ),
    "D": gettext_lazy("Have you implemented due diligence measures for responsible sourcing?"),
    "E": gettext_lazy("Does your company conduct a minerals survey of your relevant suppliers?"),
    "F": gettext_lazy(
        "Do you review due diligence information received from your suppliers against your company's "
        "expectations?"
    ),
    "G": gettext_lazy("Does your review process include corrective action management?"),
    "H": gettext_lazy("Is your company required to file an annual conflict minerals disclosure?"),
}


def layout_for(template: str) -> L.Layout:
    """The layout of the latest supported version: the one the company's declaration is written in."""
    if template not in aggregation.LAYOUTS:
        raise RuleViolation(_("template: %(value)s is neither CMRT nor EMRT.") % {"value": template})
    return aggregation.LAYOUTS[template]


def blank_template_setting(template: str) -> str | None:
    """The blank RMI template configured for the family (SUPPLYESG_CMRT_TEMPLATE / _EMRT_TEMPLATE)."""
    return getattr(settings, f"SUPPLYESG_{template}_TEMPLATE", None) or None


def response_bucket(received: int, requested: int) -> str:
    """The template's answer to "what share of relevant suppliers responded"; '' when nobody was asked."""
    if not requested:
        return ""
    if received >= requested:
        return "100%"
    share = received / requested
    for threshold, answer in (
        (0.9, "Greater than 90%"),
        (0.75, "Greater than 75%"),
        (0.5, "Greater than 50%"),
    ):
        if share > threshold:
            return answer
    return "50% or less" if received else "None"


# ---------------------------------------------------------------- derived answers


@dataclass
class Derived:
    minerals: list[str]
    answers: dict[str, dict[str, str]]
    reasons: dict[str, dict[str, str]]
    company_answers: dict[str, str]
    smelters: list[SmelterSummary]
    unresolved: list[UnresolvedName]
    response: dict[str, tuple[int, int]]  # metal -> (suppliers that responded, suppliers asked)


def _campaign_response(year: int, template: str) -> tuple[list[str], dict[str, tuple[int, int]], bool]:
    """Minerals in scope of the year's campaigns and, per mineral, (suppliers responded, suppliers asked)."""
    campaigns = list(
        Campaign.objects.filter(reporting_year=year, template=template).values_list("pk", "minerals")
    )
    counts = {
        row["campaign_id"]: (row["responded"], row["asked"])
        for row in aggregation.requests_for(year, template)
        .annotate(responded_any=Exists(Submission.objects.filter(request=OuterRef("pk"))))
        .values("campaign_id")
        .annotate(
            asked=Count(
                "pk", filter=~Q(status=SubmissionRequest.Status.NOT_REQUESTED) | Q(responded_any=True)
            ),
            responded=Count("pk", filter=Q(responded_any=True)),
        )
        .order_by("campaign_id")
    }
    minerals: list[str] = []
    response: dict[str, tuple[int, int]] = {}
    for pk, campaign_minerals in campaigns:
        responded, asked = counts.get(pk, (0, 0))
        for metal in campaign_minerals or []:
            if metal not in minerals:
                minerals.append(metal)
            before = response.get(metal, (0, 0))
            response[metal] = (before[0] + responded, before[1] + asked)
    return minerals, response, bool(campaigns)


def derive_answers(year: int, template: str) -> Derived:
    """What the aggregated data says the company should answer (a fixed number of queries)."""
    layout = layout_for(template)
    campaign_minerals, response, any_campaign = _campaign_response(year, template)
    supplier_answers: list[dict] = [
        m
        for m in aggregation.counted_submissions(year, template).values_list("result__minerals", flat=True)
        if isinstance(m, dict)
    ]
    smelters = aggregation.company_smelters(year, template)
    unresolved = aggregation.unresolved_names(year, template)
    answers: dict[str, dict[str, str]] = {}
    reasons: dict[str, dict[str, str]] = {}
    for metal in layout.metals:
        answers[metal], reasons[metal] = _derive_metal(
            layout,
            said=[a[metal] for a in supplier_answers if isinstance(a.get(metal), dict)],
            in_campaign=metal in campaign_minerals,
            smelters=[s for s in smelters if s.metal == metal],
            unresolved=[u for u in unresolved if u.metal == metal],
            response=response.get(metal, (0, 0)),
        )
    company: dict[str, str] = {}
    if any_campaign:
        survey = next(cq for cq in layout.company_questions if cq.key == "E")
        company["E"] = survey.allowed[0]  # "Yes, in conformance with IPC1755 (e.g., CMRT)"
    if supplier_answers:
        company["F"] = "Yes"
    return Derived(
        minerals=[m for m in layout.metals if m in campaign_minerals],
        answers=answers,
        reasons=reasons,
        company_answers=company,
        smelters=smelters,
        unresolved=unresolved,
        response=response,
    )


def _derive_metal(
    layout: L.Layout,
    *,
    said: list[dict],
    in_campaign: bool,
    smelters: list[SmelterSummary],
    unresolved: list[UnresolvedName],
    response: tuple[int, int],
) -> tuple[dict[str, str], dict[str, str]]:
    """One metal's proposed answers and why. Every question gets a proposal, so a person who overrides
    Q1/Q2 still sees what the data says about the later questions."""
    keys = {q.role: q.key for q in layout.questions}
    answers: dict[str, str] = {}
    why: dict[str, str] = {}

    def given(role: str) -> list[str]:
        return [s[keys[role]] for s in said if s.get(keys[role])]

    def propose(role: str, answer: str, reason: str) -> None:
        answers[keys[role]], why[keys[role]] = answer, reason

    for role in ("intentional", "remains"):
        values = given(role)
        if "Yes" in values:
            reason = _("%(n)s accepted supplier declaration(s) answer Yes.")
            propose(role, "Yes", reason % {"n": values.count("Yes")})
        elif values:
            propose(role, "No", _("No accepted supplier declaration answers Yes."))
        elif not in_campaign:
            propose(role, "No", _("The metal is not in the scope of this year's campaigns."))
        else:
            propose(role, "", _("No accepted supplier declaration answers this yet."))
    for role, flag in (("covered_countries", "covered"), ("cahra", "cahra")):
        if role not in keys:
            continue
        values = given(role)
        located = [s for s in smelters if getattr(s, flag)]
        positive = sum(1 for v in values if v in POSITIVE_ANSWERS)
        if located or positive:
            reason = _("%(smelters)s smelter(s) located there; %(suppliers)s supplier(s) answer Yes.")
            propose(role, "Yes", reason % {"smelters": len(located), "suppliers": positive})
        elif unresolved or "Unknown" in values or not values:
            propose(role, "Unknown", _("Some smelters are not identified, or suppliers answer Unknown."))
        else:
            propose(role, "No", _("No identified smelter is located there and every supplier answers No."))
    values = given("recycled")
    if values and all(v == "Yes" for v in values):
        propose("recycled", "Yes", _("Every supplier answers Yes."))
    elif "No" in values:
        propose("recycled", "No", _("At least one supplier answers No."))
    else:
        propose("recycled", "Unknown", _("No supplier answer settles it."))
    received, asked = response
    bucket = response_bucket(received, asked)
    counts = {"received": received, "asked": asked}
    propose("responded", bucket, _("%(received)s of %(asked)s suppliers asked have responded.") % counts)
    gaps = [v for v in given("all_identified") if v != "Yes"]
    if unresolved or gaps or bucket != "100%":
        reason = _(
            "%(names)s smelter name(s) without an id; %(gaps)s supplier(s) have not identified all "
            "theirs; %(received)s of %(asked)s suppliers responded."
        )
        propose("all_identified", "No", reason % {"names": len(unresolved), "gaps": len(gaps), **counts})
    else:
        propose("all_identified", "Yes", _("Every supplier responded and every smelter has an id."))
    if unresolved:
        propose("all_reported", "No", _("Smelter names without an id cannot be listed."))
    else:
        propose("all_reported", "Yes", _("Every identified smelter is in the Smelter List."))
    return answers, why


# ---------------------------------------------------------------- the declaration as it stands


@dataclass
class Effective:
    """The declaration that would be exported: stored entries over derived proposals."""

    year: int
    template: str
    stored: dict
    derived: Derived
    company: dict[str, str] = field(default_factory=dict)
    products: list[tuple[str, str]] = field(default_factory=list)
    minerals: list[str] = field(default_factory=list)
    metals: list[str] = field(default_factory=list)  # metals with answer rows, in template order
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    company_answers: dict[str, object] = field(default_factory=dict)

    @property
    def layout(self) -> L.Layout:
        return layout_for(self.template)

    def in_scope(self, metal: str) -> bool:
        """Later questions and smelters apply unless Q1 or Q2 takes the metal out (as in the Checker)."""
        answers = self.answers.get(metal, {})
        excluded = self.layout.excluded_answers
        return answers.get("q1") not in excluded and answers.get("q2") not in excluded

    @property
    def smelters(self) -> list[SmelterSummary]:
        return [s for s in self.derived.smelters if s.metal in self.metals and self.in_scope(s.metal)]

    @property
    def effective_date(self) -> dt.date:
        raw = self.company.get("effective_date")
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()


def stored_declaration(year: int, template: str) -> CompanyDeclaration:
    """The saved declaration, or an unsaved empty one (reading never writes)."""
    found = CompanyDeclaration.objects.filter(reporting_year=year, template=template).first()
    return found or CompanyDeclaration(reporting_year=year, template=template, answers={})


def effective_declaration(year: int, template: str) -> Effective:
    layout = layout_for(template)
    stored = stored_declaration(year, template).answers or {}
    derived = derive_answers(year, template)
    minerals = [m for m in stored.get("minerals") or [] if m in layout.metals] or derived.minerals
    metals = sorted(minerals) if template == "EMRT" else list(layout.metals)
    overrides = stored.get("answers") or {}
    answers = {}
    for metal in metals:
        merged = dict(derived.answers.get(metal, {}))
        merged.update({k: v for k, v in (overrides.get(metal) or {}).items() if v})
        answers[metal] = merged
    company_answers = dict(derived.company_answers)
    company_answers.update({k: v for k, v in (stored.get("company_answers") or {}).items() if v})
    return Effective(
        year=year,
        template=template,
        stored=stored,
        derived=derived,
        company={k: v for k, v in (stored.get("company") or {}).items() if v},
        products=[(p[0], p[1] if len(p) > 1 else "") for p in stored.get("products") or []],
        minerals=minerals,
        metals=metals,
        answers=answers,
        company_answers=company_answers,
    )


def declaration_problems(effective: Effective) -> list[str]:
    """What the template's Checker would still flag in the exported file, as sentences."""
    problems = []
    company = effective.company
    for key in REQUIRED_FIELDS:
        if not company.get(key):
            problems.append(_("%(field)s is required.") % {"field": COMPANY_FIELD_LABELS[key]})
    for key in ("contact_email", "authorizer_email"):
        if company.get(key) and "@" not in company[key]:
            problems.append(_("%(field)s needs an @.") % {"field": COMPANY_FIELD_LABELS[key]})
    if company.get("scope") == "C" and not company.get("scope_description"):
        problems.append(_("Scope C needs a description of the scope."))
    if company.get("scope") == "B" and not effective.products:
        problems.append(_("Scope B needs at least one product."))
    layout = effective.layout
    if effective.template == "EMRT" and not effective.metals:
        problems.append(_("Select at least one mineral in scope."))
    smelter_metals = {s.metal for s in effective.smelters}
    for metal in effective.metals:
        answers = effective.answers.get(metal, {})
        for question in layout.questions:
            required = (
                question.key == "q1"
                or (question.key == "q2" and answers.get("q1") not in layout.excluded_answers)
                or effective.in_scope(metal)
            )
            if required and not answers.get(question.key):
                problems.append(
                    _("%(metal)s: answer question %(question)s.")
                    % {"metal": metal, "question": question.key[1:]}
                )
        if effective.in_scope(metal) and metal not in smelter_metals:
            problems.append(
                _("%(metal)s is in scope but no identified smelter is listed for it.") % {"metal": metal}
            )
    if any(effective.in_scope(m) for m in effective.metals):
        for cq in layout.company_questions:
            value = effective.company_answers.get(cq.key)
            if cq.cell is None:
                missing = (
                    [m for m in effective.metals if not (value or {}).get(m)]
                    if isinstance(value, dict)
                    else effective.metals
                )
                if missing:
                    problems.append(
                        _("Answer company question %(key)s for %(metals)s.")
                        % {"key": cq.key, "metals": ", ".join(missing)}
                    )
            elif not value:
                problems.append(_("Answer company question %(key)s.") % {"key": cq.key})
        if effective.company_answers.get("B") == "Yes" and len(company.get("policy_url", "")) < 2:
            problems.append(_("Question B is Yes: give the URL of the policy."))
    return problems


# ---------------------------------------------------------------- saving


def _clean(template: str, data: dict) -> dict:
    """Check stored-format data against the template's allowed values; RuleViolation lists every problem."""
    layout = layout_for(template)
    errors: list[str] = []
    company = {}
    for key, value in (data.get("company") or {}).items():
        value = " ".join(str(value or "").split())
        if key not in COMPANY_FIELDS:
            errors.append(_("%(field)s: unknown field.") % {"field": key})
        elif value:
            company[key] = value[:500]
    if company.get("scope") and company["scope"] not in dict(SCOPES):
        errors.append(_("%(field)s: choose A, B or C.") % {"field": COMPANY_FIELD_LABELS["scope"]})
    for key in ("contact_email", "authorizer_email"):
        if company.get(key) and "@" not in company[key]:
            errors.append(_("%(field)s: enter an e-mail address.") % {"field": COMPANY_FIELD_LABELS[key]})
    if company.get("authorizer_name", "").casefold() == "same":
        errors.append(
            _('%(field)s: name the person; "same" is not allowed.')
            % {"field": COMPANY_FIELD_LABELS["authorizer_name"]}
        )
    if company.get("effective_date"):
        try:
            dt.date.fromisoformat(company["effective_date"])
        except ValueError:
            errors.append(
                _("%(field)s: enter a date (YYYY-MM-DD).") % {"field": COMPANY_FIELD_LABELS["effective_date"]}
            )
    minerals = list(data.get("minerals") or [])
    for metal in minerals:
        if metal not in layout.metals:
            errors.append(
                _("minerals: %(metal)s is not in the %(template)s.") % {"metal": metal, "template": template}
            )
    answers = {}
    for metal, per_metal in (data.get("answers") or {}).items():
        if metal not in layout.metals:
            errors.append(
                _("%(metal)s is not a metal of the %(template)s.") % {"metal": metal, "template": template}
            )
            continue
        questions = {q.key: q for q in layout.questions}
        for key, value in (per_metal or {}).items():
            if key not in questions:
                errors.append(_("%(metal)s: %(key)s is not a question.") % {"metal": metal, "key": key})
            elif value and value not in questions[key].allowed_for(metal):
                errors.append(
                    _('%(metal)s question %(q)s: "%(value)s" is not one of %(allowed)s.')
                    % {
                        "metal": metal,
                        "q": key[1:],
                        "value": value,
                        "allowed": " / ".join(questions[key].allowed_for(metal)),
                    }
                )
            elif value:
                answers.setdefault(metal, {})[key] = value
    company_answers: dict[str, object] = {}
    questions = {cq.key: cq for cq in layout.company_questions}
    for key, value in (data.get("company_answers") or {}).items():
        cq = questions.get(key)
        if cq is None:
            errors.append(
                _("Company question %(key)s does not exist in the %(template)s.")
                % {"key": key, "template": template}
            )
        elif cq.cell is None:
            per_metal = {}
            for metal, answer in (value or {}).items() if isinstance(value, dict) else ():
                allowed = cq.allowed_by_metal.get(metal, cq.allowed)
                if answer and answer not in allowed:
                    errors.append(
                        _('Company question %(key)s for %(metal)s: "%(value)s" is not allowed.')
                        % {"key": key, "metal": metal, "value": answer}
                    )
                elif answer:
                    per_metal[metal] = answer
            if per_metal:
                company_answers[key] = per_metal
        elif value and value not in cq.allowed:
            errors.append(
                _('Company question %(key)s: "%(value)s" is not one of %(allowed)s.')
                % {"key": key, "value": value, "allowed": " / ".join(cq.allowed)}
            )
        elif value:
            company_answers[key] = value
    products = []
    for index, product in enumerate(data.get("products") or [], start=1):
        number = " ".join(str(product[0] if product else "").split())
        name = " ".join(str(product[1] if len(product) > 1 else "").split())
        if not number:
            errors.append(_("products: line %(n)s has no product number.") % {"n": index})
        else:
            products.append([number[:200], name[:200]])
    if errors:
        raise RuleViolation(errors)
    out: dict = {"company": company, "answers": answers, "company_answers": company_answers}
    if products:
        out["products"] = products
    if minerals and template == "EMRT":
        out["minerals"] = sorted(set(minerals))
    return out


def _flatten(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@transaction.atomic
def save_company_declaration(year: int, template: str, data: dict, *, actor) -> CompanyDeclaration:
    """Store the company's own entries for the year's declaration; the audit trail records each change."""
    if template not in TemplateType.values:
        raise RuleViolation(_("template: %(value)s is neither CMRT nor EMRT.") % {"value": template})
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolation(_("year: %(value)s is not a reporting year.") % {"value": year})
    clean = _clean(template, data)
    declaration, _created = CompanyDeclaration.objects.select_for_update().get_or_create(
        reporting_year=year, template=template
    )
    changes = audit.diff(_flatten(declaration.answers or {}), _flatten(clean))
    if not changes and not _created:
        return declaration
    declaration.answers = clean
    declaration.updated_by = actor if actor is not None and getattr(actor, "pk", None) else None
    declaration.save()
    audit.record(
        actor=actor,
        action="company_declaration.updated",
        target=declaration,
        changes=changes,
        reason=f"{template} {year}",
    )
    return declaration


# ---------------------------------------------------------------- export


def build_company_data(effective: Effective):
    """The writer's CompanyData for this declaration."""
    from supplyesg.minerals.cmrt.writer import CompanyData

    company = effective.company
    return CompanyData(
        company_name=company.get("company_name", ""),
        scope=company.get("scope", "A"),
        scope_description=company.get("scope_description", ""),
        products=list(effective.products),
        company_id=company.get("company_id", ""),
        company_id_authority=company.get("company_id_authority", ""),
        address=company.get("address", ""),
        contact_name=company.get("contact_name", ""),
        contact_email=company.get("contact_email", ""),
        contact_phone=company.get("contact_phone", ""),
        authorizer_name=company.get("authorizer_name", ""),
        authorizer_title=company.get("authorizer_title", ""),
        authorizer_email=company.get("authorizer_email", ""),
        authorizer_phone=company.get("authorizer_phone", ""),
        effective_date=effective.effective_date,
        minerals=list(effective.metals if effective.template == "EMRT" else effective.minerals),
        answers={m: _exported_answers(effective, m) for m in effective.metals},
        company_answers={k: v for k, v in effective.company_answers.items() if v},
        policy_url=company.get("policy_url", ""),
        smelters=[
            {"metal": s.metal, "cid": s.cid, "name": s.name, "country": s.country} for s in effective.smelters
        ],
    )


def _exported_answers(effective: Effective, metal: str) -> dict[str, str]:
    """A metal Q1/Q2 takes out of scope keeps only those answers, as the template's gated dropdowns do."""
    answers = {k: v for k, v in effective.answers.get(metal, {}).items() if v}
    if effective.in_scope(metal):
        return answers
    keep = ("q1",) if answers.get("q1") in effective.layout.excluded_answers else ("q1", "q2")
    return {k: v for k, v in answers.items() if k in keep}


def _check_blank(blank: bytes, template: str) -> None:
    """The blank must be an RMI template of this family, no older than the latest version we support."""
    declaration = read_workbook(blank, filename="blank.xlsx")
    latest = L.LATEST[template].split()[-1]
    if declaration.template != template:
        found = (
            f"{declaration.template} {declaration.version}"
            if declaration.template
            else _("not an RMI template")
        )
        raise RuleViolation(
            _("blank: the file is %(found)s; download the blank %(latest)s from the RMI website.")
            % {"found": found, "latest": L.LATEST[template]}
        )
    if L.version_key(declaration.version or "") < L.version_key(latest) or declaration.layout is None:
        raise RuleViolation(
            _(
                "blank: %(template)s %(version)s is older than %(latest)s; download the current template "
                "from RMI."
            )
            % {"template": template, "version": declaration.version, "latest": L.LATEST[template]}
        )


def export_declaration(
    year: int, template: str, template_path: str | os.PathLike | bytes | None = None
) -> bytes:
    """The company's declaration written into the blank RMI template (a path or the file's bytes)."""
    from supplyesg.minerals.cmrt.writer import write_declaration

    layout_for(template)
    source = template_path if template_path is not None else blank_template_setting(template)
    if source is None:
        raise RuleViolation(
            _("blank: no blank %(template)s template is configured; upload the one downloaded from RMI.")
            % {"template": template}
        )
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise RuleViolation(_("blank: %(path)s does not exist.") % {"path": path})
        blank = path.read_bytes()
    else:
        blank = bytes(source)
    _check_blank(blank, template)
    data = build_company_data(effective_declaration(year, template))
    try:
        return write_declaration(blank, data)
    except ValueError as exc:  # the writer names what does not fit the template
        raise RuleViolation(
            _("blank: the declaration could not be written into this template (%(error)s).") % {"error": exc}
        )


def export_file_name(year: int, template: str) -> str:
    """RMI suggests companyname-date; ours is company-TEMPLATE-year.xlsx, in safe characters."""
    company = (stored_declaration(year, template).answers or {}).get("company") or {}
    name = "".join(c if c.isalnum() else "-" for c in company.get("company_name") or "")
    name = "-".join(p for p in name.split("-") if p)[:60] or "company"
    return f"{name}-{template}-{year}.xlsx"
