"""Browser test: procurement opens a quarter with more grade recommendations than fit on a page, selects all on
the page with one tick, confirms them in one go, and reads the summary naming the one the service refused."""

import pytest
from playwright.sync_api import expect

from supplyesg.core.models import AuditEvent, Role
from supplyesg.ratings.models import Rating
from supplyesg.ratings.queries import PAGE_SIZE
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user
from tests.ratings.factories_ratings import make_rating

pytestmark = pytest.mark.django_db(transaction=True)


def test_procurement_confirms_every_grade_recommendation_on_a_page_at_once(new_page):
    make_user(Role.PROCUREMENT, username="petra-procurement")
    grade_c = make_rating(make_supplier(code="S000123", legal_name="Aaa Corrective Ltd"), grade="C", total="99")
    for i in range(PAGE_SIZE + 4):
        make_rating(make_supplier(code=f"S1{i:05d}", legal_name=f"Supplier {i:03d}"), grade="B", total=str(90 - i % 10))
    page = new_page()
    login(page, "petra-procurement")
    page.goto("/ratings/?quarter=2026Q3")

    bar = page.locator("#bulk-form")
    expect(bar.get_by_role("button", name="Confirm the recommended actions")).to_be_disabled()
    bar.get_by_label("Select all on this page").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text(f"{PAGE_SIZE} selected")
    with page.expect_navigation():
        bar.get_by_role("button", name="Confirm the recommended actions").click()

    expect(page.get_by_text(f"{PAGE_SIZE - 1} confirmed, 1 refused.")).to_be_visible()
    expect(page.get_by_text("S000123 Aaa Corrective Ltd — ")).to_be_visible()
    assert Rating.objects.filter(decision_status=Rating.Decision.CONFIRMED).count() == PAGE_SIZE - 1
    # the five on the next page and the refused one
    assert Rating.objects.filter(decision_status=Rating.Decision.PENDING).count() == 6
    assert Rating.objects.get(pk=grade_c.pk).decision_status == Rating.Decision.PENDING
    assert AuditEvent.objects.filter(action="rating.confirmed").count() == PAGE_SIZE - 1
