"""How fast the supplier list answers with 10,000 suppliers, and whether its queries grow with page size.

Run from the repository root:
    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.supplier_list
"""

import itertools
import json
import os
import sys

from bench.common import (
    Measure,
    make_categories,
    make_suppliers,
    make_user,
    measure,
    print_table,
    setup_database,
)

SUPPLIERS = int(os.environ.get("BENCH_SMOKE") and 300 or 10_000)
REPEAT = 20


def main() -> int:
    setup_database()
    from django.test import Client

    from supplyesg.core.models import Role
    from supplyesg.suppliers.models import Supplier

    ids = make_suppliers(SUPPLIERS, categories=make_categories())
    client = Client()
    client.force_login(make_user(Role.COMPLIANCE, "bench-compliance"))

    def baseline():
        rows = Supplier.objects.values_list("id", "code", "legal_name", "country", "status", "tier")[:50]
        return json.dumps(list(rows))

    base = measure("baseline: values_list[:50] -> JSON", baseline, repeat=REPEAT)
    rows: list[Measure] = []
    notes: list[str] = []

    pages = itertools.cycle(range(1, SUPPLIERS // 50 + 1, 7))
    page = measure("page /suppliers/?page=N (50)", lambda: client.get(f"/suppliers/?page={next(pages)}"), REPEAT)
    if page.status == 200:
        rows.append(page)
        deep = measure("page /suppliers/?page=200 (last)", lambda: client.get("/suppliers/?page=200"), REPEAT)
        rows.append(deep)
    else:
        notes.append(f"The supplier list page answered {page.status}: not measured (page not written yet).")

    api_urls = [
        "/api/suppliers?limit=50",
        "/api/suppliers?limit=500",
        "/api/suppliers?limit=50&offset=9950",
        "/api/suppliers?limit=50&status=active&tier=2&q=Bench",
    ]
    for url in api_urls:
        rows.append(measure(f"api {url}", lambda url=url: client.get(url), REPEAT))
    can_order_url = "/api/can-order?ids=" + ",".join(str(pk) for pk in ids[:500])
    rows.append(measure("api /api/can-order (500 ids)", lambda: client.get(can_order_url), REPEAT))

    print(f"{SUPPLIERS} suppliers, {REPEAT} requests each (Django test client, in-memory SQLite)")
    print_table(rows, base)
    api_50, api_500 = (next(r for r in rows if r.name == f"api {url}") for url in api_urls[:2])
    grows = max(api_500.queries) > max(api_50.queries)
    print(
        f"API queries per request: limit=50 -> {api_50.query_range}, limit=500 -> {api_500.query_range}: "
        + ("GROW with page size" if grows else "constant")
    )
    failed = [r for r in rows if r.status != 200]
    for note in notes:
        print("Note:", note)
    for row in failed:
        print(f"Failed: {row.name} answered {row.status}")
    return 1 if grows or failed else 0


if __name__ == "__main__":
    sys.exit(main())
