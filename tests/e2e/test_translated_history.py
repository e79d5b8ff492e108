"""Browser test: a Chinese-speaking compliance manager reads a supplier's history as Chinese sentences, with the
objects it names linked, and none of the codes, reprs or dicts the history once leaked."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from supplyesg.core import audit as trail
from supplyesg.core.models import Role
from supplyesg.suppliers.services import lifecycle, registry
from tests.audits.factories_audits import make_reported_audit
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)

CJK = re.compile(r"[\u4e00-\u9fff]")
LEAKS = {
    "object repr": re.compile(r"\w object \("),
    "dict literal": re.compile(r"\{'"),
    "raw state code": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "internal reference": re.compile(r"\b[a-z_]+:\d+\b"),
    "action code": re.compile(r"\b[a-z]+\.[a-z_]+\b"),
}


def test_a_chinese_reader_sees_the_suppliers_history_as_chinese_sentences_with_links(new_page):
    manager = make_user(Role.COMPLIANCE, username="lihua", language="zh-hans")
    supplier = make_supplier(legal_name="Shenzhen Fuchang Electronics Co., Ltd.", country="CN")
    # Real services write the events, as on a working day: registry data, a site, the qualification review.
    registry.update_supplier(supplier, actor=manager, reason="年度信息更新", website="https://fuchang.example.com")
    registry.add_site(supplier, actor=manager, name="Longhua plant", country="CN")
    lifecycle.start_qualification_review(supplier, actor=manager, reason="新供应商准入")
    audit = make_reported_audit(supplier, report_date=dt.date.today())
    trail.record(
        actor=manager, action="audit.started", target=audit, supplier=supplier, changes={"status": ["planned", "in_progress"]}
    )
    # And one event of the kind that used to leak: a state pair, a structured severity and an internal reference.
    trail.record(
        actor=manager,
        action="supplier.updated",
        target=supplier,
        supplier=supplier,
        changes={"status": ["qualification", "approved"], "tier": [None, {"priority": 0, "major": 1}]},
    )

    page = new_page(locale="zh-CN")
    login(page, manager.username)
    page.goto(f"/suppliers/{supplier.pk}/?tab=history")
    expect(page.locator("main")).to_contain_text("年度信息更新")  # the person's own reason, as written
    text = page.locator("main").inner_text()

    assert CJK.search(text)
    for name, pattern in LEAKS.items():
        # Names and web addresses are data, shown as written.
        readable = re.sub(r"https?://\S+", "", text.replace("Shenzhen Fuchang Electronics Co., Ltd.", ""))
        found = pattern.findall(readable)
        assert not found, f"{name} in the Chinese history: {found[:5]}"

    # The audit a line names is a link to the audit's page.
    link = page.locator(f"main a[href='/audits/{audit.pk}/']").first
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(f"/audits/{audit.pk}/$"))
