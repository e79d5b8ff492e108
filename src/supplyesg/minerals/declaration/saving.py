"""Storing the company's own entries, checked against the template's allowed values."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.minerals.declaration.base import (
    COMPANY_FIELD_LABELS,
    COMPANY_FIELDS,
    DECLARED_TEMPLATES,
    MAX_DECLARED_MINERALS,
    MAX_YEAR,
    MIN_YEAR,
    SCOPES,
    layout_for,
    offered_minerals,
)
from supplyesg.minerals.models import CompanyDeclaration


def _clean(template: str, data: dict) -> dict:
    """Check stored-format data against the template's allowed values; RuleViolation lists every problem."""
    layout = layout_for(template)
    offered = offered_minerals(template)
    errors: list[str] = []
    company = _clean_company(data.get("company") or {}, errors)
    minerals = _clean_minerals(template, list(data.get("minerals") or []), offered, errors)
    answers = _clean_answers(template, layout, data.get("answers") or {}, offered, errors)
    company_answers = _clean_company_answers(template, layout, data.get("company_answers") or {}, errors)
    products = _clean_products(data.get("products") or [], errors)
    if errors:
        raise RuleViolation(errors)
    out: dict = {"company": company, "answers": answers, "company_answers": company_answers}
    if products:
        out["products"] = products
    if minerals and layout.mineral_slots:
        out["minerals"] = sorted(set(minerals))
    return out


def _clean_company(given: dict, errors: list[str]) -> dict:
    company = {}
    for key, value in given.items():
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
            _('%(field)s: name the person; "same" is not allowed.') % {"field": COMPANY_FIELD_LABELS["authorizer_name"]}
        )
    if company.get("effective_date"):
        try:
            dt.date.fromisoformat(company["effective_date"])
        except ValueError:
            errors.append(_("%(field)s: enter a date (YYYY-MM-DD).") % {"field": COMPANY_FIELD_LABELS["effective_date"]})
    return company


def _clean_minerals(template: str, minerals: list, offered, errors: list[str]) -> list:
    if len(set(minerals)) > MAX_DECLARED_MINERALS:
        errors.append(_("minerals: at most %(n)s minerals fit the template.") % {"n": MAX_DECLARED_MINERALS})
    for metal in minerals:
        if metal not in offered:
            errors.append(_("minerals: %(metal)s is not in the %(template)s.") % {"metal": metal, "template": template})
    return minerals


def _clean_answers(template: str, layout, given: dict, offered, errors: list[str]) -> dict:
    answers: dict = {}
    questions = {q.key: q for q in layout.questions}
    for metal, per_metal in given.items():
        if metal not in offered:
            errors.append(_("%(metal)s is not a metal of the %(template)s.") % {"metal": metal, "template": template})
            continue
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
    return answers


def _clean_company_answers(template: str, layout, given: dict, errors: list[str]) -> dict:
    company_answers: dict[str, object] = {}
    questions = {cq.key: cq for cq in layout.company_questions}
    for key, value in given.items():
        cq = questions.get(key)
        if cq is None:
            errors.append(_("Company question %(key)s does not exist in the %(template)s.") % {"key": key, "template": template})
        elif cq.cell is None:  # answered per metal (EMRT)
            per_metal = _clean_per_metal_answer(key, cq, value, errors)
            if per_metal:
                company_answers[key] = per_metal
        elif value and value not in cq.allowed:
            errors.append(
                _('Company question %(key)s: "%(value)s" is not one of %(allowed)s.')
                % {"key": key, "value": value, "allowed": " / ".join(cq.allowed)}
            )
        elif value:
            company_answers[key] = value
    return company_answers


def _clean_per_metal_answer(key: str, cq, value, errors: list[str]) -> dict:
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
    return per_metal


def _clean_products(given: list, errors: list[str]) -> list:
    products = []
    for index, product in enumerate(given, start=1):
        number = " ".join(str(product[0] if product else "").split())
        name = " ".join(str(product[1] if len(product) > 1 else "").split())
        if not number:
            errors.append(_("products: line %(n)s has no product number.") % {"n": index})
        else:
            products.append([number[:200], name[:200]])
    return products


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
    if template not in DECLARED_TEMPLATES:
        raise RuleViolation(_("template: %(value)s is not CMRT, EMRT or AMRT.") % {"value": template})
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolation(_("year: %(value)s is not a reporting year.") % {"value": year})
    clean = _clean(template, data)
    declaration, _created = CompanyDeclaration.objects.select_for_update().get_or_create(reporting_year=year, template=template)
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
