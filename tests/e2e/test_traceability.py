"""Browser tests: a compliance manager traces a solar module lot back to its polysilicon plant and quartzite mine,
and a tin solder lot back to its smelter and mine country; then follows the flagged smelter forward to the solder
lot; supplier A's portal user sees its module lot and records a shipment refused for more than it holds."""

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supplyesg.core.models import Role
from supplyesg.traceability.demo import build_chains
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chains():
    compliance = make_user(Role.COMPLIANCE, username="carla")
    module_maker = make_supplier(legal_name="Alpha Module Co., Ltd.")
    built = build_chains(
        actor=compliance,
        silicon=make_supplier(legal_name="Erdos Silicon Smelting Co., Ltd."),
        poly=make_supplier(legal_name="Sichuan Polysilicon Co., Ltd."),
        wafer=make_supplier(legal_name="Wuxi Wafer Co., Ltd."),
        module=module_maker,
        solder=make_supplier(legal_name="Beta Solder Sdn. Bhd.", country="MY"),
        start=datetime(2026, 3, 2, 8, 0, tzinfo=timezone.get_current_timezone()),
    )
    make_user(Role.SUPPLIER, supplier=module_maker, username="alpha-portal")
    return built


def test_a_module_lot_is_traced_back_to_its_polysilicon_plant_and_quartzite_mine(new_page, chains):
    page = new_page()
    login(page, "carla")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Traceability").click()
    page.get_by_role("link", name="Trace back").click()
    page.get_by_label("Lot number, PO, invoice, packing list or bill of lading").fill("DEMO-MOD-001")
    page.get_by_role("button", name="Trace").click()

    expect(page.locator("#trace-plants")).to_have_text("Leshan Polysilicon Plant (demo) (CN)")
    expect(page.locator("#reaches-origin")).to_have_text("yes")
    rows = page.locator("#trace-lots tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.last).to_contain_text("Tana Quartzite Mine (demo)")
    expect(rows.last).to_contain_text("NO")


def test_a_tin_solder_lot_is_traced_back_to_its_smelter_and_mine_country_and_the_smelter_forward(new_page, chains):
    page = new_page()
    login(page, "carla")
    page.goto("/traceability/trace/")
    page.get_by_label("Lot number, PO, invoice, packing list or bill of lading").fill("DEMO-SOLDER-001")
    page.get_by_role("button", name="Trace").click()
    smelter = chains.smelter
    expect(page.locator("#trace-smelters")).to_have_text(f"{smelter.standard_name} ({smelter.cid})")
    expect(page.locator("#trace-countries")).to_contain_text("ID")
    expect(page.locator("#trace-lots tbody tr").last).to_contain_text("Bangka tin mine (demo)")

    # The smelter is flagged: which of our lots did its metal reach?
    page.get_by_role("link", name="Trace forward").click()
    page.get_by_label("Smelter id (CID)").fill(smelter.cid)
    page.get_by_role("button", name="Trace").click()
    expect(page.locator("#customer-lots")).to_have_text("DEMO-SOLDER-001 · Tin solder (e.g. SAC305) · Beta Solder Sdn. Bhd.")


def test_the_module_maker_sees_its_lot_and_cannot_ship_more_than_it_holds(new_page, chains):
    page = new_page()
    login(page, "alpha-portal")
    page.goto("/portal/traceability/")
    expect(page.locator("#own-lots")).to_contain_text("DEMO-MOD-001")
    expect(page.locator("#own-lots")).not_to_contain_text("DEMO-SOLDER-001")
    page.get_by_role("link", name="Record a shipment").first.click()
    page.locator("#id_lot").select_option(label="DEMO-CE-001")
    page.locator("#id_quantity").fill("1")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".errorlist")).to_contain_text("lot DEMO-CE-001 has 0 left with you; 1 cannot leave.")
