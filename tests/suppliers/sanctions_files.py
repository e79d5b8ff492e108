"""Small synthetic sanctions lists in the published shapes (UN SC Consolidated List XML, CSV, FollowTheMoney
JSON lines), written by code so no real list is downloaded or copied into the repository."""

import json
from xml.sax.saxutils import escape

GOLDEN_STAR = "Yunnan Golden Star Metals Trading Co., Ltd."


def un_xml(entities=(), individuals=(), generated="2026-11-30T10:00:01.123-05:00") -> bytes:
    """entities/individuals: dicts with reference, name (entities: first_name only), aliases, countries."""

    def aliases(tag, names):
        return "".join(f"<{tag}><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>{escape(n)}</ALIAS_NAME></{tag}>" for n in names)

    def addresses(tag, countries):
        return "".join(f"<{tag}><COUNTRY>{escape(c)}</COUNTRY></{tag}>" for c in countries) or f"<{tag}/>"

    body = ["<INDIVIDUALS>"]
    for i, person in enumerate(individuals, start=1):
        first, _, second = person["name"].partition(" ")
        body.append(
            f"<INDIVIDUAL><DATAID>{1000 + i}</DATAID><VERSIONNUM>1</VERSIONNUM>"
            f"<FIRST_NAME>{escape(first)}</FIRST_NAME><SECOND_NAME>{escape(second)}</SECOND_NAME>"
            f"<UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>{person['reference']}</REFERENCE_NUMBER>"
            f"<LISTED_ON>2016-03-02</LISTED_ON>"
            f"<NATIONALITY><VALUE>{escape(person.get('nationality', ''))}</VALUE></NATIONALITY>"
            + aliases("INDIVIDUAL_ALIAS", person.get("aliases", ()))
            + addresses("INDIVIDUAL_ADDRESS", person.get("countries", ()))
            + "</INDIVIDUAL>"
        )
    body.append("</INDIVIDUALS><ENTITIES>")
    for i, entity in enumerate(entities, start=1):
        reference = f"<REFERENCE_NUMBER>{entity['reference']}</REFERENCE_NUMBER>" if entity.get("reference") else ""
        body.append(
            f"<ENTITY><DATAID>{2000 + i}</DATAID><VERSIONNUM>1</VERSIONNUM>"
            f"<FIRST_NAME>{escape(entity.get('name', ''))}</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
            f"{reference}<LISTED_ON>{entity.get('listed_on', '2017-08-05')}</LISTED_ON>"
            + aliases("ENTITY_ALIAS", entity.get("aliases", ()))
            + addresses("ENTITY_ADDRESS", entity.get("countries", ()))
            + "</ENTITY>"
        )
    body.append("</ENTITIES>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<CONSOLIDATED_LIST xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" dateGenerated="{generated}">'
        + "".join(body)
        + "</CONSOLIDATED_LIST>"
    ).encode()


KOMID = {
    "reference": "KPe.001",
    "name": "KOREA MINING DEVELOPMENT TRADING CORPORATION",
    "aliases": ["KOMID", "CHANGGWANG SINYONG CORPORATION"],
    "countries": ["Democratic People's Republic of Korea", "Iran"],
}
GOLDEN = {"reference": "KPe.099", "name": GOLDEN_STAR, "aliases": ["Golden Star Trading"], "countries": ["China"]}
PERSON = {"reference": "KPi.001", "name": "Kim Example", "nationality": "Democratic People's Republic of Korea"}


def standard_un_xml(**kwargs) -> bytes:
    return un_xml(entities=[KOMID, GOLDEN], individuals=[PERSON], **kwargs)


def csv_list() -> bytes:
    return (
        "Reference,Name,Aliases,Country,Type,Listed on\n"
        "EU-001,Far East Tin Smelting Works,FETSW;远东锡冶炼厂,CN,entity,2024-01-10\n"
        'EU-002,"Ivan Example",,RU,person,2023-05-01\n'
    ).encode()


def ftm_lines() -> bytes:
    entities = [
        {
            "id": "os-abc123",
            "schema": "Company",
            "properties": {"name": ["Northern Cobalt Refining LLC"], "alias": ["NCR"], "country": ["cd"]},
        },
        {"id": "os-sanction-1", "schema": "Sanction", "properties": {"entity": ["os-abc123"], "program": ["X"]}},
        {"id": "os-person-1", "schema": "Person", "properties": {"name": ["Jane Example"], "nationality": ["us"]}},
    ]
    return "\n".join(json.dumps(e) for e in entities).encode()
