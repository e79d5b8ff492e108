"""Browser test (Yilian policy 一): compliance opens a serious-abuses minerals risk case; orders stop at once, the
supplier page shows one status with its cause, "Restore to active" is refused with why, and only procurement's
decision on the suspension (with a reason) lets trade resume."""

import re

import pytest
from playwright.sync_api import expect

from supplyesg.core.models import Role
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.models import Supplier
from supplyesg.suppliers.services.orders import can_order
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_yilian_1_case_stops_orders_at_once_and_the_supplier_cannot_be_reactivated_before_procurement_decides(new_page):
    make_user(Role.COMPLIANCE, username="carla", password="pw-Secret-123", first_name="Carla")
    make_user(Role.PROCUREMENT, username="pete", password="pw-Secret-123", first_name="Pete")
    supplier = make_supplier(legal_name="Omega Tin Trading Ltd.", status=Supplier.Status.ACTIVE)

    desk = new_page()
    login(desk, "carla")
    desk.goto(f"/suppliers/{supplier.pk}/")
    expect(desk.locator("#supplier-status")).to_contain_text("Active")
    expect(desk.locator("#can-order")).to_contain_text("Purchase orders allowed")

    # Opening the case: 一 serious abuses, trade is suspended the moment the case exists.
    desk.goto("/minerals/risk-cases/open/")
    desk.fill("input[name=supplier]", supplier.code)
    desk.select_option("select[name=risk_type]", "serious_abuses")
    desk.fill("textarea[name=description]", "Children under 15 work at the washing ponds of the source mine.")
    submit(desk, "main form button[type=submit]")
    desk.wait_for_url(re.compile(r"/minerals/risk-cases/\d+/$"))
    case = RiskCase.objects.get(supplier=supplier)
    expect(desk.locator("main")).to_contain_text("is suspended until procurement confirms a termination")
    expect(desk.locator("#case-summary")).to_contain_text("Trade suspended")
    assert not can_order(supplier).can_order

    desk.goto(f"/suppliers/{supplier.pk}/")
    expect(desk.locator("#supplier-status")).to_contain_text("Suspended")
    expect(desk.locator("#can-order")).to_contain_text("Purchase orders blocked")
    expect(desk.locator("#can-order")).to_contain_text(f"Minerals risk case {case.pk}")

    # Compliance tries to restore the supplier: refused with why and until when.
    desk.click("#supplier-transitions summary:has-text('Restore to active')")
    desk.fill("#transition-reason-restore_supplier", "The supplier promised to stop.")
    submit(desk, "#supplier-transitions button:has-text('Confirm: Restore to active')")
    expect(desk.locator("main")).to_contain_text("cannot be set Active")
    expect(desk.locator("main")).to_contain_text("until procurement confirms a termination or lifts it")
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.SUSPENDED and not can_order(supplier).can_order

    # Procurement decides: lifting needs a reason, then trade resumes and the case is closed.
    buyer = new_page()
    login(buyer, "pete")
    buyer.goto(f"/suppliers/{supplier.pk}/")
    with buyer.expect_navigation():
        buyer.locator(".suspension-in-force a").click()
    expect(buyer.locator("#suspension")).to_contain_text("In force: purchase orders are blocked")
    buyer.fill("#lift-form textarea", "Site visit by our auditor: no children at the ponds; the report concerned another mine.")
    submit(buyer, "#lift-form button[type=submit]")
    expect(buyer.locator("#suspension")).to_contain_text("Lifted: trade resumes")

    buyer.goto(f"/suppliers/{supplier.pk}/")
    expect(buyer.locator("#supplier-status")).to_contain_text("Active")
    expect(buyer.locator("#can-order")).to_contain_text("Purchase orders allowed")
    case.refresh_from_db()
    supplier.refresh_from_db()
    assert case.status == RiskCase.Status.CLOSED and supplier.status == Supplier.Status.ACTIVE and can_order(supplier).can_order
