"""Reading the audit trail: each AuditEvent as a translated sentence with links.

Apps contribute what only they know from their AppConfig.ready() (wiring, not rules):
  register_actions({"audit.planned": gettext_lazy("Audit planned"), ...})
  register_fields({"severity": gettext_lazy("severity"), ...})
  register_link("audits.audit", "audits:detail", "audit_pk")
  register_reference("audit", gettext_lazy("audit"), "audits:detail", "audit_pk")

Nothing here changes stored events: raw values (choice codes, dicts, "audit:171") are turned into text
when the page is rendered, in the reader's language. A system reason stored as an English msgid
(marked with gettext_noop where it is recorded) is translated at render time too.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from supplyesg.core.model_names import MODEL_NAMES

_ACTIONS: dict = {}
_FIELDS: dict = {}
_LINKS: dict = {}  # model label -> (url name, kwarg)
_REFERENCES: dict = {}  # "audit" in "audit:171" -> (label, url name, kwarg)
_REASONS: list = []  # (compiled pattern, English template)

# The last part of an action code, for actions no app has labelled: "<object> <verb>".
VERBS = {
    "created": gettext_lazy("%(object)s created"),
    "updated": gettext_lazy("%(object)s changed"),
    "changed": gettext_lazy("%(object)s changed"),
    "added": gettext_lazy("%(object)s added"),
    "removed": gettext_lazy("%(object)s removed"),
    "deleted": gettext_lazy("%(object)s deleted"),
    "opened": gettext_lazy("%(object)s opened"),
    "reopened": gettext_lazy("%(object)s reopened"),
    "closed": gettext_lazy("%(object)s closed"),
    "cancelled": gettext_lazy("%(object)s cancelled"),
    "submitted": gettext_lazy("%(object)s submitted"),
    "returned": gettext_lazy("%(object)s returned for rework"),
    "accepted": gettext_lazy("%(object)s accepted"),
    "approved": gettext_lazy("%(object)s approved"),
    "rejected": gettext_lazy("%(object)s rejected"),
    "reviewed": gettext_lazy("%(object)s reviewed"),
    "requested": gettext_lazy("%(object)s requested"),
    "reminded": gettext_lazy("Reminder sent for %(object)s"),
    "imported": gettext_lazy("%(object)s imported"),
    "loaded": gettext_lazy("%(object)s loaded"),
    "uploaded": gettext_lazy("%(object)s uploaded"),
    "sent": gettext_lazy("%(object)s sent"),
    "started": gettext_lazy("%(object)s started"),
    "completed": gettext_lazy("%(object)s completed"),
    "confirmed": gettext_lazy("%(object)s confirmed"),
    "overridden": gettext_lazy("%(object)s overridden"),
    "reassigned": gettext_lazy("%(object)s reassigned"),
    "escalated": gettext_lazy("%(object)s escalated"),
    "screened": gettext_lazy("%(object)s screened"),
    "decided": gettext_lazy("Decision recorded on %(object)s"),
    "failed": gettext_lazy("%(object)s failed"),
}
OTHER_VERB = gettext_lazy("%(object)s changed")

# Change keys many apps use; an app adds its own with register_fields().
COMMON_FIELDS = {
    "status": gettext_lazy("status"),
    "request_status": gettext_lazy("request status"),
    "decision_status": gettext_lazy("decision"),
    "decided_action": gettext_lazy("decided action"),
    "reason": gettext_lazy("reason"),
    "reminder": gettext_lazy("reminder"),
    "last_reminded_on": gettext_lazy("last reminder"),
    "file": gettext_lazy("file"),
    "report_file": gettext_lazy("report file"),
    "evidence": gettext_lazy("evidence"),
    "files": gettext_lazy("files"),
    "campaign": gettext_lazy("campaign"),
    "score": gettext_lazy("score"),
    "overall": gettext_lazy("overall score"),
    "level": gettext_lazy("risk level"),
    "severity": gettext_lazy("severity"),
    "verdict": gettext_lazy("verdict"),
    "outcome": gettext_lazy("outcome"),
    "source": gettext_lazy("source"),
    "ref": gettext_lazy("raised by"),
    "reference": gettext_lazy("reference"),
    "list": gettext_lazy("list"),
    "list_version": gettext_lazy("list version"),
    "version": gettext_lazy("version"),
    "year": gettext_lazy("year"),
    "quarter": gettext_lazy("quarter"),
    "suppliers": gettext_lazy("suppliers"),
    "requests": gettext_lazy("requests"),
    "responses": gettext_lazy("responses"),
    "questions": gettext_lazy("questions"),
    "requirements": gettext_lazy("requirements"),
    "checklist": gettext_lazy("checklist items"),
    "name": gettext_lazy("name"),
    "title": gettext_lazy("title"),
    "note": gettext_lazy("note"),
    "notes": gettext_lazy("notes"),
    "item": gettext_lazy("item"),
    "kind": gettext_lazy("kind"),
    "category": gettext_lazy("category"),
    "categories": gettext_lazy("categories"),
    "topic": gettext_lazy("topic"),
    "area": gettext_lazy("area"),
    "due_date": gettext_lazy("due date"),
    "ends_on": gettext_lazy("ends on"),
    "expires_on": gettext_lazy("expires on"),
    "exit_date": gettext_lazy("exit date"),
    "open_items": gettext_lazy("open items"),
    "audit": pgettext_lazy("audits", "audit"),
    "finding": gettext_lazy("finding"),
    "job": gettext_lazy("background job"),
    "company": gettext_lazy("company"),
    "upstream": gettext_lazy("upstream supplier"),
    "material": gettext_lazy("material"),
    "pair": gettext_lazy("suppliers compared"),
    "needs_work": gettext_lazy("needs work"),
    "attendee": gettext_lazy("attendee"),
    "consequence": gettext_lazy("consequence"),
    "escalated_at": gettext_lazy("escalated on"),
    "is_current": gettext_lazy("current"),
    "is_active": gettext_lazy("active"),
    "doc_type": gettext_lazy("document type"),
    "required_agreements": gettext_lazy("required agreements"),
    "blacklist_entries": gettext_lazy("blacklist entries"),
    "legal_name": gettext_lazy("legal name"),
    "country": gettext_lazy("country"),
    "as_of": gettext_lazy("as of"),
    "seed": gettext_lazy("seed"),
    "cid": gettext_lazy("smelter ID"),
    "factor": gettext_lazy("second factor"),
    "user": gettext_lazy("user"),
    "priority": gettext_lazy("priority"),
    "major": gettext_lazy("major"),
    "minor": gettext_lazy("minor"),
    "critical": gettext_lazy("critical"),
    "observation": gettext_lazy("observation"),
}

# Actions of core itself (tokens, second factors, jobs, settings).
CORE_ACTIONS = {
    "api_token.created": gettext_lazy("API token created"),
    "api_token.revoked": gettext_lazy("API token revoked"),
    "second_factor.added": gettext_lazy("Second factor added"),
    "second_factor.removed": gettext_lazy("Second factor removed"),
    "second_factor.reset": gettext_lazy("Second factor reset by an administrator"),
    "second_factor.recovery_codes": gettext_lazy("New recovery codes issued"),
    "second_factor.recovery_code_used": gettext_lazy("Recovery code used to sign in"),
    "job.retried": gettext_lazy("Background job retried"),
    "job.stale_failed": gettext_lazy("Background job marked failed after it stopped answering"),
    "user.language": gettext_lazy("Language changed"),
    "user.mail_digest": gettext_lazy("E-mail digest setting changed"),
}
_ACTIONS.update(CORE_ACTIONS)

SYSTEM_ACTOR = gettext_lazy("system")
EMPTY = "—"
_REPR = re.compile(r"^(?P<name>\w+) object \((?P<pk>[^)]*)\)$")
_REF = re.compile(r"^(?P<kind>[a-z_]+):(?P<ref>\w+)$")
_CODE = re.compile(r"^[a-z]+(_[a-z]+)+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def register_reasons(templates) -> None:
    """English msgids (gettext_noop) that system reasons are stored in, with %(name)s parameters.

    A stored reason matching one is shown translated, its parameters kept; this works for rows written
    before the template was registered too, as long as they were written in English."""
    for template in templates:
        if not re.sub(r"%\(\w+\)s", "", template).strip():
            continue  # a template of parameters only would match anything
        pattern = re.escape(template)
        pattern = re.sub(r"%\\\((\w+)\\\)s", lambda m: f"(?P<{m[1]}>.+?)", pattern)
        _REASONS.append((re.compile(pattern, re.DOTALL), template))
    _REASONS.sort(key=lambda pair: -len(pair[1]))


def system_text(msgid: str, **params) -> str:
    """A system reason as stored: the English msgid with its parameters; reason_text() translates it when shown."""
    return msgid % params if params else msgid


def reason_text(text: str) -> str:
    """A stored reason in the reader's language when it is a system reason; a person's own words unchanged."""
    text = (text or "").strip()
    if not text:
        return ""
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, template in _REASONS:
        match = pattern.fullmatch(text)
        if match:
            return gettext(template) % match.groupdict()
    return text


def register_actions(labels: dict) -> None:
    _ACTIONS.update(labels)


def register_fields(labels: dict) -> None:
    _FIELDS.update(labels)


def register_link(model_label: str, url_name: str, kwarg: str) -> None:
    _LINKS[model_label] = (url_name, kwarg)


def register_reference(kind: str, label, url_name: str, kwarg: str) -> None:
    _REFERENCES[kind] = (label, url_name, kwarg)


def known_actions() -> frozenset:
    return frozenset(_ACTIONS)


@dataclass
class Change:
    field: str
    old: str
    new: str
    old_url: str | None = None
    new_url: str | None = None


@dataclass
class HistoryLine:
    event: object
    sentence: str
    actor: str
    target: str = ""
    target_url: str | None = None
    changes: list = field(default_factory=list)
    reason: str = ""


def _model(event):
    try:
        return apps.get_model(event.target_type)
    except (LookupError, ValueError):
        return None


def _url(url_name: str, kwarg: str, pk) -> str | None:
    if not str(pk).isdigit():
        return None
    try:
        return reverse(url_name, kwargs={kwarg: int(pk)})
    except NoReverseMatch:
        return None


def _kind(model) -> str:
    if model is None:
        return gettext("record")
    return str(MODEL_NAMES.get(model._meta.label_lower, model._meta.verbose_name))


def action_sentence(event) -> str:
    if event.action in _ACTIONS:
        return str(_ACTIONS[event.action])
    verb = event.action.rpartition(".")[2]
    template = VERBS.get(verb, OTHER_VERB)
    return str(template) % {"object": _kind(_model(event)).capitalize()}


def target_text(event, model=None) -> str:
    """The target's own name; a default repr ("SignedAgreement object (1480)") becomes "signed agreement 1480"."""
    label = (event.target_label or "").strip()
    match = _REPR.match(label)
    if match or not label:
        return gettext("%(kind)s %(number)s") % {"kind": _kind(model), "number": event.target_id}
    return label


def field_label(name: str, model=None) -> str:
    if name in _FIELDS:
        return str(_FIELDS[name])
    if name in COMMON_FIELDS:
        return str(COMMON_FIELDS[name])
    if model is not None:
        try:
            verbose = getattr(model._meta.get_field(name), "verbose_name", None)  # a reverse relation has none
        except FieldDoesNotExist:
            verbose = None
        if verbose:
            return str(verbose)
    return name.replace("_", " ")


def _choices(model, name: str) -> dict:
    if model is not None:
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            found = None
        if found is not None and getattr(found, "choices", None):
            return {**_all_choices(), **{str(k): v for k, v in found.flatchoices}}
    return _all_choices()


def _all_choices() -> dict:
    """Every choice code of every model, for values stored under a key that is no field of the target."""
    global _ALL_CHOICES
    if _ALL_CHOICES is None:
        found = {}
        for model in apps.get_models():
            for model_field in model._meta.get_fields():
                for key, label in getattr(model_field, "flatchoices", None) or ():
                    if isinstance(key, str) and key:
                        found.setdefault(key, label)
        _ALL_CHOICES = found
    return _ALL_CHOICES


_ALL_CHOICES = None


def reference(value: str) -> tuple[str, str | None] | None:
    """ "audit:171" -> ("audit 171", its page); None when the text is no internal reference."""
    match = _REF.match(value)
    if not match or match["kind"] not in _REFERENCES:
        return None
    label, url_name, kwarg = _REFERENCES[match["kind"]]
    return gettext("%(kind)s %(number)s") % {"kind": label, "number": match["ref"]}, _url(url_name, kwarg, match["ref"])


def value_text(value, name: str = "", model=None) -> str:
    """One stored change value as words: choice labels, dates, yes/no, dicts and lists as readable text."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return "; ".join(f"{field_label(str(k), model)}: {value_text(v, str(k), model)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v, name, model) for v in value)
    if isinstance(value, (date, datetime)):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    text = str(value)
    choices = _choices(model, name)
    if text in choices:
        return str(choices[text])
    ref = reference(text)
    if ref:
        return ref[0]
    if _CODE.match(text):  # a code no model knows as a choice, e.g. an agreement kind: at least words
        return text.replace("_", " ")
    if _ISO_DATE.match(text):
        try:
            return formats.date_format(date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if _ISO_DATETIME.match(text):
        try:
            return formats.date_format(datetime.fromisoformat(text), "SHORT_DATETIME_FORMAT")
        except ValueError:
            return text
    return text


def _link(value) -> str | None:
    ref = reference(value) if isinstance(value, str) else None
    return ref[1] if ref else None


def describe(event) -> HistoryLine:
    model = _model(event)
    changes = []
    for name, pair in (event.changes or {}).items():
        old, new = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair)
        changes.append(
            Change(
                field=field_label(name, model),
                old=value_text(old, name, model),
                new=value_text(new, name, model),
                old_url=_link(old),
                new_url=_link(new),
            )
        )
    link = _LINKS.get(event.target_type)
    actor = event.actor_label if event.actor_label and event.actor_label != "system" else str(SYSTEM_ACTOR)
    return HistoryLine(
        event=event,
        sentence=action_sentence(event),
        actor=actor,
        target=target_text(event, model),
        target_url=_url(*link, event.target_id) if link else None,
        changes=changes,
        reason=reason_text(event.reason),
    )


def describe_all(events) -> list[HistoryLine]:
    return [describe(event) for event in events]
