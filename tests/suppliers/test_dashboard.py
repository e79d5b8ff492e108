"""The internal dashboard: counts by status and tier, expiring and expired documents, reviews, blacklist,
approved suppliers missing mandatory documents."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supplyesg.core.models import PolicySettings
from supplyesg.suppliers import queries
from supplyesg.suppliers.models import ProfileChangeRequest, Supplier
from supplyesg.suppliers.services.compliance import missing_documents
from tests.factories import (
    make_blacklist_entry,
    make_category,
    make_document,
    make_document_rule,
    make_supplier,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("suppliers:dashboard")


def today():
    return timezone.localdate()


def section(page: str, anchor: str) -> str:
    """The HTML of one dashboard section, so an assertion is about the right list."""
    start = page.index(f'<section class="panel" id="{anchor}">')
    return page[start:page.index("</section>", start)]


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for(None).get(DASHBOARD)
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_a_supplier_user_cannot_open_the_dashboard(client_for, supplier_a_user):
    assert client_for(supplier_a_user).get(DASHBOARD).status_code == 404


def test_a_viewer_can_read_the_dashboard(client_for, viewer):
    assert client_for(viewer).get(DASHBOARD).status_code == 200


def test_it_counts_suppliers_by_status_and_tier_with_links_to_the_filtered_list(client_for, compliance):
    make_supplier(status=Supplier.Status.ACTIVE, tier=1)
    make_supplier(status=Supplier.Status.ACTIVE, tier=2)
    make_supplier(status=Supplier.Status.SUSPENDED, tier=2)
    page = client_for(compliance).get(DASHBOARD).content.decode()
    by_status = section(page, "by-status")
    assert f'<a href="{reverse("suppliers:list")}?status=active">Active</a></th><td class="right">2</td>' in by_status
    assert '?status=suspended">Suspended</a></th><td class="right">1</td>' in by_status
    assert '?status=exited">Exited</a></th><td class="right">0</td>' in by_status
    by_tier = section(page, "by-tier")
    assert '?tier=2">Tier 2</a></th><td class="right">2</td>' in by_tier


def test_it_lists_documents_expiring_within_the_policy_warning_period(client_for, compliance, supplier_a, supplier_b):
    PolicySettings.objects.update_or_create(pk=1, defaults={"document_expiry_warning_days": 20})
    make_document(supplier_a, title="Alpha RoHS report", expiry_date=today() + timedelta(days=10))
    make_document(supplier_b, title="Beta ISO certificate", expiry_date=today() + timedelta(days=25))
    page = client_for(compliance).get(DASHBOARD).content.decode()
    expiring = section(page, "expiring")
    assert "within 20 days" in expiring
    assert "Alpha RoHS report" in expiring and reverse("suppliers:detail", args=[supplier_a.pk]) in expiring
    assert "Beta ISO certificate" not in expiring


def test_it_lists_expired_documents_until_they_are_replaced(client_for, compliance, supplier_a, supplier_b):
    make_document(supplier_a, title="Old Alpha licence", issue_date=today() - timedelta(days=800),
                  expiry_date=today() - timedelta(days=3))
    make_document(supplier_b, title="Old Beta licence", issue_date=today() - timedelta(days=800),
                  expiry_date=today() - timedelta(days=3))
    make_document(supplier_b, title="Renewed Beta licence", expiry_date=today() + timedelta(days=300))
    page = client_for(compliance).get(DASHBOARD).content.decode()
    expired = section(page, "expired")
    assert "Old Alpha licence" in expired
    assert "Old Beta licence" not in expired


def test_documents_of_exited_suppliers_are_not_chased(client_for, compliance, supplier_a):
    Supplier.objects.filter(pk=supplier_a.pk).update(status=Supplier.Status.EXITED)
    make_document(supplier_a, title="Old Alpha licence", issue_date=today() - timedelta(days=800),
                  expiry_date=today() - timedelta(days=3))
    page = client_for(compliance).get(DASHBOARD).content.decode()
    assert "Old Alpha licence" not in section(page, "expired")


def test_it_shows_only_the_first_ten_expiring_documents_and_the_total(client_for, compliance, supplier_a):
    for n in range(12):
        make_document(supplier_a, doc_type="other", title=f"Permit {n:02d}", expiry_date=today() + timedelta(days=1))
    expiring = section(client_for(compliance).get(DASHBOARD).content.decode(), "expiring")
    assert expiring.count("Permit ") == 10
    assert "Showing the first 10 of 12." in expiring


def test_it_counts_pending_reviews_and_suppliers_in_admission(client_for, compliance, supplier_a, supplier_b):
    ProfileChangeRequest.objects.create(supplier=supplier_a, changes={"address": "New road 1"})
    ProfileChangeRequest.objects.create(supplier=supplier_b, changes={"address": "x"},
                                        status=ProfileChangeRequest.Status.APPROVED)
    make_supplier(status=Supplier.Status.QUALIFICATION)
    make_supplier(status=Supplier.Status.CERTIFICATION)
    make_supplier(status=Supplier.Status.CERTIFICATION)
    page = client_for(compliance).get(DASHBOARD).content.decode()
    assert (f'<a class="stat" href="{reverse("suppliers:reviews")}"><div class="n">1</div>') in page
    assert '?status=qualification"><div class="n">1</div>' in page
    assert '?status=certification"><div class="n">2</div>' in page


def test_it_counts_blacklist_entries_in_force_only(client_for, compliance, supplier_a, supplier_b):
    make_blacklist_entry(supplier_a)
    make_blacklist_entry(supplier_b, permanent=False, until=today() + timedelta(days=30), lifted_at=timezone.now())
    page = client_for(compliance).get(DASHBOARD).content.decode()
    assert f'<a class="stat" href="{reverse("suppliers:blacklist")}"><div class="n">1</div>' in page


def test_it_lists_approved_suppliers_missing_mandatory_documents(client_for, compliance):
    solder = make_category(name="Tin solder")
    make_document_rule(solder, doc_type="rohs")
    make_document_rule(solder, doc_type="reach", yearly=True)
    lacking = make_supplier(legal_name="Lacking Solder Ltd.", status=Supplier.Status.ACTIVE, categories=[solder])
    stale = make_supplier(legal_name="Stale Solder Ltd.", status=Supplier.Status.QUALIFIED, categories=[solder])
    make_document(stale, doc_type="rohs", expiry_date=None)
    make_document(stale, doc_type="reach", issue_date=today() - timedelta(days=400), expiry_date=None)
    complete = make_supplier(legal_name="Complete Solder Ltd.", status=Supplier.Status.ACTIVE, categories=[solder])
    make_document(complete, doc_type="rohs", expiry_date=None)
    make_document(complete, doc_type="reach", expiry_date=None)
    make_supplier(legal_name="Prospect Solder Ltd.", status=Supplier.Status.PROSPECT, categories=[solder])
    page = client_for(compliance).get(DASHBOARD).content.decode()
    # The dashboard shows its other figures at once and fetches this panel (and its figure tile) once loaded.
    fragment_url = reverse("suppliers:dashboard_missing")
    assert f'<section class="panel" id="missing" hx-get="{fragment_url}" hx-trigger="load"' in page
    assert "Lacking" not in page
    assert '<a class="stat" href="#missing" id="missing-stat"><div class="n">…</div>' in page
    fragment = client_for(compliance).get(fragment_url).content.decode()
    missing = section(fragment, "missing")
    assert "Lacking Solder Ltd." in missing and "Stale Solder Ltd." in missing
    assert "Complete Solder Ltd." not in missing and "Prospect Solder Ltd." not in missing
    assert "RoHS report in force (required for Tin solder)" in missing
    assert "REACH report issued in the last 12 months (required for Tin solder)" in missing
    assert '<a class="stat" href="#missing" id="missing-stat" hx-swap-oob="true"><div class="n">2</div>' in fragment
    assert lacking.code in missing


def test_the_set_based_count_agrees_with_the_per_supplier_rule(db):
    wafers, solder = make_category(name="Wafers"), make_category(name="Solder")
    make_document_rule(wafers, doc_type="licence")
    make_document_rule(solder, doc_type="rohs", yearly=True)
    make_document_rule(solder, doc_type="licence")
    suppliers = [
        make_supplier(status=Supplier.Status.ACTIVE, categories=[wafers]),
        make_supplier(status=Supplier.Status.ACTIVE, categories=[wafers, solder]),
        make_supplier(status=Supplier.Status.CONDITIONAL, categories=[solder]),
        make_supplier(status=Supplier.Status.QUALIFIED, categories=[]),
    ]
    make_document(suppliers[0])
    make_document(suppliers[1], expiry_date=today() - timedelta(days=1), issue_date=today() - timedelta(days=400))
    make_document(suppliers[2], doc_type="rohs", issue_date=today() - timedelta(days=10))
    make_document(suppliers[2])
    count, rows = queries.suppliers_missing_documents(today())
    expected = {s.pk: missing_documents(s, today()) for s in suppliers if missing_documents(s, today())}
    assert count == len(expected) == 1
    assert {row.supplier.pk: sorted(m.label for m in row.missing) for row in rows} == {
        pk: sorted(m.label for m in missing) for pk, missing in expected.items()
    }
    assert len(rows[0].missing) == 3


def test_the_count_and_first_names_agree_with_the_per_supplier_rule_on_mixed_documents(db):
    """Forty suppliers with random memberships and documents (expired, expiring, no expiry, old and new issue
    dates, no issue date so the upload day counts): the database's count, its first names and what each lacks are
    what services.compliance.missing_documents says supplier by supplier."""
    import random

    from supplyesg.suppliers.models import Document

    rng = random.Random(19)
    wafers, solder, cells = make_category(name="Wafers"), make_category(name="Solder"), make_category(name="Cells")
    make_document_rule(wafers, doc_type="licence")
    make_document_rule(solder, doc_type="rohs", yearly=True)
    make_document_rule(solder, doc_type="licence")
    make_document_rule(cells, doc_type="reach", yearly=True)
    statuses = [Supplier.Status.ACTIVE, Supplier.Status.CONDITIONAL, Supplier.Status.QUALIFIED, Supplier.Status.EXITED]
    suppliers = []
    for n in range(40):
        chosen = rng.sample([wafers, solder, cells], rng.randint(0, 3))
        supplier = make_supplier(legal_name=f"{rng.choice('abcXYZ')}{n:02d} Supplier Ltd.", status=rng.choice(statuses),
                                 categories=chosen)
        suppliers.append(supplier)
        for _d in range(rng.randint(0, 3)):
            issued = None if rng.random() < 0.3 else today() - timedelta(days=rng.choice([5, 200, 364, 365, 366, 500]))
            expiry = rng.choice([None, today() - timedelta(days=1), today(), today() + timedelta(days=40)])
            document = make_document(supplier, doc_type=rng.choice(["licence", "rohs", "reach", "other"]),
                                     issue_date=issued, expiry_date=expiry)
            if issued is None:
                uploaded = timezone.now() - timedelta(days=rng.choice([3, 366, 400]))
                Document.objects.filter(pk=document.pk).update(uploaded_at=uploaded)
    approved = [s for s in suppliers if s.status in Supplier.APPROVED_STATUSES]
    expected = {s.pk: missing_documents(s, today()) for s in approved}
    expected = {pk: lacking for pk, lacking in expected.items() if lacking}
    assert expected, "the random data should leave some approved suppliers lacking documents"
    count, rows = queries.suppliers_missing_documents(today(), limit=5)
    assert count == len(expected)
    first = Supplier.objects.filter(pk__in=expected).order_by("legal_name", "pk")[:5]  # the list's name order
    assert [row.supplier.pk for row in rows] == [s.pk for s in first]
    for row in rows:
        assert sorted(m.label for m in row.missing) == sorted(m.label for m in expected[row.supplier.pk])


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD).status_code == 200
    return len(captured)


def test_the_dashboard_costs_the_same_queries_for_few_or_many_suppliers(client_for, compliance,
                                                                        django_assert_max_num_queries):
    solder = make_category()
    make_document_rule(solder)

    def add_suppliers(n):
        for _i in range(n):
            supplier = make_supplier(status=Supplier.Status.ACTIVE, categories=[solder])
            make_document(supplier, expiry_date=today() + timedelta(days=5))
            make_document(supplier, doc_type="other", expiry_date=today() - timedelta(days=5))

    add_suppliers(2)
    c = client_for(compliance)
    with_two = _dashboard_queries(c)
    add_suppliers(25)
    with django_assert_max_num_queries(with_two):
        assert c.get(DASHBOARD).status_code == 200
