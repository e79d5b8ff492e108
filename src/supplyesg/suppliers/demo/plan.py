"""The demo registry as plain data. No database access: the same seed always gives the same plan."""

import hashlib
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rapidfuzz import fuzz

from supplyesg.core.matching import company_key, fold
from supplyesg.suppliers.demo.words import (
    CN_BRANDS,
    CN_CITIES,
    CN_PEOPLE,
    MATERIALS,
    MINERAL_WORDS,
    ORES,
    PRODUCTS,
    PROFILES,
    SMELTER_PRODUCTS,
    STATUS_COUNTS,
    TIER1_CATEGORIES,
    TIER1_COUNTRIES,
    TIER1_INPUTS,
    TIER2_CATEGORIES,
    TIER2_COUNTRIES,
    TIER2_INPUTS,
    TIER3,
    TITLES,
    TW_BRANDS,
    TW_CITIES,
    digits,
)

SEED = 20240517
REFERENCE_FILE = Path(__file__).resolve().parents[1] / "data" / "reference.json"


@dataclass
class DemoSupplier:
    code: str
    legal_name: str
    local_name: str
    aliases: str
    registration_id: str
    registration_authority: str
    country: str
    address: str
    website: str
    tier: int
    categories: list[str]
    kind: str  # "maker", "mine" or "smelter"
    mineral: str = ""
    is_key: bool = False
    spend_share: Decimal | None = None
    status: str = "active"
    age: int = 0  # created this many days ago
    contacts: list[tuple] = field(default_factory=list)  # (name, title, email, phone, primary, signatory)
    sites: list[tuple] = field(default_factory=list)  # (name, kind, address)
    upstream: list[tuple[str, str]] = field(default_factory=list)  # (code, material)
    documents: list[tuple] = field(default_factory=list)  # (doc_type, title, issued_days_ago, expires_in_days or None)


@dataclass
class DemoPlan:
    suppliers: list[DemoSupplier]
    reference: dict
    seed: int = SEED

    def fingerprint(self) -> str:
        rows = [(s.code, s.legal_name, s.local_name, s.registration_id, s.country, s.tier, s.status, s.categories,
                 s.upstream, s.documents) for s in self.suppliers]
        return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _uscc(rng, region: str) -> str:
    """An 18-character unified social credit code with valid check characters (GB 32100, GB 11714)."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    org = "".join(rng.choice(chars[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    value = {ch: (int(ch) if ch.isdigit() else ord(ch) - 55) for ch in set(org)}
    check = 11 - sum(value[ch] * w for ch, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    org += "X" if check == 10 else ("0" if check == 11 else str(check))
    body = "91" + region + org
    total = sum(chars.index(ch) * w for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + chars[(31 - total % 31) % 31]


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def slug(text: str) -> str:
    return "-".join("".join(ch if ch.isascii() else " " for ch in fold(text)).split())


class _Namer:
    """Company names that never look like each other: same-country names stay below the duplicate threshold."""

    def __init__(self, rng):
        self.rng = rng
        self.keys: dict[str, list[str]] = {}

    def fresh(self, country: str, make) -> tuple:
        for _attempt in range(200):
            made = make()
            key = company_key(made[0])
            if all(fuzz.ratio(key, other) < 88 for other in self.keys.get(country, [])):
                self.keys.setdefault(country, []).append(key)
                return made
        raise RuntimeError(f"cannot find a fresh company name in {country}")


def _company(rng, namer, country: str, category: str, kind: str, mineral: str):
    """(legal name, local name, aliases, registration id, authority, city, address, domain)."""
    if country == "CN":
        def make():
            city, city_zh, region, province = rng.choice(CN_CITIES)
            brand, brand_zh = rng.choice(CN_BRANDS)
            product, product_zh = SMELTER_PRODUCTS[mineral] if kind == "smelter" else rng.choice(PRODUCTS[category])[:2]
            return (f"{city} {brand} {product} Co., Ltd.", f"{city_zh}{brand_zh}{product_zh}有限公司", brand, brand_zh, product,
                    city, region, province)
        legal, local, brand, brand_zh, product, city, region, province = namer.fresh(country, make)
        aliases = f"{brand} {product}\n{brand_zh}" if rng.random() < 0.5 else ""
        road = rng.choice(("Gongye", "Keji", "Xinghua", "Jinqiao", "Changxing", "Fuyuan"))
        address = f"No. {rng.randint(1, 388)} {road} Road, {city}, {province}"
        return (legal, local, aliases, _uscc(rng, region), f"{city} Administration for Market Regulation", city, address,
                slug(f"{brand} {product}") + ".example")
    if country == "TW":
        def make():
            (city, _zh), (brand, brand_zh) = rng.choice(TW_CITIES), rng.choice(TW_BRANDS)
            product, _simplified, traditional = rng.choice(PRODUCTS.get(category) or PRODUCTS["pcba"])
            return f"{brand} {product} Co., Ltd.", f"{brand_zh}{traditional}股份有限公司", brand, product, city
        legal, local, brand, product, city = namer.fresh(country, make)
        profile = PROFILES["TW"]
    else:
        profile = PROFILES[country]

        def make():
            brand, city = rng.choice(profile["brands"]), rng.choice(profile["cities"])
            if kind == "mine":
                product = f"{MINERAL_WORDS[mineral]}"
            elif kind == "smelter":
                product = rng.choice(("Tin Smelting", "Metal Industries", "Smelting Works", "Tin Alloys", "Refining"))
            else:
                product = rng.choice(PRODUCTS[category])[0]
            suffix = profile["suffix"] if isinstance(profile["suffix"], str) else rng.choice(profile["suffix"])
            return f"{profile.get('prefix', '')}{brand} {product}{suffix}", "", brand, product, city
        legal, local, brand, product, city = namer.fresh(country, make)
    address = f"{rng.randint(1, 250)} {rng.choice(profile['streets'])}, {city}"
    authority = profile["authority"] + (f" {city}" if country in ("DE",) else "")
    return legal, local, "", profile["reg"](rng), authority, city, address, slug(f"{brand} {product}") + ".example"


def _contacts(rng, country: str, domain: str) -> list[tuple]:
    people = CN_PEOPLE if country == "CN" else PROFILES[country]["people"]
    phone = "+86" if country == "CN" else PROFILES[country]["phone"]
    chosen = rng.sample(list(people), k=min(len(people), rng.choice((1, 2, 2, 3))))
    contacts = []
    for index, name in enumerate(chosen):
        title = "General Manager" if index == 0 else rng.choice(TITLES)
        email = f"{slug(name).replace('-', '.')}@{domain}"
        number = f"{phone} {rng.randint(20, 999)} {digits(rng, 4)} {digits(rng, 4)}"
        contacts.append((name, title, email, number, index == 0, index == 0))
    return contacts


def build_plan(seed: int = SEED) -> DemoPlan:
    """The whole demo registry as plain data: the same seed gives the same plan."""
    rng = random.Random(seed)
    reference = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    namer = _Namer(rng)
    suppliers: list[DemoSupplier] = []

    def add(tier, country, categories, kind, mineral=""):
        legal, local, aliases, reg, authority, city, address, domain = _company(rng, namer, country, categories[0], kind, mineral)
        supplier = DemoSupplier(
            code=f"S{len(suppliers) + 1:06d}", legal_name=legal, local_name=local, aliases=aliases, registration_id=reg,
            registration_authority=authority, country=country, address=address, website=f"https://www.{domain}", tier=tier,
            categories=categories, kind=kind, mineral=mineral,
        )
        supplier.contacts = _contacts(rng, country, domain)
        site_kind = {"mine": "mine", "smelter": "smelter"}.get(kind, "factory")
        supplier.sites = [(f"{city} {site_kind}", site_kind, address)]
        if kind == "maker" and rng.random() < 0.3:
            supplier.sites.append((f"{city} warehouse", "warehouse", f"{rng.randint(1, 90)} Logistics Park, {city}"))
        suppliers.append(supplier)
        return supplier

    makers = ((1, 110, TIER1_CATEGORIES, TIER1_COUNTRIES), (2, 120, TIER2_CATEGORIES, TIER2_COUNTRIES))
    for tier, count, cats, countries in makers:
        for _n in range(count):
            category = _weighted(rng, cats)
            categories = [category]
            if rng.random() < 0.25:
                extra = _weighted(rng, cats)
                if extra != category and extra not in ("equipment", "logistics-services", "packaging"):
                    categories.append(extra)
            add(tier, _weighted(rng, countries), categories, "maker")
    for country, mineral, count, kind in TIER3:
        for _n in range(count):
            if mineral == "silicon":
                categories = ["silicon-materials"]
            elif mineral == "cobalt" and kind == "smelter":
                categories = ["cobalt-compounds", "metal-ores"]
            else:
                categories = ["metal-ores"]
            add(3, country, categories, kind, mineral)

    _link(rng, suppliers)
    _assign_statuses(rng, suppliers)
    tier1 = [s for s in suppliers if s.tier == 1]
    for s in tier1:
        s.is_key = rng.random() < 0.15
        s.spend_share = Decimal(str(round(rng.uniform(1.5, 5.0) if s.is_key else rng.uniform(0.05, 0.8), 3)))
    _documents(rng, suppliers, reference)
    # A prospect that looks like an active supplier: the duplicate check has something to show.
    original = next(s for s in suppliers if s.country == "CN" and s.status == "active" and s.tier == 1)
    twin = DemoSupplier(
        code=f"S{len(suppliers) + 1:06d}", legal_name=original.legal_name.upper().replace("CO., LTD.", "COMPANY LIMITED"),
        local_name="", aliases="", registration_id="", registration_authority="", country="CN", address="", website="",
        tier=1, categories=list(original.categories), kind="maker", status="prospect", age=6,
    )
    suppliers.append(twin)
    return DemoPlan(suppliers, reference, seed)


def _link(rng, suppliers: list[DemoSupplier]) -> None:
    mines = [s for s in suppliers if s.kind == "mine"]
    smelters = [s for s in suppliers if s.kind == "smelter"]
    for mine in mines:
        candidates = [s for s in smelters if s.mineral == mine.mineral]
        for smelter in rng.sample(candidates, k=min(len(candidates), rng.choice((1, 1, 2)))):
            smelter.upstream.append((mine.code, ORES[mine.mineral]))
    for maker in (s for s in suppliers if s.tier == 2):
        minerals = TIER2_INPUTS.get(maker.categories[0], ())
        candidates = [s for s in smelters if s.mineral in minerals]
        for smelter in rng.sample(candidates, k=min(len(candidates), rng.choice((1, 2, 3)))):
            maker.upstream.append((smelter.code, MATERIALS[smelter.mineral]))
    tier2 = [s for s in suppliers if s.tier == 2]
    for maker in (s for s in suppliers if s.tier == 1):
        wanted = TIER1_INPUTS.get(maker.categories[0], ())
        candidates = [s for s in tier2 if s.categories[0] in wanted]
        for upstream in rng.sample(candidates, k=min(len(candidates), rng.choice((1, 2, 3, 4)))):
            maker.upstream.append((upstream.code, MATERIALS[upstream.categories[0]]))


def _assign_statuses(rng, suppliers: list[DemoSupplier]) -> None:
    order = list(range(len(suppliers)))
    rng.shuffle(order)
    position = 0
    for status, count in STATUS_COUNTS:
        for index in order[position:position + count]:
            suppliers[index].status = status
        position += count
    ages = {"prospect": (1, 60), "qualification": (10, 90), "certification": (45, 120)}
    for s in suppliers:
        s.age = rng.randint(*ages.get(s.status, (260, 2200)))


def _documents(rng, suppliers: list[DemoSupplier], reference: dict) -> None:
    rules = {c["code"]: c.get("document_rules", []) for c in reference["categories"]}
    for s in suppliers:
        if s.status == "prospect":
            continue
        # Chinese and Taiwanese business licences do not expire; elsewhere a licence is renewed every five years.
        validity = None if s.country in ("CN", "TW") else 1825
        issued = s.age + rng.randint(30, 2000) if validity is None else rng.randint(30, 1700)
        s.documents.append(("licence", "Business licence", issued, validity - issued if validity else None))
        if s.kind != "mine" or rng.random() < 0.3:
            for standard, share in (("ISO 9001", 0.85), ("ISO 14001", 0.6), ("ISO 45001", 0.35)):
                if rng.random() < share:
                    issued = rng.randint(20, 1050)
                    s.documents.append(("certificate", f"{standard} certificate", issued, 1095 - issued))
        for category in s.categories:
            for rule in rules.get(category, []):
                if any(d[0] == rule["doc_type"] for d in s.documents):
                    continue
                issued = rng.randint(10, 330)
                title = "RoHS test report" if rule["doc_type"] == "rohs" else "REACH SVHC test report"
                s.documents.append((rule["doc_type"], title, issued, 365 - issued))
    # Make sure the dashboard has documents expiring soon and expired ones, whatever the draw.
    dated = [(s, i) for s in suppliers for i, d in enumerate(s.documents) if d[3] is not None]
    picked = rng.sample(dated, k=26)
    for n, (s, i) in enumerate(picked):
        doc_type, title, _issued, _expires = s.documents[i]
        life = {"rohs": 365, "reach": 365, "licence": 1825}.get(doc_type, 1095)
        expires = rng.randint(2, 28) if n < 14 else -rng.randint(5, 150)
        s.documents[i] = (doc_type, title, life - expires, expires)
