"""The evaluation set for company-name matching, generated from RMI's smelter look-up lists.

Read at run time from ``../shared/fixtures/cmrt-public/derived/smelter-lookup_*.csv`` (never copied
into the repository). Every listed smelter (metal, CID, standard name, country, city, province)
yields names as suppliers write them, one kind at a time, each expected to get that CID:

- ``exact``: the standard name; ``lookup_alias``: RMI's own look-up name where it differs
- ``legal_form``: the legal form rewritten (Co., Ltd. <-> Company Limited, dropped, Inc. <-> Corp.)
- ``case_punct``: upper case, punctuation removed
- ``abbreviation``: Company/Co, Industry/Ind., Technology/Tech., International/Intl,
  Manufacturing/Mfg, Metals/Metal, Limited/Ltd
- ``city_qualifier``: the site's city appended in brackets, "(Ganzhou)"
- ``place_moved``: a leading province or city moved into brackets after the trade name
- ``typo``: two neighbouring letters swapped or one dropped in a long word
- ``country_alias``: the country written CN / PRC / USA / US / UK / Korea / Taiwan / JP / ISO code
- ``pinyin_split``: a run-together pinyin word split in two ("Zhaojin" -> "Zhao Jin")
- ``chinese``: the name in Chinese characters, for names made only of a province and industry words
  (云南锡业有限公司), the only ones whose characters are certain

and near-miss negatives, each expected to get no CID:

- ``place_changed``: a listed name whose province or city is replaced by another one, where no
  listed smelter of the metal has that combination
- ``trade_name_changed``: a listed name whose distinctive word is replaced by an invented one
- ``invented``: names built from invented words, usual industry words and a legal form

Generation is deterministic (seeded); a name only counts as unlisted when its deciding words
do not occur in the list.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from pathlib import Path

DERIVED = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "cmrt-public" / "derived"

PROVINCES = [
    "Yunnan",
    "Guangxi",
    "Hunan",
    "Jiangxi",
    "Guangdong",
    "Fujian",
    "Zhejiang",
    "Jiangsu",
    "Shandong",
    "Henan",
    "Hubei",
    "Sichuan",
    "Gansu",
    "Anhui",
    "Hebei",
    "Liaoning",
    "Shaanxi",
    "Guizhou",
]
CITIES = ["Ganzhou", "Chenzhou", "Hezhou", "Liuzhou", "Gejiu", "Zhuzhou", "Jiujiang", "Shaoguan", "Baiyin", "Lingbao"]
COUNTRY_WAYS = {
    "CN": ["CN", "PRC", "P.R. China", "China", "中国", "CHN"],
    "US": ["USA", "US", "U.S.A.", "United States"],
    "GB": ["UK", "United Kingdom", "GB"],
    "KR": ["Korea", "South Korea", "KR", "Republic of Korea"],
    "TW": ["Taiwan", "TW", "Taiwan, China", "Chinese Taipei"],
    "JP": ["JP", "Japan", "JPN"],
    "RU": ["Russia", "RU"],
    "VN": ["Vietnam", "VN"],
    "CD": ["DRC", "DR Congo", "CD"],
    "DE": ["Germany", "DE", "Deutschland"],
}
ABBREVIATIONS = [
    (r"\bCompany\b", "Co."),
    (r"\bCo\.", "Company"),
    (r"\bIndustry\b", "Ind."),
    (r"\bIndustries\b", "Inds."),
    (r"\bTechnology\b", "Tech."),
    (r"\bInternational\b", "Intl"),
    (r"\bManufacturing\b", "Mfg"),
    (r"\bMetals\b", "Metal"),
    (r"\bMetal\b", "Metals"),
    (r"\bLimited\b", "Ltd"),
    (r"\bLtd\b\.?", "Limited"),
    (r"\bCorporation\b", "Corp."),
]
LEGAL = [
    (r",?\s*Co\.,?\s*Ltd\.?$", " Company Limited"),
    (r"\s*Company Limited$", " Co., Ltd."),
    (r",?\s*Inc\.?$", " Corp."),
    (r",?\s*Ltd\.?$", " Limited"),
    (r",?\s*Limited$", " Ltd."),
    (r",?\s*(Co\.,?\s*Ltd\.?|Company Limited|Inc\.?|Ltd\.?|Limited|GmbH|S\.A\.|Corp\.?|Corporation|LLC)$", ""),
]
SYLLABLES = "hua xin jin long feng sheng tai yuan heng rui kang da fu xiang chang tong hong li ming wei".split()
INVENTED_WORDS = ["Bluewater", "Northgate", "Silverline", "Kestrel", "Orbis", "Veridian", "Altamira", "Corvus"]
INDUSTRY = [
    "Tin Smelting",
    "Metal Refinery",
    "Nonferrous Metals",
    "Tungsten Industry",
    "Gold Refining",
    "Mining & Smelting",
    "New Materials",
    "Cobalt Materials",
    "Rare Metals",
]
FORMS = ["Co., Ltd.", "Company Limited", "Ltd.", "Inc.", "GmbH", "S.A.", "Corporation"]


@dataclass(frozen=True)
class Listed:
    metal: str
    cid: str
    name: str
    lookup_name: str
    country: str
    city: str
    province: str


@dataclass(frozen=True)
class Case:
    kind: str
    metal: str
    name: str
    country: str
    expected: str | None  # the CID, or None for an unlisted name


def load_listed(directory: Path = DERIVED) -> list[Listed]:
    out = []
    for path in sorted(directory.glob("smelter-lookup_*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["smelter_id"].startswith("CID"):
                    out.append(
                        Listed(
                            row["metal"],
                            row["smelter_id"],
                            row["standard_smelter_name"],
                            row["smelter_lookup_name"],
                            row["country"],
                            row["city"],
                            row["state_province"],
                        )
                    )
    return out


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w}


def _typo(name: str, rng: random.Random) -> str | None:
    words = [w for w in re.findall(r"[A-Za-z]{8,}", name) if w.lower() not in {"limited", "company", "corporation"}]
    if not words:
        return None
    word = rng.choice(words)
    i = rng.randrange(2, len(word) - 2)
    changed = word[:i] + word[i + 1] + word[i] + word[i + 2 :] if rng.random() < 0.5 else word[:i] + word[i + 1 :]
    return name.replace(word, changed, 1)


def _pinyin_split(name: str) -> str | None:
    for word in re.findall(r"\b[A-Z][a-z]{5,}\b", name):
        for syl in SYLLABLES:
            if word.lower().startswith(syl) and len(word) - len(syl) >= 3 and word.lower()[len(syl) :] in SYLLABLES:
                return name.replace(word, f"{word[: len(syl)]} {word[len(syl)].upper()}{word[len(syl) + 1 :]}", 1)
    return None


def _chinese(name: str) -> str | None:
    """云南锡业股份有限公司 for "Yunnan Tin Company Limited": only names made of a province and industry
    words, whose Chinese form is certain (a trade name cannot be turned back into characters)."""
    from supplyesg.core.matching import normalize_company
    from supplyesg.core.matching.vocabulary import CHINESE_PROVINCES, CHINESE_TERMS

    parsed = normalize_company(name)
    if parsed.distinctive or not parsed.places:
        return None
    provinces = {v: k for k, v in CHINESE_PROVINCES.items()}
    terms = {words: chars for chars, words in sorted(CHINESE_TERMS.items(), key=lambda kv: -len(kv[0]))}
    out = []
    for token in parsed.tokens:
        if token in provinces:
            out.append(provinces[token])
        elif (token,) in terms:
            out.append(terms[(token,)])
        else:
            return None
    return "".join(out) + "有限公司"


def _invented_word(rng: random.Random, vocabulary: set[str]) -> str:
    while True:
        word = (rng.choice(SYLLABLES) + rng.choice(SYLLABLES)).capitalize()
        if word.lower() not in vocabulary:
            return word


def build(listed: list[Listed] | None = None, seed: int = 10) -> list[Case]:
    from supplyesg.core.matching import normalize_company, resolve_country

    listed = listed if listed is not None else load_listed()
    rng = random.Random(seed)
    vocabulary: set[str] = set()
    for item in listed:
        vocabulary |= _words(item.name) | _words(item.lookup_name)
    combos: dict[str, set[tuple[frozenset, frozenset]]] = {}
    for item in listed:
        for text in (item.name, item.lookup_name):
            n = normalize_company(text)
            combos.setdefault(item.metal, set()).add((frozenset(n.distinctive), frozenset(n.places)))
    cases: list[Case] = []
    # RMI lists a few names under two CIDs of one metal: no matcher can tell them apart
    owners: dict[tuple[str, str], set[str]] = {}
    for item in listed:
        for text in (item.name, item.lookup_name):
            owners.setdefault((item.metal, " ".join(sorted(normalize_company(text).tokens))), set()).add(item.cid)
    ambiguous = {cid for cids in owners.values() if len(cids) > 1 for cid in cids}
    listed = [i for i in listed if i.cid not in ambiguous]

    def add(kind: str, item: Listed, name: str | None, country: str | None = None) -> None:
        if name and name.strip() and (name != item.name or kind in {"exact", "country_alias"}):
            cases.append(Case(kind, item.metal, name or item.name, item.country if country is None else country, item.cid))

    written: set[tuple[str, str]] = set()
    for item in listed:
        add("exact", item, item.name)
        if item.lookup_name != item.name:
            add("lookup_alias", item, item.lookup_name)
        for pattern, repl in LEGAL:
            if re.search(pattern, item.name):
                add("legal_form", item, re.sub(pattern, repl, item.name).strip())
                break
        add("case_punct", item, re.sub(r"[.,()]", "", item.name).upper())
        options = [(p, r) for p, r in ABBREVIATIONS if re.search(p, item.name)]
        if options:
            pattern, repl = rng.choice(options)
            add("abbreviation", item, re.sub(pattern, repl, item.name, count=1))
        if item.city and item.city.lower() not in item.name.lower():
            add("city_qualifier", item, f"{item.name} ({item.city.replace(' City', '')})")
        lead = item.name.split()[0] if item.name.split() else ""
        if lead in PROVINCES + CITIES and len(item.name.split()) > 3:
            rest = item.name[len(lead) :].strip()
            head, sep, form = rest.rpartition(" Co")
            moved = f"{head} ({lead}) Co{form}" if sep else f"{rest} ({lead})"
            add("place_moved", item, moved)
        add("typo", item, _typo(item.name, rng))
        code = resolve_country(item.country)
        if code in COUNTRY_WAYS:
            add("country_alias", item, item.name, rng.choice(COUNTRY_WAYS[code]))
        add("pinyin_split", item, _pinyin_split(item.name))
        chinese = _chinese(item.name) if resolve_country(item.country) == "CN" else None
        if chinese and (item.metal, chinese) not in written:
            written.add((item.metal, chinese))
            add("chinese", item, chinese, "中国")

        # near misses
        n = normalize_company(item.name)
        places = [w for w in item.name.split() if w in PROVINCES + CITIES]
        if places:
            old = places[0]
            own = {w.lower() for w in (item.city + " " + item.province).split()}
            for new in rng.sample(PROVINCES + CITIES, 6):
                if new.lower() in own:
                    continue
                changed = item.name.replace(old, new, 1)
                m = normalize_company(changed)
                if (
                    new != old
                    and new.lower() not in n.places
                    and (frozenset(m.distinctive), frozenset(m.places)) not in combos[item.metal]
                ):
                    cases.append(Case("place_changed", item.metal, changed, item.country, None))
                    break
        distinctive = [w for w in item.name.split() if w.lower().strip(".,()") in n.distinctive and len(w) > 3]
        if 0 < len(n.distinctive) <= 2 and distinctive:
            word = distinctive[0]
            cases.append(
                Case(
                    "trade_name_changed",
                    item.metal,
                    item.name.replace(word, _invented_word(rng, vocabulary), 1),
                    item.country,
                    None,
                )
            )
    metals = sorted({i.metal for i in listed})
    countries = ["CHINA", "CN", "USA", "JAPAN", "GERMANY", "BRAZIL", "INDONESIA", "PERU"]
    for i in range(300):
        trade = rng.choice(INVENTED_WORDS) if i % 3 == 0 else _invented_word(rng, vocabulary)
        place = rng.choice(PROVINCES + CITIES) + " " if i % 2 else ""
        name = f"{place}{trade} {rng.choice(INDUSTRY)} {rng.choice(FORMS)}"
        cases.append(Case("invented", rng.choice(metals), name, rng.choice(countries), None))
    return cases


# ---------------------------------------------------------------- blacklist and duplicates


@dataclass(frozen=True)
class ScreenCase:
    kind: str
    name: str
    country: str
    banned: str | None  # the banned name it must be caught as, or None for a different company


def blacklist_cases(listed: list[Listed] | None = None, seed: int = 7) -> tuple[list[tuple[str, str]], list[ScreenCase]]:
    """Banned companies and the names to screen against them.

    The Chinese companies of the RMI lists stand in for suppliers (real [place][trade name][industry]
    names with their city): every other one is "banned". Each banned name yields its variants (place
    moved into brackets, legal form, case and punctuation, abbreviation, typo, country written CN/PRC,
    the same name registered in another country), each of which must be caught. The unbanned companies
    of a banned one's city, and the banned names with an invented trade name, must not be.
    """
    from supplyesg.core.matching import normalize_company, resolve_country

    listed = listed if listed is not None else load_listed()
    rng = random.Random(seed)
    seen: dict[str, Listed] = {}
    for item in listed:
        if resolve_country(item.country) == "CN" and item.city:
            seen.setdefault(item.name.lower(), item)
    companies = sorted(seen.values(), key=lambda i: i.name)
    banned = companies[::2]
    free = companies[1::2]
    vocabulary = set().union(*(_words(i.name) for i in listed))
    cases: list[ScreenCase] = []
    for item in banned:
        name = item.name

        def add(kind: str, variant: str | None, country: str = "CN", name: str = name) -> None:
            if variant and variant != name:
                cases.append(ScreenCase(kind, variant, country, name))

        lead = name.split()[0]
        if lead in PROVINCES + CITIES or lead.lower() in item.city.lower():
            rest = name[len(lead) :].strip()
            head, sep, form = rest.rpartition(" Co")
            add("place_moved", f"{head} ({lead}) Co{form}" if sep else f"{rest} ({lead})")
        for pattern, repl in LEGAL:
            if re.search(pattern, name):
                add("legal_form", re.sub(pattern, repl, name).strip())
                break
        add("case_punct", re.sub(r"[.,()]", "", re.sub(r"\s*\(", " (", name)).upper())
        options = [(p, r) for p, r in ABBREVIATIONS if re.search(p, name)]
        if options:
            pattern, repl = rng.choice(options)
            add("abbreviation", re.sub(pattern, repl, name, count=1))
        add("typo", _typo(name, rng))
        cases.append(ScreenCase("country_alias", name, rng.choice(COUNTRY_WAYS["CN"]), name))
        cases.append(ScreenCase("other_country", name, rng.choice(["VN", "MY", "TH", "HK"]), name))
        distinctive = normalize_company(name).distinctive
        trade = next((w for w in name.split() if len(w) > 3 and w.lower().strip(".,()") in distinctive), None)
        if trade:
            cases.append(
                ScreenCase("same_city_other_trade_name", name.replace(trade, _invented_word(rng, vocabulary), 1), "CN", None)
            )
    banned_cities = {i.city.lower() for i in banned}
    for item in free:
        if item.city.lower() in banned_cities:
            cases.append(ScreenCase("same_city_other_company", item.name, "CN", None))
    return [(i.name, "CN") for i in banned], cases
