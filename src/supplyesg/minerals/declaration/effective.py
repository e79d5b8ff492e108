"""The declaration as it stands: stored entries over derived proposals, and what the Checker would flag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.minerals.aggregation import SmelterSummary
from supplyesg.minerals.cmrt import layouts as L
from supplyesg.minerals.declaration.base import COMPANY_FIELD_LABELS, REQUIRED_FIELDS, layout_for, offered_minerals
from supplyesg.minerals.declaration.derive import Derived, derived_answers
from supplyesg.minerals.models import CompanyDeclaration


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
        """Later questions and smelters apply unless Q1 or Q2 takes the metal out (as in the Checker;
        AMRT: Q1 alone)."""
        answers = self.answers.get(metal, {})
        excluded = self.layout.excluded_answers
        return all(answers.get(key) not in excluded for key in self.layout.scope_questions)

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
    derived = derived_answers(year, template)
    minerals = [m for m in stored.get("minerals") or [] if m in offered_minerals(template)] or derived.minerals
    metals = sorted(minerals, key=str.casefold) if layout.mineral_slots else list(layout.metals)
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
    if layout.mineral_slots and not effective.metals:
        problems.append(_("Select at least one mineral in scope."))
    smelter_metals = {s.metal for s in effective.smelters}
    for metal in effective.metals:
        answers = effective.answers.get(metal, {})
        for question in layout.questions:
            required = (
                question.key in layout.required_questions
                or (question.key == "q2" and answers.get("q1") not in layout.excluded_answers)
                or effective.in_scope(metal)
            )
            if required and not answers.get(question.key):
                problems.append(_("%(metal)s: answer question %(question)s.") % {"metal": metal, "question": question.key[1:]})
        if effective.in_scope(metal) and metal not in smelter_metals:
            problems.append(_("%(metal)s is in scope but no identified smelter is listed for it.") % {"metal": metal})
    if any(effective.in_scope(m) for m in effective.metals):
        for cq in layout.company_questions:
            value = effective.company_answers.get(cq.key)
            if cq.cell is None:
                missing = (
                    [m for m in effective.metals if not (value or {}).get(m)] if isinstance(value, dict) else effective.metals
                )
                if missing:
                    problems.append(
                        _("Answer company question %(key)s for %(metals)s.") % {"key": cq.key, "metals": ", ".join(missing)}
                    )
            elif not value:
                problems.append(_("Answer company question %(key)s.") % {"key": cq.key})
        url_question = layout.url_question
        if url_question and effective.company_answers.get(url_question) == "Yes" and len(company.get("policy_url", "")) < 2:
            problems.append(_("Question B is Yes: give the URL of the policy."))
    return problems
