"""Browser test: a Chinese-speaking compliance manager creates a reporting period, takes a snapshot (a background
job whose progress the page polls), opens it, drills from a figure to the suppliers behind it and downloads the
annual-report workbook."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from supplyesg.core.models import Role
from supplyesg.reporting.models import Snapshot
from supplyesg.reporting.services.catalogue import load_catalogue
from supplyesg.suppliers.models import Supplier
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_chinese_reader_takes_a_snapshot_drills_down_and_downloads_the_workbook(new_page):
    manager = make_user(Role.COMPLIANCE, username="wangfang", language="zh-hans")
    load_catalogue(actor=None)
    alpha = make_supplier(legal_name="Alpha Cable Co., Ltd.", status=Supplier.Status.ACTIVE)
    make_supplier(legal_name="Beta Solder Sdn. Bhd.", status=Supplier.Status.PROSPECT)

    page = new_page(locale="zh-CN")
    login(page, manager.username)
    page.goto("/reporting/")
    page.fill("#new-period input[name=year]", "2026")
    page.click("#new-period button[type=submit]")
    page.click("#periods a:text-is('2026')")
    page.wait_for_url(re.compile(r"/reporting/periods/2026/"))

    page.click("#take-snapshot button[type=submit]")
    page.locator("#snapshot-job a.btn").click()  # appears when the job is done
    snapshot = Snapshot.objects.get(period__year=2026)
    page.wait_for_url(re.compile(rf"/reporting/snapshots/{snapshot.pk}/"))
    figure = page.locator("#figure-kpi-sup-1")
    expect(figure).to_contain_text("合格供应商名录中的供应商数量")  # the line item's Chinese title
    expect(figure.locator("td.value")).to_have_text("1")  # Alpha is approved, Beta is a prospect

    figure.locator("a", has_text="KPI-SUP-1").click()
    expect(page.locator("#figure-rows")).to_contain_text("Alpha Cable Co., Ltd.")
    page.locator("#figure-rows a").first.click()
    page.wait_for_url(re.compile(rf"/suppliers/{alpha.pk}/"))
    page.go_back()

    page.goto(f"/reporting/snapshots/{snapshot.pk}/")
    with page.expect_download() as download:
        page.locator("#downloads a.btn").first.click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    summary = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    row = next(row for row in summary if row[0] == "KPI-SUP-1")
    assert row[2] == "合格供应商名录中的供应商数量" and row[3] == 1
