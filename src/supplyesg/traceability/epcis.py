"""EPCIS 2.0 JSON(-LD) documents in and out, with no database (listed in pyproject's `pure` contract).

Reading checks the shapes of GS1's EPCIS 2.0 JSON schema and examples (EPCISDocument with epcisBody.eventList;
ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent; quantityList entries with epcClass,
quantity and uom; bizTransactionList, sourceList/destinationList, errorDeclaration) and collects every problem
as "event N, field: message" before anything is written. Lot master data SupplyESG needs (the material stage,
country, smelter id) travels in `ilmd` under the `supplyesg:` prefix, as EPCIS allows for extensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"supplyesg": "https://supplyesg.org/epcis/"}]
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent")
ACTIONS = ("ADD", "OBSERVE", "DELETE")
BIZ_TRANSACTION_TYPES = ("po", "inv", "desadv", "bol", "cert")
ERROR_REASONS = ("did_not_occur", "incorrect_data")
UOM_TO_UNIT = {"KGM": "kg", "TNE": "t", "GRM": "g"}
UNIT_TO_UOM = {v: k for k, v in UOM_TO_UNIT.items()}
MAX_EVENTS = 10_000
LIST_FIELDS = {
    "ObjectEvent": (("epcList", "quantityList", "object"),),
    "AggregationEvent": (("childEPCs", "childQuantityList", "child"),),
    "TransactionEvent": (("epcList", "quantityList", "object"),),
    "TransformationEvent": (("inputEPCList", "inputQuantityList", "input"), ("outputEPCList", "outputQuantityList", "output")),
}


@dataclass
class LotRef:
    identifier: str
    role: str  # object | input | output | parent | child
    quantity: Decimal | None = None
    unit: str = ""


@dataclass
class Event:
    index: int
    type: str
    event_id: str
    event_time: datetime
    offset: str
    action: str = ""
    biz_step: str = ""
    disposition: str = ""
    read_point: str = ""
    biz_location: str = ""
    lots: list[LotRef] = field(default_factory=list)
    transactions: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    destinations: list[tuple[str, str]] = field(default_factory=list)
    error_declaration: dict | None = None
    ilmd: dict = field(default_factory=dict)


@dataclass
class Problem:
    index: int | None  # the event's position in eventList (0-based), None for the document
    field: str
    message: str

    def __str__(self):
        where = f"event {self.index}, {self.field}" if self.index is not None else self.field
        return f"{where}: {self.message}"


def _time(value, problems, index, name):
    if not isinstance(value, str):
        problems.append(Problem(index, name, "a date-time with a time zone is required"))
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(index, name, f"{value!r} is not an ISO 8601 date-time"))
        return None
    if parsed.tzinfo is None:
        problems.append(Problem(index, name, "the date-time has no time zone"))
        return None
    return parsed


def _short(value: str) -> str:
    """A CBV value may be the bare word or its URI (https://ref.gs1.org/cbv/BizStep-shipping, urn:epcglobal:cbv:bizstep:...)."""
    for marker in ("BizStep-", "Disp-", "BTT-", "ER-", "bizstep:", "disp:", "btt:", "er:"):
        if marker in value:
            return value.rsplit(marker, 1)[1]
    return value


def _quantities(entries, name, role, problems, index) -> list[LotRef]:
    if not isinstance(entries, list):
        problems.append(Problem(index, name, "must be a list"))
        return []
    out = []
    for n, entry in enumerate(entries):
        where = f"{name}[{n}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("epcClass"), str) or not entry["epcClass"].strip():
            problems.append(Problem(index, where, "epcClass is required"))
            continue
        try:
            quantity = Decimal(str(entry.get("quantity")))
            if not quantity.is_finite() or quantity < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(Problem(index, f"{where}.quantity", "a number of zero or more is required"))
            continue
        uom = entry.get("uom", "")
        if uom and uom not in UOM_TO_UNIT:
            problems.append(Problem(index, f"{where}.uom", f"unit {uom!r} is not supported (KGM, TNE or GRM)"))
            continue
        out.append(LotRef(entry["epcClass"].strip(), role, quantity, UOM_TO_UNIT.get(uom, "pcs")))
    return out


def _epcs(entries, name, role, problems, index) -> list[LotRef]:
    if not isinstance(entries, list) or not all(isinstance(e, str) and e.strip() for e in entries):
        problems.append(Problem(index, name, "must be a list of identifiers"))
        return []
    return [LotRef(e.strip(), role) for e in entries]


def _pairs(entries, name, key, problems, index) -> list[tuple[str, str]]:
    if entries in (None, []):
        return []
    if isinstance(entries, dict):  # seen in GS1's own TransactionEvent example
        entries = [entries]
    if not isinstance(entries, list):
        problems.append(Problem(index, name, "must be a list"))
        return []
    out = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
            problems.append(Problem(index, f"{name}[{n}].{key}", "is required"))
            continue
        out.append((_short(str(entry.get("type", ""))), entry[key].strip()))
    return out


def _event(index: int, raw) -> tuple[Event | None, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        return None, [Problem(index, "event", "must be an object")]
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        return None, [Problem(index, "type", f"must be one of {', '.join(EVENT_TYPES)}")]
    event_id = raw.get("eventID")
    if not isinstance(event_id, str) or not event_id.strip():
        problems.append(Problem(index, "eventID", "is required (SupplyESG keeps events by their id)"))
    event_time = _time(raw.get("eventTime"), problems, index, "eventTime")
    offset = raw.get("eventTimeZoneOffset")
    if not (isinstance(offset, str) and len(offset) == 6 and offset[0] in "+-" and offset[3] == ":"):
        problems.append(Problem(index, "eventTimeZoneOffset", "is required, e.g. +08:00"))
    action = raw.get("action", "")
    if kind != "TransformationEvent" and action not in ACTIONS:
        problems.append(Problem(index, "action", "must be ADD, OBSERVE or DELETE"))
    event = Event(
        index=index,
        type=kind,
        event_id=(event_id or "").strip() if isinstance(event_id, str) else "",
        event_time=event_time,
        offset=offset if isinstance(offset, str) else "",
        action=action if isinstance(action, str) else "",
        biz_step=_short(str(raw.get("bizStep", ""))),
        disposition=_short(str(raw.get("disposition", ""))),
        read_point=str((raw.get("readPoint") or {}).get("id", "")) if isinstance(raw.get("readPoint"), dict) else "",
        biz_location=str((raw.get("bizLocation") or {}).get("id", "")) if isinstance(raw.get("bizLocation"), dict) else "",
        ilmd=raw.get("ilmd") if isinstance(raw.get("ilmd"), dict) else {},
    )
    for epc_name, quantity_name, role in LIST_FIELDS[kind]:
        if epc_name in raw:
            event.lots += _epcs(raw[epc_name], epc_name, role, problems, index)
        if quantity_name in raw:
            event.lots += _quantities(raw[quantity_name], quantity_name, role, problems, index)
    if kind in ("AggregationEvent", "TransactionEvent") and raw.get("parentID"):
        event.lots.append(LotRef(str(raw["parentID"]).strip(), "parent"))
    if kind == "AggregationEvent" and action != "OBSERVE" and not raw.get("parentID"):
        problems.append(Problem(index, "parentID", "is required for ADD and DELETE"))
    if kind == "TransformationEvent":
        roles = {lot.role for lot in event.lots}
        if "output" not in roles:
            problems.append(Problem(index, "outputQuantityList", "a transformation must name what it made"))
    transactions = _pairs(raw.get("bizTransactionList"), "bizTransactionList", "bizTransaction", problems, index)
    for n, (kind_, _ref) in enumerate(transactions):
        if kind_ and kind_ not in BIZ_TRANSACTION_TYPES:
            problems.append(
                Problem(index, f"bizTransactionList[{n}].type", f"{kind_!r} is not one of {', '.join(BIZ_TRANSACTION_TYPES)}")
            )
    event.transactions = transactions
    event.sources = _pairs(raw.get("sourceList"), "sourceList", "source", problems, index)
    event.destinations = _pairs(raw.get("destinationList"), "destinationList", "destination", problems, index)
    declaration = raw.get("errorDeclaration")
    if declaration is not None:
        if not isinstance(declaration, dict):
            problems.append(Problem(index, "errorDeclaration", "must be an object"))
        else:
            when = _time(declaration.get("declarationTime"), problems, index, "errorDeclaration.declarationTime")
            reason = _short(str(declaration.get("reason", "")))
            if reason and reason not in ERROR_REASONS:
                problems.append(Problem(index, "errorDeclaration.reason", "must be did_not_occur or incorrect_data"))
            corrective = declaration.get("correctiveEventIDs", [])
            if not isinstance(corrective, list):
                problems.append(Problem(index, "errorDeclaration.correctiveEventIDs", "must be a list"))
                corrective = []
            event.error_declaration = {"declaration_time": when, "reason": reason, "corrective_event_ids": corrective}
    return event, problems


def read_document(document) -> tuple[list[Event], list[Problem]]:
    """The events of an EPCIS 2.0 document, or every problem found (then nothing may be written)."""
    if not isinstance(document, dict):
        return [], [Problem(None, "document", "must be a JSON object")]
    problems = []
    if document.get("type") != "EPCISDocument":
        problems.append(Problem(None, "type", "must be EPCISDocument"))
    if str(document.get("schemaVersion", "")) not in ("2.0", "2.0.0"):
        problems.append(Problem(None, "schemaVersion", "must be 2.0"))
    body = document.get("epcisBody")
    events = body.get("eventList") if isinstance(body, dict) else None
    if not isinstance(events, list):
        problems.append(Problem(None, "epcisBody.eventList", "is required"))
        return [], problems
    if len(events) > MAX_EVENTS:
        problems.append(Problem(None, "epcisBody.eventList", f"at most {MAX_EVENTS} events per document"))
        return [], problems
    parsed = []
    seen = set()
    for index, raw in enumerate(events):
        event, found = _event(index, raw)
        problems += found
        if event is not None and not found:
            if event.event_id in seen and event.error_declaration is None:
                problems.append(Problem(index, "eventID", "appears twice in the document"))
            seen.add(event.event_id)
            parsed.append(event)
    return (parsed, problems) if not problems else ([], problems)


# ---------------------------------------------------------------- writing


def quantity_entry(identifier: str, quantity: Decimal | None, unit: str) -> dict:
    entry = {"epcClass": identifier, "quantity": float(quantity) if quantity is not None else 0}
    if unit in UNIT_TO_UOM:
        entry["uom"] = UNIT_TO_UOM[unit]
    return entry


def document(events: list[dict], created: datetime) -> dict:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": created.isoformat(),
        "epcisBody": {"eventList": events},
    }
