"""Concurrent API writes on PostgreSQL: no 500s, no duplicate records, one 201 and then 200s for one quarter.

On SQLite writers are serialised by the database lock, so these races cannot happen there; the tests run in
`make test`'s PostgreSQL pass (scripts/test-postgres)."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from supplyesg.core.models import Role
from supplyesg.core.services import create_api_token
from supplyesg.ratings.models import BusinessScore
from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier, make_user

THREADS = 6

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test"),
]


def post_at_once(token: str, url: str, bodies: list[dict]) -> list[int]:
    """POST each body from its own thread (own database connection), all released together."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = [0] * len(bodies)

    def run(index, body):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            barrier.wait()
            statuses[index] = client.post(url, data=json.dumps(body), content_type="application/json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.fixture
def token():
    user = make_user(Role.ADMIN, username="ada-admin")
    return create_api_token(user=user, name="ERP", actor=user)[1]


def test_concurrent_creations_with_one_registration_id_make_one_supplier(token):
    bodies = [
        {"legal_name": f"Racing Cells {i} GmbH", "country": "DE", "registration_id": "HRB 12345" if i % 2 else "hrb-12345",
         "confirmed_not_duplicate": True}
        for i in range(THREADS)
    ]
    statuses = post_at_once(token, "/api/suppliers", bodies)

    assert sorted(statuses) == [201] + [409] * (THREADS - 1)
    assert Supplier.objects.filter(country="DE").count() == 1


def test_concurrent_creations_get_distinct_codes(token):
    bodies = [{"legal_name": f"Distinct Maker {chr(65 + i)}{i * 7} Oy", "country": "FI", "confirmed_not_duplicate": True}
              for i in range(THREADS)]
    statuses = post_at_once(token, "/api/suppliers", bodies)

    assert statuses == [201] * THREADS
    codes = list(Supplier.objects.values_list("code", flat=True))
    assert len(codes) == THREADS == len(set(codes))


def test_concurrent_business_scores_for_one_quarter_answer_201_once_then_200(token):
    supplier = make_supplier(legal_name="Alpha Cable Co., Ltd.")
    body = {"supplier_code": supplier.code, "period": "2026Q3", "quality": 80, "delivery": 90, "cost": 70, "service": 85}
    statuses = post_at_once(token, "/api/ratings/business-scores", [body] * THREADS)

    assert sorted(statuses) == [200] * (THREADS - 1) + [201]
    assert BusinessScore.objects.filter(supplier=supplier).count() == 1
