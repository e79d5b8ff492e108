"""Reading sanctions lists from files: the UN Security Council Consolidated List (its published XML), a plain
CSV, and FollowTheMoney JSON (one entity per line, as OpenSanctions exports it). No Django, no network.

Every reader returns a `ParsedList` or raises `ListFormatError` naming the line, element or row, so a bad
file is refused before anything is stored. XML goes through defusedxml (entity-expansion and external-entity
attacks are refused, not parsed).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from supplyesg.core.matching import resolve_country

FORMATS = ("un-xml", "csv", "ftm")
PERSON, ENTITY = "person", "entity"
# FollowTheMoney schemata that name a sanctioned party; others (Sanction, Address, Identification...) are
# details of one and are skipped.
FTM_PARTIES = {
    "Person": PERSON,
    "Company": ENTITY,
    "Organization": ENTITY,
    "LegalEntity": ENTITY,
    "PublicBody": ENTITY,
    "Vessel": ENTITY,
    "Airplane": ENTITY,
}


class ListFormatError(ValueError):
    """The file is not a readable list of the stated format; the message says where."""


@dataclass
class ParsedEntry:
    reference: str
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO alpha-2 where resolvable
    listed_on: str = ""
    programme: str = ""


@dataclass
class ParsedList:
    version: str  # what the publisher calls this edition (the UN's dateGenerated), '' when the file has none
    entries: list[ParsedEntry]


def _countries(values) -> list[str]:
    out = []
    for value in values:
        value = " ".join(str(value or "").split())
        if not value:
            continue
        code = resolve_country(value) or ""
        if code and code not in out:
            out.append(code)
    return out


def _unique(names) -> list[str]:
    out, seen = [], set()
    for name in names:
        name = " ".join(str(name or "").split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListFormatError("file: the file is neither UTF-8 nor GB18030 text.")


# ---------------------------------------------------------------- UN Security Council Consolidated List


def _text(node: Element, tag: str) -> str:
    child = node.find(tag)
    return " ".join((child.text or "").split()) if child is not None and child.text else ""


def _un_entry(node: Element, kind: str, where: str) -> ParsedEntry:
    reference = _text(node, "REFERENCE_NUMBER")
    parts = [_text(node, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    if not reference:
        raise ListFormatError(f"{where}: REFERENCE_NUMBER is missing.")
    if not name:
        raise ListFormatError(f"{where} ({reference}): FIRST_NAME is missing.")
    alias_tag, address_tag = ("INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS") if kind == PERSON else ("ENTITY_ALIAS", "ENTITY_ADDRESS")
    aliases = [_text(a, "ALIAS_NAME") for a in node.findall(alias_tag)]
    original = _text(node, "NAME_ORIGINAL_SCRIPT")
    countries = [_text(a, "COUNTRY") for a in node.findall(address_tag)]
    countries += [v.text or "" for v in node.findall("NATIONALITY/VALUE")]
    return ParsedEntry(
        reference=reference,
        kind=kind,
        name=name,
        aliases=[a for a in _unique([*aliases, original]) if a.casefold() != name.casefold()],
        countries=_countries(countries),
        listed_on=_text(node, "LISTED_ON")[:10],
        programme=_text(node, "UN_LIST_TYPE"),
    )


def parse_un_xml(data: bytes) -> ParsedList:
    try:
        root = fromstring(data)
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise ListFormatError(f"file: not well-formed XML (line {line}).") from exc
    except DefusedXmlException as exc:
        raise ListFormatError(f"file: the XML uses a forbidden construct ({exc.__class__.__name__}).") from exc
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(f"file: the root element is <{root.tag}>, not <CONSOLIDATED_LIST> of the UN list.")
    entries = []
    for group, tag, kind in (("INDIVIDUALS", "INDIVIDUAL", PERSON), ("ENTITIES", "ENTITY", ENTITY)):
        for index, node in enumerate(root.findall(f"{group}/{tag}"), start=1):
            entries.append(_un_entry(node, kind, f"{group}/{tag}[{index}]"))
    if not entries:
        raise ListFormatError("file: the list has no INDIVIDUALS/INDIVIDUAL or ENTITIES/ENTITY element.")
    return ParsedList(version=root.get("dateGenerated", "")[:40], entries=_checked(entries))


# ---------------------------------------------------------------- CSV

_CSV_HEADERS = {
    "name": "name",
    "names": "name",
    "alias": "aliases",
    "aliases": "aliases",
    "country": "countries",
    "countries": "countries",
    "reference": "reference",
    "reference number": "reference",
    "reference_number": "reference",
    "id": "reference",
    "kind": "kind",
    "type": "kind",
    "schema": "kind",
    "listed on": "listed_on",
    "listed_on": "listed_on",
    "programme": "programme",
    "program": "programme",
}
_PERSON_WORDS = {"person", "individual", "people"}


def parse_csv(data: bytes) -> ParsedList:
    """Columns by header (any case): name (required), aliases and countries separated by ';', reference
    (required, unique), kind (person/entity), listed_on, programme."""
    rows = list(csv.reader(io.StringIO(_decode(data))))
    if not rows:
        raise ListFormatError("file: the CSV is empty.")
    header = [_CSV_HEADERS.get(str(h).strip().lower()) for h in rows[0]]
    missing = [c for c in ("name", "reference") if c not in header]
    if missing:
        raise ListFormatError(f"row 1: the header needs the column(s) {', '.join(missing)}.")
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name}
        if not values.get("name"):
            raise ListFormatError(f"row {number}: name is empty.")
        if not values.get("reference"):
            raise ListFormatError(f"row {number}: reference is empty.")
        entries.append(
            ParsedEntry(
                reference=values["reference"],
                kind=PERSON if values.get("kind", "").lower() in _PERSON_WORDS else ENTITY,
                name=" ".join(values["name"].split()),
                aliases=_unique(values.get("aliases", "").split(";")),
                countries=_countries(values.get("countries", "").split(";")),
                listed_on=values.get("listed_on", "")[:10],
                programme=values.get("programme", ""),
            )
        )
    if not entries:
        raise ListFormatError("file: the CSV has a header but no entries.")
    return ParsedList(version="", entries=_checked(entries))


# ---------------------------------------------------------------- FollowTheMoney JSON


def parse_ftm(data: bytes) -> ParsedList:
    """One JSON entity per line ({"id", "schema", "properties": {"name": [...], "alias": [...],
    "country": [...]}}), or a JSON array of them."""
    text = _decode(data).strip()
    if not text:
        raise ListFormatError("file: the file is empty.")
    if text.startswith("["):
        try:
            items = [(i, e) for i, e in enumerate(json.loads(text), start=1)]
        except json.JSONDecodeError as exc:
            raise ListFormatError(f"file: not valid JSON (line {exc.lineno}).") from exc
        where = "entity"
    else:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ListFormatError(f"line {number}: not valid JSON ({exc.msg}).") from exc
        where = "line"
    entries = []
    for number, item in items:
        if not isinstance(item, dict) or "schema" not in item:
            raise ListFormatError(f"{where} {number}: not a FollowTheMoney entity (no schema).")
        kind = FTM_PARTIES.get(item["schema"])
        if kind is None:
            continue
        props = item.get("properties") or {}
        if not isinstance(props, dict):
            raise ListFormatError(f"{where} {number}: properties is not an object.")
        names = _unique(props.get("name") or [])
        if not names:
            raise ListFormatError(f"{where} {number}: properties.name is empty.")
        if not item.get("id"):
            raise ListFormatError(f"{where} {number}: id is missing.")
        entries.append(
            ParsedEntry(
                reference=str(item["id"])[:100],
                kind=kind,
                name=names[0],
                aliases=_unique([*names[1:], *(props.get("alias") or []), *(props.get("weakAlias") or [])]),
                countries=_countries(
                    [*(props.get("country") or []), *(props.get("jurisdiction") or []), *(props.get("nationality") or [])]
                ),
                listed_on=str((props.get("createdAt") or [item.get("first_seen") or ""])[0])[:10],
                programme=", ".join(props.get("program") or [])[:200],
            )
        )
    if not entries:
        raise ListFormatError("file: no Person, Company, Organization or LegalEntity entity with a name.")
    return ParsedList(version="", entries=_checked(entries))


def _checked(entries: list[ParsedEntry]) -> list[ParsedEntry]:
    seen = set()
    for entry in entries:
        if entry.reference in seen:
            raise ListFormatError(f"{entry.reference}: the reference appears twice.")
        seen.add(entry.reference)
    return entries


def parse(data: bytes, fmt: str) -> ParsedList:
    if fmt not in FORMATS:
        raise ListFormatError(f"format: choose one of {', '.join(FORMATS)}.")
    if not data:
        raise ListFormatError("file: the file is empty.")
    return {"un-xml": parse_un_xml, "csv": parse_csv, "ftm": parse_ftm}[fmt](data)
