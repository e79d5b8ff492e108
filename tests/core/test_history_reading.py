"""Every kind of audit-trail event reads as a sentence in English and in Chinese: no codes, reprs or dicts."""

import ast
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags

from supplyesg.core import history
from supplyesg.core.models import AuditEvent

SRC = Path(history.__file__).resolve().parents[1]
ACTION_CODE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
CJK = re.compile(r"[\u4e00-\u9fff]")
# What a reader must never see: a default repr, a Python dict or list literal, a snake_case code.
LEAKS = (
    ("object repr", re.compile(r"\w object \(")),
    ("dict literal", re.compile(r"\{'")),
    ("list literal", re.compile(r"\['")),
    ("code with underscore", re.compile(r"\b[a-z]+_[a-z_]+\b")),
    ("internal reference", re.compile(r"\b[a-z_]+:\d+\b")),
)
# Actions written only by demo loaders, never shown as product history.
DEMO_MARKERS = {"demo.loaded"}


def recorded_actions() -> set[str]:
    """Every action code the source writes: `record(action="...")`, `AuditEvent(action="...")`, `_event(x, "...")`."""
    found = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            values = [kw.value for kw in node.keywords if kw.arg == "action"]
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "_event" and len(node.args) > 1:
                values.append(node.args[1])
            for value in values:
                for const in ast.walk(value):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        if ACTION_CODE.match(const.value):
                            found.add(const.value)
    return found


def all_actions() -> list[str]:
    return sorted((recorded_actions() | history.known_actions()) - DEMO_MARKERS)


TARGETS = {
    "audit": "audits.audit",
    "corrective_action": "audits.correctiveaction",
    "minerals_case": "minerals.riskcase",
    "agreement": "suppliers.signedagreement",
}

REPRESENTATIVE_CHANGES = {
    "status": ["awaiting_plan", "submitted"],
    "severity": [None, {"priority": 0, "major": 1}],
    "ref": [None, "audit:171"],
    "source": [None, "minerals_case:3"],
    "due_date": [None, "2026-12-07"],
    "is_active": [True, False],
    "required_agreements": [["code_of_conduct"], ["code_of_conduct", "conflict_minerals"]],
}


def event_for(action: str) -> AuditEvent:
    prefix = action.partition(".")[0]
    target_type = TARGETS.get(prefix, "suppliers.supplier")
    return AuditEvent(
        actor_label="system",
        action=action,
        target_type=target_type,
        target_id="1480",
        target_label="SignedAgreement object (1480)",
        changes=REPRESENTATIVE_CHANGES,
        reason="",
    )


def rendered_text(event: AuditEvent) -> str:
    html = render_to_string("core/_history_rows.html", {"history_rows": [history.describe(event)]})
    return " ".join(strip_tags(html).split())


def test_the_source_records_a_good_many_kinds_of_event():
    actions = recorded_actions()
    assert {"supplier.created", "audit.planned", "termination.recommended", "worklist.closed"} <= actions
    assert len(actions) > 60


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_event_reads_without_codes_reprs_or_dicts(language):
    problems = []
    with translation.override(language):
        for action in all_actions():
            text = rendered_text(event_for(action))
            if action in text:
                problems.append(f"{action}: shows its code")
            problems += [f"{action}: {what} in {text!r}" for what, pattern in LEAKS if pattern.search(text)]
    assert not problems, "\n".join(problems)


def test_every_event_sentence_is_labelled_by_its_app_not_guessed():
    unlabelled = sorted(set(all_actions()) - history.known_actions())
    assert not unlabelled, f"register a label for: {unlabelled}"


def test_in_chinese_every_sentence_and_change_is_chinese():
    problems = []
    with translation.override("zh-hans"):
        for action in all_actions():
            line = history.describe(event_for(action))
            if not CJK.search(line.sentence):
                problems.append(f"{action}: {line.sentence!r}")
            problems += [f"{action}: field {c.field!r}" for c in line.changes if not CJK.search(c.field)]
            if not CJK.search(line.target):
                problems.append(f"{action}: target {line.target!r}")
    assert not problems, "untranslated:\n" + "\n".join(sorted(set(problems)))


def test_a_state_change_shows_its_choice_labels_and_a_reference_links_to_its_page(db):
    event = AuditEvent(
        actor_label="cm",
        action="termination.recommended",
        target_type="suppliers.terminationcase",
        target_id="5",
        target_label="x",
        changes={"status": [None, "recommended"], "ref": [None, "audit:171"]},
    )
    with translation.override("en"):
        line = history.describe(event)
    status, ref = line.changes
    assert (status.field, status.new) == ("status", "Recommended, awaiting decision")
    assert ref.new == "audit 171"
    assert ref.new_url == "/audits/171/"


def test_a_default_repr_target_reads_as_its_kind_and_number():
    event = event_for("agreement.signed")
    with translation.override("en"):
        assert history.describe(event).target == "signed agreement 1480"


def test_a_system_reason_stored_in_english_reads_in_the_readers_language():
    event = AuditEvent(
        action="risk.recomputed", target_type="suppliers.supplier", target_id="1", reason="Reference data reloaded"
    )
    with translation.override("zh-hans"):
        reason = history.describe(event).reason
    assert CJK.search(reason), reason


def test_the_supplier_history_tab_shows_sentences_and_linked_objects(client_for, compliance, supplier_a):
    from supplyesg.core import audit as trail

    trail.record(
        actor=compliance,
        action="supplier.updated",
        target=supplier_a,
        supplier=supplier_a,
        changes={"status": ["prospect", "active"], "tier": [None, {"priority": 0, "major": 1}]},
    )
    response = client_for(compliance).get(f"/suppliers/{supplier_a.pk}/?tab=history")
    text = " ".join(strip_tags(response.content.decode()).split())
    assert "Registry data changed" in text
    assert "{'" not in text and "supplier.updated" not in text


def test_a_worklist_reason_stored_in_english_with_its_numbers_reads_in_chinese():
    from supplyesg.assessments.risk import rules as risk_rules

    stored = history.system_text(risk_rules.AUDIT_TOO_OLD, date="2021-03-04", years=3)
    with translation.override("zh-hans"):
        shown = history.reason_text(stored)
    assert CJK.search(shown) and "2021-03-04" in shown and "3" in shown


def test_a_persons_own_reason_is_shown_as_written():
    with translation.override("zh-hans"):
        assert history.reason_text("Supplier asked for more time.") == "Supplier asked for more time."


def test_a_source_reference_reads_as_words_on_the_terminations_pages():
    from django.template import engines

    page = engines["django"].from_string("{% load history_text %}{{ a|reference_text }} / {{ b|reference_text }}")
    with translation.override("en"):
        text = page.render({"a": "minerals_case:3", "b": "rating:2026Q3"})
    assert text == "minerals risk case 3 / quarterly rating 2026Q3"
