"""`supplyesg load_reference [--file PATH]`: categories, agreement types and document rules from a data file.

Idempotent: rows are matched by code, created or updated, never deleted, so edits made in the admin to
rows the file does not mention survive a reload.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.suppliers.models import AgreementType, Category, DocumentRule
from supplyesg.suppliers.models.compliance import DocumentType

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "reference.json"
AGREEMENT_FIELDS = ("name", "name_zh", "version", "body", "body_zh", "required_for_all")
CATEGORY_FIELDS = ("name", "name_zh", "minerals")


@dataclass
class ReferenceReport:
    lines: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def note(self, kind: str, code: str, outcome: str, detail: str = "") -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome != "unchanged":
            self.lines.append(f"{outcome:8} {kind:15} {code}{': ' + detail if detail else ''}")


def read_reference_file(path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc})
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommandError(_("%(path)s is not a valid JSON file: %(error)s") % {"path": path, "error": exc})
    problems = check_reference_data(data)
    if problems:
        raise CommandError("\n".join([_("%(path)s was not loaded:") % {"path": path}, *problems]))
    return data


def check_reference_data(data) -> list[str]:
    """Every problem in the file, so a person can fix them all at once."""
    if not isinstance(data, dict):
        return [_("The file must hold one JSON object.")]
    problems = []
    for key in ("source", "date", "agreement_types", "categories"):
        if key not in data:
            problems.append(_("The key %(key)s is missing.") % {"key": key})
    agreements = data.get("agreement_types") or []
    categories = data.get("categories") or []
    if not isinstance(agreements, list) or not isinstance(categories, list):
        return problems + [_("agreement_types and categories must be lists.")]
    codes = set()
    for n, item in enumerate(agreements, start=1):
        where = _("agreement type %(n)s") % {"n": n}
        if not isinstance(item, dict):
            problems.append(_("%(where)s: must be an object.") % {"where": where})
            continue
        code = str(item.get("code") or "")
        if not code or slugify(code) != code:
            problems.append(_("%(where)s: code %(code)r must be a slug.") % {"where": where, "code": code})
        codes.add(code)
        for key in ("name", "body", "version"):
            if not str(item.get(key) or "").strip():
                problems.append(_("%(where)s: %(key)s is required.") % {"where": where, "key": key})
    known_agreements = codes | set(AgreementType.objects.values_list("code", flat=True))
    for n, item in enumerate(categories, start=1):
        where = _("category %(n)s") % {"n": n}
        if not isinstance(item, dict):
            problems.append(_("%(where)s: must be an object.") % {"where": where})
            continue
        code = str(item.get("code") or "")
        if not code or slugify(code) != code:
            problems.append(_("%(where)s: code %(code)r must be a slug.") % {"where": where, "code": code})
        if not str(item.get("name") or "").strip():
            problems.append(_("%(where)s: name is required.") % {"where": where})
        for agreement in item.get("required_agreements") or []:
            if agreement not in known_agreements:
                problems.append(_("%(where)s: unknown agreement type %(code)r.") % {"where": where, "code": agreement})
        for rule in item.get("document_rules") or []:
            if not isinstance(rule, dict) or rule.get("doc_type") not in DocumentType.values:
                problems.append(_("%(where)s: document rule %(rule)r needs a doc_type among %(types)s.")
                                % {"where": where, "rule": rule, "types": ", ".join(DocumentType.values)})
    return problems


def _upsert(model, code: str, values: dict, kind: str, report: ReferenceReport, extra_changes=None):
    """(object, created?) after creating or updating the row with this code; audited, reported."""
    obj = model.objects.filter(code=code).first()
    if obj is None:
        obj = model.objects.create(code=code, **values)
        audit.record(actor=None, action=f"{kind}.created", target=obj,
                     changes={**{k: [None, v] for k, v in values.items()}, **(extra_changes or {})})
        report.note(kind, code, "created")
        return obj, True
    before = audit.snapshot(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    changes = audit.diff(before, audit.snapshot(obj, values))
    if changes:
        obj.save()
        audit.record(actor=None, action=f"{kind}.updated", target=obj, changes=changes,
                     reason=_("Reference data reloaded"))
        report.note(kind, code, "updated", ", ".join(sorted(changes)))
    else:
        report.note(kind, code, "unchanged")
    return obj, False


@transaction.atomic
def load_reference_data(data: dict) -> ReferenceReport:
    report = ReferenceReport()
    for item in data["agreement_types"]:
        values = {name: item.get(name, "" if name != "required_for_all" else False) for name in AGREEMENT_FIELDS}
        values["version"] = str(values["version"])
        values["required_for_all"] = bool(values["required_for_all"])
        _upsert(AgreementType, item["code"], values, "agreement_type", report)
    agreement_types = {a.code: a for a in AgreementType.objects.all()}
    for item in data["categories"]:
        values = {name: str(item.get(name) or "") for name in CATEGORY_FIELDS}
        wanted = [agreement_types[code] for code in item.get("required_agreements") or []]
        category, created = _upsert(Category, item["code"], values, "category", report,
                                    {"required_agreements": [None, sorted(a.code for a in wanted)]})
        present = set() if created else set(category.required_agreements.values_list("code", flat=True))
        added = [a for a in wanted if a.code not in present]
        if added:
            category.required_agreements.add(*added)
        if added and not created:
            audit.record(actor=None, action="category.updated", target=category,
                         changes={"required_agreements": [sorted(present), sorted(present | {a.code for a in added})]})
            report.note("category", category.code, "updated", "required_agreements")
        for rule in item.get("document_rules") or []:
            existing = DocumentRule.objects.filter(category=category, doc_type=rule["doc_type"]).first()
            label = f"{category.code}/{rule['doc_type']}"
            yearly = bool(rule.get("yearly", False))
            if existing is None:
                DocumentRule.objects.create(category=category, doc_type=rule["doc_type"], yearly=yearly)
                report.note("document_rule", label, "created")
            elif existing.yearly != yearly:
                existing.yearly = yearly
                existing.save(update_fields=["yearly"])
                report.note("document_rule", label, "updated", "yearly")
            else:
                report.note("document_rule", label, "unchanged")
    return report


class Command(BaseCommand):
    help = "Load the supplier reference data (categories, agreement types, document rules). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help="JSON file (default: the shipped reference data)")

    def handle(self, *args, **options):
        data = read_reference_file(options["file"])
        report = load_reference_data(data)
        self.stdout.write(_("Reference data version %(version)s of %(date)s")
                          % {"version": data.get("version", "?"), "date": data["date"]})
        for line in report.lines:
            self.stdout.write("  " + line)
        self.stdout.write(self.style.SUCCESS(
            _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        ))
