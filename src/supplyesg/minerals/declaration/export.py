"""Writing the company's declaration into the blank RMI template."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext as _

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals.cmrt import layouts as L
from supplyesg.minerals.cmrt import read_workbook
from supplyesg.minerals.declaration.base import blank_template_setting, layout_for
from supplyesg.minerals.declaration.effective import Effective, effective_declaration, stored_declaration


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
        minerals=list(effective.metals if effective.layout.mineral_slots else effective.minerals),
        answers={m: _exported_answers(effective, m) for m in effective.metals},
        company_answers={k: v for k, v in effective.company_answers.items() if v},
        policy_url=company.get("policy_url", ""),
        smelters=[{"metal": s.metal, "cid": s.cid, "name": s.name, "country": s.country} for s in effective.smelters],
    )


def _exported_answers(effective: Effective, metal: str) -> dict[str, str]:
    """A metal Q1/Q2 takes out of scope keeps only those answers, as the template's gated dropdowns do."""
    answers = {k: v for k, v in effective.answers.get(metal, {}).items() if v}
    if effective.in_scope(metal):
        return answers
    layout = effective.layout
    keep = {"q1"} if answers.get("q1") in layout.excluded_answers else {"q1", "q2"}
    keep.update(layout.required_questions)  # AMRT: Q2 is answered for every mineral
    return {k: v for k, v in answers.items() if k in keep}


def _check_blank(blank: bytes, template: str) -> None:
    """The blank must be an RMI template of this family, no older than the latest version we support."""
    declaration = read_workbook(blank, filename="blank.xlsx")
    latest = L.LATEST[template].split()[-1]
    if declaration.template != template:
        found = f"{declaration.template} {declaration.version}" if declaration.template else _("not an RMI template")
        raise RuleViolation(
            _("blank: the file is %(found)s; download the blank %(latest)s from the RMI website.")
            % {"found": found, "latest": L.LATEST[template]}
        )
    if L.version_key(declaration.version or "") < L.version_key(latest) or declaration.layout is None:
        raise RuleViolation(
            _("blank: %(template)s %(version)s is older than %(latest)s; download the current template from RMI.")
            % {"template": template, "version": declaration.version, "latest": L.LATEST[template]}
        )


def export_declaration(year: int, template: str, template_path: str | os.PathLike | bytes | None = None) -> bytes:
    """The company's declaration written into the blank RMI template (a path or the file's bytes)."""
    from supplyesg.minerals.cmrt.writer import write_declaration

    layout_for(template)
    source = template_path if template_path is not None else blank_template_setting(template)
    if source is None:
        raise RuleViolation(
            _("blank: no blank %(template)s template is configured; upload the one downloaded from RMI.") % {"template": template}
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
        raise RuleViolation(_("blank: the declaration could not be written into this template (%(error)s).") % {"error": exc})


def export_file_name(year: int, template: str) -> str:
    """RMI suggests companyname-date; ours is company-TEMPLATE-year.xlsx, in safe characters."""
    company = (stored_declaration(year, template).answers or {}).get("company") or {}
    name = "".join(c if c.isalnum() else "-" for c in company.get("company_name") or "")
    name = "-".join(p for p in name.split("-") if p)[:60] or "company"
    return f"{name}-{template}-{year}.xlsx"
