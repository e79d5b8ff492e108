"""The full two-way exchange in Chinese on a phone: a supplier's worker reports anonymously, a handler answers
publicly, the worker reads the answer with the receipt and replies, the handler reads the reply."""

import re

import pytest
from playwright.sync_api import expect

from supplyesg.core.models import Role
from supplyesg.grievances.models import Report
from tests.e2e.conftest import login
from tests.factories import make_designation, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_a_worker_and_a_handler_exchange_messages_in_chinese_on_a_phone_through_the_receipt_only(new_page):
    handler = make_user(Role.COMPLIANCE, username="hana-handler")
    make_designation(handler)

    worker = new_page(locale="zh-CN", viewport=PHONE)
    worker.goto("/grievance/")
    expect(worker.locator("h1")).to_have_text("举报问题")
    worker.get_by_label("供应商的工人").check()
    worker.get_by_label("与什么有关？").select_option("wages_hours")
    worker.get_by_label("发生了什么？").fill("三号线每周工作80小时，加班费没有发放。")
    worker.get_by_role("button", name="提交举报").click()
    expect(worker.locator("h1")).to_have_text("您的举报已提交")
    receipt = worker.locator("[data-receipt]").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    office = new_page(locale="zh-CN", viewport=PHONE)
    login(office, handler.username)
    report = Report.objects.get()
    office.goto(f"/grievances/{report.pk}/")
    expect(office.locator(".report-text")).to_contain_text("加班费没有发放")
    reply = office.locator("form[action$='/reply/']")
    reply.get_by_label("留言").fill("谢谢您的举报。请问您在哪个车间工作？")
    reply.get_by_label("可见范围").select_option("public")
    reply.get_by_role("button", name="发送").click()
    expect(office.locator(".grievance-thread")).to_contain_text("请问您在哪个车间工作")

    worker.goto("/grievance/follow/")
    worker.get_by_label("回执编号").fill(receipt)
    worker.get_by_role("button", name="打开").click()
    expect(worker.locator("h1")).to_have_text("您的举报")
    expect(worker.locator(".grievance-thread")).to_contain_text("请问您在哪个车间工作")
    worker.get_by_label("您的留言").fill("我在二号车间，夜班。")
    worker.get_by_role("button", name="发送留言").click()
    expect(worker.get_by_role("status")).to_have_text("您的留言已添加。")
    expect(worker.locator(".grievance-thread")).to_contain_text("我在二号车间")
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    office.goto(f"/grievances/{report.pk}/")
    expect(office.locator(".grievance-thread")).to_contain_text("我在二号车间，夜班。")
