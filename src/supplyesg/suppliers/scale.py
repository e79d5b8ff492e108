"""The suppliers part of `supplyesg generate_scale_data` (core/scale.py): the registry at scale.

Suppliers spread over countries, tiers and statuses, each in one to three categories, with a site, one or two
contacts and the mandatory documents of its categories (some expired, some expiring), written with the bulk
paths the demo writer uses (suppliers/demo/writer.py) and the "supplier.created" history row the registry
service writes. Deterministic for a seed; skipped when the year's scale suppliers already exist.
"""

import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from supplyesg.core.models import AuditEvent
from supplyesg.core.scale import ScaleOptions
from supplyesg.suppliers.demo.words import CN_BRANDS, CN_CITIES, TW_BRANDS, TW_CITIES
from supplyesg.suppliers.demo.writer import pdf_bytes
from supplyesg.suppliers.models import Category, Contact, Document, DocumentRule, Site, Supplier

CHUNK = 2000
# (country, share): mostly China and Taiwan, as the company's supply base.
COUNTRIES = (("CN", 55), ("TW", 12), ("MY", 6), ("VN", 6), ("KR", 4), ("JP", 4), ("TH", 3), ("ID", 3), ("DE", 2),
             ("US", 2), ("MX", 2), ("CD", 1))
# Mostly approved and active suppliers; the rest at every other lifecycle step.
STATUSES = (("active", 55), ("qualified", 12), ("conditional", 6), ("prospect", 8), ("qualification", 5),
            ("certification", 4), ("suspended", 4), ("exited", 4), ("blacklisted", 2))
KINDS = ("Electronics", "Precision Parts", "Materials", "Plastics", "Metal Works", "Packaging", "Components", "Cables")
KINDS_ZH = ("电子", "精密零件", "材料", "塑胶", "五金", "包装", "元器件", "线缆")


def prefix(year: int) -> str:
    return f"SC{year}-"


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _stored_pdfs(doc_types) -> dict[str, str]:
    """One small PDF per document type, stored once and shared by the generated documents of that type."""
    return {
        doc_type: default_storage.save(f"scale/{doc_type}.pdf", ContentFile(pdf_bytes(f"Scale data {doc_type}")))
        for doc_type in doc_types
    }


def _rows(options: ScaleOptions, categories: list[Category]) -> Iterator[tuple[Supplier, list[int]]]:
    rng = random.Random(options.seed)
    start = timezone.now() - timedelta(days=365 * 3)
    for i in range(options.suppliers):
        country = _weighted(rng, COUNTRIES)
        kind = rng.randrange(len(KINDS))
        if country == "CN":
            (brand, brand_zh), (city, city_zh, _region, _province) = rng.choice(CN_BRANDS), rng.choice(CN_CITIES)
            name, local = f"{city} {brand} {KINDS[kind]} Co., Ltd. {i:06d}", f"{city_zh}{brand_zh}{KINDS_ZH[kind]}有限公司{i:06d}"
        elif country == "TW":
            (brand, brand_zh), (city, city_zh) = rng.choice(TW_BRANDS), rng.choice(TW_CITIES)
            name, local = f"{brand} {KINDS[kind]} Co., Ltd. ({city}) {i:06d}", f"{brand_zh}{KINDS_ZH[kind]}股份有限公司{i:06d}"
        else:
            name, local = f"{KINDS[kind]} Supply {country} {i:06d}", ""
        created = start + timedelta(minutes=rng.randrange(60 * 24 * 365 * 3))
        supplier = Supplier(
            code=f"{prefix(options.year)}{i:07d}",
            legal_name=name,
            local_name=local,
            registration_id=f"SC{options.year}{i:09d}",
            country=country,
            address=f"{rng.randint(1, 999)} Industrial Road",
            tier=rng.choices((1, 2, 3), (60, 30, 10))[0],
            is_key=rng.random() < 0.08,
            status=_weighted(rng, STATUSES),
            created_at=created,
            status_changed_at=created,
        )
        picked = rng.sample(categories, k=min(len(categories), rng.choice((1, 1, 2, 3))))
        yield supplier, [c.pk for c in picked]


def generate_suppliers(options: ScaleOptions, progress: Callable[[str], None]) -> None:
    code_prefix = prefix(options.year)
    if Supplier.objects.filter(code__startswith=code_prefix).exists():
        progress(f"suppliers {code_prefix}* already exist; skipped")
        return
    if not Category.objects.exists():
        call_command("load_reference", stdout=StringIO())
    categories = list(Category.objects.order_by("code"))
    rules: dict[int, list[tuple[str, bool]]] = {}
    for category_id, doc_type, yearly in DocumentRule.objects.values_list("category_id", "doc_type", "yearly"):
        rules.setdefault(category_id, []).append((doc_type, yearly))
    files = _stored_pdfs(sorted({doc_type for pairs in rules.values() for doc_type, _y in pairs}))
    rng = random.Random(options.seed + 1)
    today = timezone.localdate()
    through = Supplier.categories.through
    rows = _rows(options, categories)
    done = 0
    while done < options.suppliers:
        chunk = [next(rows) for _ in range(min(CHUNK, options.suppliers - done))]
        with transaction.atomic():
            Supplier.objects.bulk_create([s for s, _c in chunk])
            saved = dict(
                Supplier.objects.filter(code__in=[s.code for s, _c in chunk]).values_list("code", "pk")
            )
            links, sites, contacts, documents, events = [], [], [], [], []
            for supplier, category_ids in chunk:
                pk = saved[supplier.code]
                links += [through(supplier_id=pk, category_id=c) for c in category_ids]
                sites.append(Site(supplier_id=pk, name=f"{supplier.legal_name[:150]} plant", country=supplier.country,
                                  address=supplier.address))
                contacts.append(Contact(supplier_id=pk, name=f"Contact {supplier.code}", title="Sales manager",
                                        email=f"sales@{supplier.code.lower()}.example", is_primary=True))
                if rng.random() < 0.5:
                    contacts.append(Contact(supplier_id=pk, name=f"ESG {supplier.code}", title="EHS manager",
                                            email=f"ehs@{supplier.code.lower()}.example"))
                for doc_type in sorted({t for c in category_ids for t, _y in rules.get(c, ())}):
                    if rng.random() < 0.15:
                        continue  # missing: the risk assessment counts it
                    issued = today - timedelta(days=rng.randint(10, 420))
                    documents.append(Document(
                        supplier_id=pk, doc_type=doc_type, title=doc_type.upper(), file=files[doc_type],
                        original_name=f"{doc_type}.pdf", content_type="application/pdf", issue_date=issued,
                        expiry_date=issued + timedelta(days=rng.choice((365, 730, 730, 1095))), uploaded_at=supplier.created_at,
                    ))
                events.append(AuditEvent(
                    at=supplier.created_at, actor_label="system", action="supplier.created",
                    target_type="suppliers.supplier", target_id=str(pk), target_label=supplier.legal_name[:300],
                    supplier_id=pk, changes={"code": [None, supplier.code], "legal_name": [None, supplier.legal_name],
                                             "country": [None, supplier.country], "tier": [None, supplier.tier]},
                    reason="Generated by supplyesg generate_scale_data.",
                ))
            through.objects.bulk_create(links)
            Site.objects.bulk_create(sites)
            Contact.objects.bulk_create(contacts)
            Document.objects.bulk_create(documents)
            AuditEvent.objects.bulk_create(events)
        done += len(chunk)
        progress(f"{done}/{options.suppliers} suppliers")


def register() -> None:
    from supplyesg.core.scale import register_scale_generator

    register_scale_generator("suppliers", generate_suppliers, order=10)
