"""Browser tests: typing in the header's search box and opening a result; the inbox count in the header."""

import pytest
from playwright.sync_api import expect

from supplyesg.core.models import Role
from supplyesg.suppliers.models import QualificationItem
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_compliance_manager_types_pinyin_in_the_search_box_and_opens_the_supplier(new_page):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    fuchang = make_supplier(legal_name="Shenzhen Fuchang Electronics Co., Ltd.", local_name="深圳富昌电子有限公司", country="CN")
    make_supplier(legal_name="Dongguan Precision Ltd.")
    page = new_page()
    login(page, compliance.username)

    page.locator("#global-search-q").press_sequentially("dongguan", delay=30)
    expect(page.locator("#search-results a").first).to_contain_text("Dongguan Precision Ltd.")
    page.locator("#global-search-q").press("Escape")
    expect(page.locator("#search-results a")).to_have_count(0)

    page.locator("#global-search-q").fill("")
    page.locator("#global-search-q").press_sequentially("fuchang ltd", delay=30)
    results = page.locator("#search-results")
    expect(results.locator("[data-kind=suppliers] a")).to_have_count(1)
    expect(results).not_to_contain_text("Dongguan")
    results.get_by_role("link", name="Shenzhen Fuchang Electronics").click()
    expect(page).to_have_url(f"{page.url.split('/suppliers/')[0].rstrip('/')}/suppliers/{fuchang.pk}/")
    expect(page.locator("h1")).to_contain_text("Shenzhen Fuchang Electronics")

    # Chinese characters work the same way, and Enter opens the full results page.
    page.locator("#global-search-q").fill("富昌")
    page.locator("#global-search-q").press("Enter")
    expect(page.locator("h1")).to_have_text("Search")
    expect(page.locator("main [data-kind=suppliers]")).to_contain_text("深圳富昌电子有限公司")


def test_the_inbox_count_in_the_header_leads_to_the_waiting_reviews(new_page):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    supplier = make_supplier(legal_name="Alpha Cable Co., Ltd.", status="qualification")
    QualificationItem.objects.create(supplier=supplier, kind="business_licence", evidence_note="Licence attached")
    QualificationItem.objects.create(supplier=supplier, kind="labour", evidence_note="Contracts attached")
    page = new_page()
    login(page, compliance.username)

    expect(page.locator("#inbox-count")).to_have_text("2")
    page.locator("#inbox-link").click()
    expect(page.locator("h1")).to_contain_text("Inbox")
    expect(page.locator("#inbox-items")).to_contain_text("Alpha Cable Co., Ltd.: Business licence")
    page.get_by_role("link", name="Alpha Cable Co., Ltd.: Labour and employment compliance").click()
    expect(page).to_have_url(f"{page.url.split('/suppliers/')[0]}/suppliers/{supplier.pk}/?tab=qualification")
