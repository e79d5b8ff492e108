"""Reference data for assessments: requirement catalogues, questionnaire templates, country and category risk.

Catalogues and templates are versioned data: a file names its (code, version). Loading a version that is
already there with the same content changes nothing; loading a new version creates it beside the old one (a
new catalogue version becomes the current one). A version that exists with different content is refused:
campaigns and answers point at it, so it must not change under them. Country and category risks load in
`risk/reference.py`.

Every load is all-or-nothing and audited.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from supplyesg.assessments.engine import QuestionSpec, check_questions
from supplyesg.assessments.models import (
    Pillar,
    Question,
    QuestionnaireTemplate,
    Requirement,
    RequirementCatalogue,
    RiskCategory,
    Section,
)
from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_FILE = DATA_DIR / "catalogue_code_of_conduct_2026.json"
TEMPLATE_FILE = DATA_DIR / "questionnaire_ssr_esg_2026.json"

TEMPLATE_FIELDS = ("code", "version", "title", "title_zh", "description", "description_zh", "catalogue",
                   "catalogue_version")
SECTION_FIELDS = ("code", "title", "title_zh")
QUESTION_FIELDS = ("code", "kind", "text", "text_zh", "help", "help_zh", "required", "unit", "choices",
                   "scoring", "weight", "critical", "knockout_values", "knockout_level", "show_if_code",
                   "show_if_values", "requirements")
REQUIREMENT_FIELDS = ("code", "framework", "title", "title_zh", "guidance", "guidance_zh", "pillar",
                      "risk_category")
INFO_KEYS = ("source", "date", "notes")  # documentation for the person editing a data file
TEXT_LIMITS = {"code": 30, "kind": 10, "unit": 30, "knockout_level": 10, "show_if_code": 30}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_ERRORS = 100


@dataclass
class LoadResult:
    """What a load did: counts, a line per change, and the catalogue or template concerned."""

    kind: str
    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # rows edited locally that the file did not overwrite
    skipped: int = 0
    lines: list[str] = field(default_factory=list)
    obj: Any = None

    def summary(self) -> str:
        counts = {"label": self.label, "created": self.created, "updated": self.updated,
                  "unchanged": self.unchanged, "kept": self.kept, "skipped": self.skipped}
        return _("%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                 "%(kept)d kept, %(skipped)d skipped") % counts


def read_data_file(path) -> dict:
    """The JSON object in a data file; RuleViolation when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise RuleViolation(_("Cannot read %(path)s: %(error)s")
                            % {"path": path, "error": exc.strerror or exc})
    except (ValueError, UnicodeDecodeError) as exc:
        raise RuleViolation(_("%(path)s is not a valid JSON file: %(error)s") % {"path": path, "error": exc})
    if not isinstance(data, dict):
        raise RuleViolation(_("%(path)s must hold one JSON object.") % {"path": path})
    return data


def refuse(problems: list[str], intro: str) -> None:
    """RuleViolation listing the problems (at most MAX_ERRORS), if there are any."""
    if problems:
        shown = problems[:MAX_ERRORS]
        if len(problems) > MAX_ERRORS:
            shown.append(_("… and %(count)d more problems.") % {"count": len(problems) - MAX_ERRORS})
        raise RuleViolation([intro, *shown])


def _text(value, problems: list[str], where: str, name: str, *, limit=None, required=False) -> str:
    if value is None:
        value = ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.append(_("%(where)s: %(name)s must be text.") % {"where": where, "name": name})
        return ""
    value = value.strip()
    if required and not value:
        problems.append(_("%(where)s: %(name)s is required.") % {"where": where, "name": name})
    if limit is not None and len(value) > limit:
        problems.append(_("%(where)s: %(name)s is longer than %(limit)d characters.")
                        % {"where": where, "name": name, "limit": limit})
    if _CONTROL.search(value):
        problems.append(_("%(where)s: %(name)s contains control characters.")
                        % {"where": where, "name": name})
    return value


def _data_date(value, where: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        problems.append(_("%(where)s: date must be a date as YYYY-MM-DD.") % {"where": where})
        return None


def _source_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(str(v).strip() for v in value)
    return str(value or "").strip()


def _plain_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------- requirement catalogue


def check_catalogue_data(data) -> tuple[dict, list[str]]:
    """(the catalogue with its requirements normalised, every problem in the data)."""
    if not isinstance(data, dict):
        return {}, [_("The catalogue file must hold one JSON object.")]
    problems: list[str] = []
    where = _("catalogue")
    out = {
        "code": _text(data.get("code"), problems, where, "code", limit=50, required=True),
        "version": _text(data.get("version"), problems, where, "version", limit=20, required=True),
        "title": _text(data.get("title"), problems, where, "title", limit=200, required=True),
        "source": _source_text(data.get("source")),
        "published_on": _data_date(data.get("date"), where, problems) if data.get("date") else None,
        "requirements": [],
    }
    if out["code"] and slugify(out["code"]) != out["code"]:
        problems.append(_("catalogue: code %(code)s must be a slug (letters, digits, hyphens).")
                        % {"code": out["code"]})
    if not out["source"]:
        problems.append(_("catalogue: source is required (where the requirements come from)."))
    items = data.get("requirements")
    if not isinstance(items, list) or not items:
        return out, problems + [_("catalogue: requirements must be a non-empty list.")]
    limits = {"code": 30, "framework": 20, "title": 255, "title_zh": 255}
    seen = set()
    for n, item in enumerate(items, start=1):
        where = _("requirement %(n)s") % {"n": n}
        if not isinstance(item, dict):
            problems.append(_("%(where)s: must be an object.") % {"where": where})
            continue
        row = {name: _text(item.get(name), problems, where, name, limit=limits.get(name),
                           required=name in limits) for name in REQUIREMENT_FIELDS}
        if row["code"] in seen:
            problems.append(_("%(where)s: the code %(code)s is used twice.")
                            % {"where": where, "code": row["code"]})
        seen.add(row["code"])
        for name, choices in (("pillar", Pillar.values), ("risk_category", RiskCategory.values)):
            if row[name] not in choices:
                problems.append(_("%(where)s: %(name)s must be one of %(values)s.")
                                % {"where": where, "name": name, "values": ", ".join(choices)})
        unknown = sorted(set(item) - set(REQUIREMENT_FIELDS))
        if unknown:
            problems.append(_("%(where)s: unknown keys %(keys)s.")
                            % {"where": where, "keys": ", ".join(unknown)})
        row["order"] = n
        out["requirements"].append(row)
    return out, problems


def _catalogue_content(catalogue: RequirementCatalogue) -> dict:
    requirements = catalogue.requirements.order_by("order", "code")
    return {"title": catalogue.title, "source": catalogue.source, "published_on": catalogue.published_on,
            "requirements": [{**{name: getattr(r, name) for name in REQUIREMENT_FIELDS}, "order": r.order}
                             for r in requirements]}


@transaction.atomic
def load_catalogue(data: dict, *, actor=None) -> LoadResult:
    """Load one catalogue version; a new version becomes the current one. RuleViolation on any problem."""
    catalogue_data, problems = check_catalogue_data(data)
    refuse(problems, _("The requirement catalogue was not loaded:"))
    code, version = catalogue_data["code"], catalogue_data["version"]
    label = _("Requirement catalogue %(code)s %(version)s") % {"code": code, "version": version}
    result = LoadResult("catalogue", label)
    content = {key: catalogue_data[key] for key in ("title", "source", "published_on", "requirements")}
    existing = RequirementCatalogue.objects.filter(code=code, version=version).first()
    if existing is not None:
        if _catalogue_content(existing) != content:
            raise RuleViolation(_("Version %(version)s of the catalogue %(code)s is already loaded with "
                                  "different content. Give the file a new version to load the changes "
                                  "beside it.")
                                % {"version": version, "code": code})
        result.unchanged, result.obj = len(content["requirements"]), existing
        return result
    previous = list(RequirementCatalogue.objects.filter(code=code, is_current=True))
    catalogue = RequirementCatalogue.objects.create(
        code=code, version=version, title=content["title"], source=content["source"],
        published_on=content["published_on"], is_current=True)
    Requirement.objects.bulk_create([Requirement(catalogue=catalogue, **row)
                                     for row in content["requirements"]])
    for old in previous:
        old.is_current = False
        old.save(update_fields=["is_current"])
        audit.record(actor=actor, action="requirement_catalogue.superseded", target=old,
                     changes={"is_current": [True, False]},
                     reason=_("Version %(version)s loaded") % {"version": version})
    audit.record(actor=actor, action="requirement_catalogue.loaded", target=catalogue,
                 changes={"version": [None, version], "requirements": [None, len(content["requirements"])],
                          "is_current": [None, True]}, reason=content["source"][:500])
    frameworks = Counter(row["framework"] for row in content["requirements"])
    result.created, result.obj = len(content["requirements"]), catalogue
    counts = ", ".join(f"{name} {count}" for name, count in frameworks.items())
    result.lines.append(_("created %(code)s %(version)s: %(counts)s")
                        % {"code": code, "version": version, "counts": counts})
    return result


def load_catalogue_file(path=CATALOGUE_FILE, *, actor=None) -> LoadResult:
    return load_catalogue(read_data_file(path), actor=actor)


def current_catalogue(code: str) -> RequirementCatalogue | None:
    return RequirementCatalogue.objects.filter(code=code, is_current=True).order_by("-loaded_at").first()


# ---------------------------------------------------------------- questionnaire templates


@dataclass
class TemplateIssue:
    """A problem in template data, located so a file reader can name the cell: `section` and `question` are
    0-based positions in the data, `field` a key of TEMPLATE_FIELDS, SECTION_FIELDS or QUESTION_FIELDS."""

    message: str
    field: str = ""
    section: int | None = None
    question: int | None = None


def _flag(value, default: bool) -> bool | None:
    if value is None:
        return default
    return value if isinstance(value, bool) else None


def _string_list(value) -> list[str] | None:
    if value is None:
        return []
    if not isinstance(value, list) or any(type(v) not in (str, int) for v in value):
        return None
    return [str(v).strip() for v in value if str(v).strip()]


def canonical_choice(choice):
    """A choice with its texts stripped, score as int or float, `exclusive` only when true."""
    if not isinstance(choice, dict):
        return choice
    out = {key: choice[key].strip() if isinstance(choice.get(key), str) else choice.get(key)
           for key in ("value", "label", "label_zh")}
    score = choice.get("score")
    if isinstance(score, (int, float, Decimal)) and not isinstance(score, bool):
        out["score"] = _plain_number(Decimal(str(score)))
    elif score is not None:
        out["score"] = score  # refused by the engine's check
    if choice.get("exclusive") not in (None, False):
        out["exclusive"] = choice["exclusive"]
    out.update({key: choice[key] for key in sorted(set(choice) - {"value", "label", "label_zh", "score",
                                                                   "exclusive"})})
    return out


def _question_data(item, where: str, issue, requirement_order) -> dict:
    """One question with defaults filled in and types checked; problems go to `issue(field, message)`."""
    if not isinstance(item, dict):
        issue("code", _("%(where)s must be an object.") % {"where": where})
        return {name: None for name in QUESTION_FIELDS}
    out = {}
    texts = ("code", "kind", "text", "text_zh", "help", "help_zh", "unit", "knockout_level", "show_if_code")
    for name in texts:
        problems: list[str] = []
        out[name] = _text(item.get(name), problems, where, name, limit=TEXT_LIMITS.get(name),
                          required=name in ("code", "kind", "text", "text_zh"))
        for message in problems:
            issue(name, message)
    for name, default in (("required", True), ("critical", False)):
        value = _flag(item.get(name), default)
        if value is None:
            issue(name, _("%(where)s: %(name)s must be true or false.") % {"where": where, "name": name})
        out[name] = bool(value)
    choices = item.get("choices") if item.get("choices") is not None else []
    if not isinstance(choices, list):
        issue("choices", _("%(where)s: choices must be a list.") % {"where": where})
        choices = []
    out["choices"] = [canonical_choice(c) for c in choices]
    out["scoring"] = item.get("scoring") if item.get("scoring") is not None else {}
    if not isinstance(out["scoring"], dict):
        issue("scoring", _("%(where)s: scoring must be an object.") % {"where": where})
        out["scoring"] = {}
    try:
        weight = item.get("weight", 1)
        if isinstance(weight, (bool, list, dict)) or weight is None:
            raise InvalidOperation
        weight = Decimal(str(weight).strip())
        if not weight.is_finite() or weight != weight.quantize(Decimal("0.01")):
            raise InvalidOperation
        out["weight"] = _plain_number(weight)
    except InvalidOperation:
        issue("weight", _("%(where)s: weight must be a number with at most two decimals.") % {"where": where})
        out["weight"] = 1
    for name in ("knockout_values", "show_if_values", "requirements"):
        values = _string_list(item.get(name))
        if values is None:
            issue(name, _("%(where)s: %(name)s must be a list of codes.") % {"where": where, "name": name})
        out[name] = values or []
    if requirement_order is not None:
        for code in out["requirements"]:
            if code not in requirement_order:
                issue("requirements", _("%(where)s: the requirement %(code)s is not in the catalogue.")
                      % {"where": where, "code": code})
        out["requirements"] = sorted(dict.fromkeys(out["requirements"]),
                                     key=lambda c: (requirement_order.get(c, 10**9), c))
    unknown = sorted(set(item) - set(QUESTION_FIELDS))
    if unknown:
        issue("code", _("%(where)s: unknown keys %(keys)s.") % {"where": where, "keys": ", ".join(unknown)})
    return {name: out[name] for name in QUESTION_FIELDS}


def parse_template_data(data, *, requirement_order: dict | None = None) -> tuple[dict, list[TemplateIssue]]:
    """(template normalised, its issues): defaults filled, texts stripped, requirements in catalogue order.

    `requirement_order` maps the catalogue's requirement codes to their order; None skips that check.
    """
    if not isinstance(data, dict):
        return {}, [TemplateIssue(_("The template must be one JSON object."))]
    issues: list[TemplateIssue] = []
    out = {}
    limits = {"code": 50, "version": 20, "title": 200, "title_zh": 200, "catalogue": 50,
              "catalogue_version": 20}
    for name in TEMPLATE_FIELDS:
        problems: list[str] = []
        out[name] = _text(data.get(name), problems, _("template"), name, limit=limits.get(name),
                          required=name in ("code", "version", "title", "title_zh"))
        issues.extend(TemplateIssue(message, name) for message in problems)
    out["sections"] = []
    if out["code"] and slugify(out["code"]) != out["code"]:
        issues.append(TemplateIssue(_("template: code %(code)s must be a slug (letters, digits, hyphens).")
                                    % {"code": out["code"]}, "code"))
    unknown = sorted(set(data) - set(TEMPLATE_FIELDS) - {"sections", *INFO_KEYS})
    if unknown:
        message = _("template: unknown keys %(keys)s.") % {"keys": ", ".join(unknown)}
        issues.append(TemplateIssue(message, "code"))
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        issues.append(TemplateIssue(_("The template needs at least one section."), "code", section=0))
        return out, issues
    section_codes = set()
    flat: list[tuple[int, int, dict]] = []
    for s_index, item in enumerate(sections):
        named = str(item.get("code") or "").strip() if isinstance(item, dict) else ""
        where = _("section %(code)s") % {"code": named} if named else _("section %(n)s") % {"n": s_index + 1}
        if not isinstance(item, dict):
            message = _("%(where)s must be an object.") % {"where": where}
            issues.append(TemplateIssue(message, "code", s_index))
            continue
        section = {}
        for name in SECTION_FIELDS:
            problems = []
            section[name] = _text(item.get(name), problems, where, name, limit=30 if name == "code" else 200,
                                  required=True)
            issues.extend(TemplateIssue(message, name, s_index) for message in problems)
        if section["code"]:
            if section["code"] in section_codes:
                message = _("%(where)s: the section code is used twice.") % {"where": where}
                issues.append(TemplateIssue(message, "code", s_index))
            section_codes.add(section["code"])
        unknown = sorted(set(item) - set(SECTION_FIELDS) - {"questions"})
        if unknown:
            message = _("%(where)s: unknown keys %(keys)s.") % {"where": where, "keys": ", ".join(unknown)}
            issues.append(TemplateIssue(message, "code", s_index))
        questions = item.get("questions")
        if not isinstance(questions, list) or not questions:
            issues.append(TemplateIssue(_("%(where)s has no questions.") % {"where": where}, "code", s_index))
            questions = []
        section["questions"] = []
        for q_index, question_item in enumerate(questions):
            code = question_item.get("code") if isinstance(question_item, dict) else None
            q_where = (_("question %(code)s") % {"code": code} if code
                       else _("%(where)s, question %(n)s") % {"where": where, "n": q_index + 1})

            def question_issue(name, message, _s=s_index, _q=q_index):
                issues.append(TemplateIssue(message, name, _s, _q))

            question = _question_data(question_item, q_where, question_issue, requirement_order)
            section["questions"].append(question)
            flat.append((s_index, q_index, question))
        out["sections"].append(section)
    if not issues:  # the engine's checks need well-typed questions
        for problem in check_questions([QuestionSpec.from_mapping(q) for _s, _q, q in flat]):
            s_index, q_index, question = flat[problem.index]
            message = _("question %(code)s: %(problem)s") % {"code": question["code"],
                                                             "problem": problem.render(_)}
            name = problem.field if problem.field in QUESTION_FIELDS else "code"
            issues.append(TemplateIssue(message, name, s_index, q_index))
    return out, issues


def _resolve_catalogue(data: dict) -> tuple[RequirementCatalogue | None, str]:
    """(the catalogue the template's requirement codes refer to, a problem or "")."""
    code, version = str(data.get("catalogue") or "").strip(), str(data.get("catalogue_version") or "").strip()
    if not code:
        return None, ""
    if version:
        found = RequirementCatalogue.objects.filter(code=code, version=version).first()
    else:
        found = current_catalogue(code)
    if found is None:
        return None, (_("The requirement catalogue %(catalogue)s is not loaded; load it before the template.")
                      % {"catalogue": f"{code} {version}".strip()})
    return found, ""


def check_template(data) -> tuple[dict, RequirementCatalogue | None, list[TemplateIssue]]:
    """(normalised template, its catalogue, every issue), looking requirement codes up in the catalogue."""
    catalogue, problem = _resolve_catalogue(data if isinstance(data, dict) else {})
    if problem:
        normalised, issues = parse_template_data(data)
        return normalised, None, [TemplateIssue(problem, "catalogue"), *issues]
    order = dict(catalogue.requirements.values_list("code", "order")) if catalogue is not None else {}
    normalised, issues = parse_template_data(data, requirement_order=order)
    if normalised:
        # The template's catalogue is where its requirements are (as template_to_data reads it back).
        uses = any(q.get("requirements") for s in normalised["sections"] for q in s["questions"])
        normalised["catalogue"] = catalogue.code if catalogue is not None and uses else ""
        normalised["catalogue_version"] = catalogue.version if catalogue is not None and uses else ""
    return normalised, catalogue, issues


def template_to_data(template: QuestionnaireTemplate) -> dict:
    """The template in the shape `parse_template_data` returns, for export and comparison."""
    questions = (Question.objects.filter(section__template=template)
                 .prefetch_related("requirements__catalogue").order_by("section__order", "order", "pk"))
    by_section: dict[int, list[Question]] = {}
    catalogues = Counter()
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
        catalogues.update((r.catalogue.code, r.catalogue.version) for r in question.requirements.all())
    catalogue_code, catalogue_version = catalogues.most_common(1)[0][0] if catalogues else ("", "")
    sections = [{"code": s.code, "title": s.title, "title_zh": s.title_zh,
                 "questions": [_question_to_data(q) for q in by_section.get(s.pk, [])]}
                for s in template.sections.order_by("order", "pk")]
    return {"code": template.code, "version": template.version, "title": template.title,
            "title_zh": template.title_zh, "description": template.description,
            "description_zh": template.description_zh,
            "catalogue": catalogue_code, "catalogue_version": catalogue_version, "sections": sections}


def _requirement_codes(question: Question) -> list[str]:
    return [r.code for r in sorted(question.requirements.all(), key=lambda r: (r.order, r.code))]


def _question_to_data(question: Question) -> dict:
    return {
        "code": question.code, "kind": question.kind, "text": question.text, "text_zh": question.text_zh,
        "help": question.help, "help_zh": question.help_zh, "required": question.required,
        "unit": question.unit,
        "choices": [canonical_choice(c) for c in question.choices or []], "scoring": question.scoring or {},
        "weight": _plain_number(Decimal(question.weight)), "critical": question.critical,
        "knockout_values": [str(v) for v in question.knockout_values or []],
        "knockout_level": question.knockout_level, "show_if_code": question.show_if_code,
        "show_if_values": [str(v) for v in question.show_if_values or []],
        "requirements": _requirement_codes(question),
    }


def create_template(normalised: dict, catalogue: RequirementCatalogue | None, *, actor=None,
                    action: str = "questionnaire_template.loaded", reason: str = "") -> QuestionnaireTemplate:
    """Write a template that `check_template` passed, and audit it. Call inside a transaction."""
    names = ("code", "version", "title", "title_zh", "description", "description_zh")
    template = QuestionnaireTemplate.objects.create(**{name: normalised[name] for name in names})
    requirements = {r.code: r for r in catalogue.requirements.all()} if catalogue is not None else {}
    count = 0
    for s_order, section_data in enumerate(normalised["sections"], start=1):
        section = Section.objects.create(template=template, order=s_order,
                                         **{name: section_data[name] for name in SECTION_FIELDS})
        for q_order, item in enumerate(section_data["questions"], start=1):
            values = {name: item[name] for name in QUESTION_FIELDS if name != "requirements"}
            values["weight"] = Decimal(str(values["weight"]))
            question = Question.objects.create(section=section, order=q_order, **values)
            if item["requirements"]:
                question.requirements.set([requirements[code] for code in item["requirements"]])
            count += 1
    audit.record(actor=actor, action=action, target=template, reason=reason,
                 changes={"version": [None, template.version], "questions": [None, count],
                          "sections": [None, len(normalised["sections"])]})
    return template


@transaction.atomic
def load_template(data: dict, *, actor=None) -> LoadResult:
    """Load one template version from a data file's content; unchanged if identical; RuleViolation if bad."""
    normalised, catalogue, issues = check_template(data)
    refuse([issue.message for issue in issues], _("The questionnaire template was not loaded:"))
    code, version = normalised["code"], normalised["version"]
    label = _("Questionnaire template %(code)s %(version)s") % {"code": code, "version": version}
    result = LoadResult("template", label)
    questions = sum(len(s["questions"]) for s in normalised["sections"])
    existing = QuestionnaireTemplate.objects.filter(code=code, version=version).first()
    if existing is not None:
        if template_to_data(existing) != normalised:
            raise RuleViolation(_("Version %(version)s of the template %(code)s is already loaded with "
                                  "different content. Give the file a new version to load the changes "
                                  "beside it.")
                                % {"version": version, "code": code})
        result.unchanged, result.obj = questions, existing
        return result
    reason = _source_text(data.get("source"))[:500]
    result.obj = create_template(normalised, catalogue, actor=actor, reason=reason)
    result.created = questions
    result.lines.append(_("created %(code)s %(version)s: %(sections)d sections, %(questions)d questions") % {
        "code": code, "version": version, "sections": len(normalised["sections"]), "questions": questions})
    return result


def load_template_file(path=TEMPLATE_FILE, *, actor=None) -> LoadResult:
    return load_template(read_data_file(path), actor=actor)


def template_specs(template: QuestionnaireTemplate) -> list[QuestionSpec]:
    """The template's questions, in order, as engine QuestionSpecs (two queries)."""
    questions = (Question.objects.filter(section__template=template).select_related("section")
                 .prefetch_related("requirements").order_by("section__order", "order", "pk"))
    return [
        QuestionSpec(code=q.code, kind=q.kind, section=q.section.code, text=q.text, text_zh=q.text_zh,
                     required=q.required, unit=q.unit, choices=list(q.choices or []), scoring=q.scoring or {},
                     weight=Decimal(q.weight), critical=q.critical, knockout_level=q.knockout_level,
                     knockout_values=list(q.knockout_values or []), show_if_code=q.show_if_code,
                     show_if_values=list(q.show_if_values or []), requirements=_requirement_codes(q))
        for q in questions
    ]


def template_requirements(template: QuestionnaireTemplate) -> dict[str, Requirement]:
    """{code: Requirement} of the template's questions: the engine's `requirements_by_code`."""
    return {r.code: r for r in Requirement.objects.filter(questions__section__template=template).distinct()}
