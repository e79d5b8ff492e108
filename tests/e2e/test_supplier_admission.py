"""Browser tests: a compliance manager admits a supplier end to end; Chinese pages; supplier isolation."""

import re

import pytest

from supplyesg.core.models import AuditEvent, Role
from supplyesg.suppliers.models import Supplier
from tests.e2e.conftest import login
from tests.factories import PDF_BYTES, make_agreement_type, make_category, make_document, make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "evidence.pdf"
    path.write_bytes(PDF_BYTES)
    return str(path)


def _open_tab(page, supplier_pk, tab):
    page.goto(f"/suppliers/{supplier_pk}/?tab={tab}")


def test_a_compliance_manager_takes_a_supplier_from_prospect_to_qualified(new_page, pdf_file):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    make_category(code="cables", name="Cables and wire harnesses", name_zh="线缆")
    make_agreement_type(code="code-of-conduct", name="Supplier Code of Conduct", required_for_all=True)
    page = new_page()
    login(page, compliance.username)

    # Create
    page.goto("/suppliers/new/")
    page.fill("input[name=legal_name]", "Shenzhen Huaxin Precision Cable Co., Ltd.")
    page.fill("input[name=local_name]", "深圳华信精密线缆有限公司")
    page.fill("input[name=registration_id]", "91440300MA5HUAXIN1")
    page.select_option("select[name=country]", "CN")
    page.check("input[name=categories] >> nth=0")
    page.click("form.panel button[type=submit]")
    page.wait_for_url(re.compile(r"/suppliers/\d+/"))
    supplier = Supplier.objects.get(registration_id="91440300MA5HUAXIN1")
    assert supplier.status == "prospect"

    # A document
    page.goto(f"/suppliers/{supplier.pk}/documents/upload/")
    page.select_option("select[name=doc_type]", "licence")
    page.fill("input[name=title]", "Business licence 2026")
    page.set_input_files("input[name=file]", pdf_file)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert supplier.documents.count() == 1

    # Qualification review: every checklist item gets evidence and a verdict
    _open_tab(page, supplier.pk, "admission")
    page.click("#supplier-transitions button:has-text('Start qualification review')")
    page.wait_for_load_state("domcontentloaded")
    for item in supplier.qualification_items.all():
        _open_tab(page, supplier.pk, "admission")
        form = page.locator(f"form[action$='/qualification/{item.pk}/']")
        page.locator(f"#item-{item.pk} + tr summary").click()
        form.locator("textarea[name=evidence_note]").fill("Checked the original certificate on site.")
        form.locator("select[name=verdict]").select_option("pass")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
    assert not supplier.qualification_items.exclude(verdict="pass").exists()
    _open_tab(page, supplier.pk, "admission")
    page.click("#supplier-transitions button:has-text('Pass qualification review')")
    page.wait_for_load_state("domcontentloaded")
    supplier.refresh_from_db()
    assert supplier.status == "certification"

    # Approval is refused while certifications and the agreement are missing, with the reasons shown
    _open_tab(page, supplier.pk, "admission")
    page.click("#supplier-transitions button:has-text('Approve')")
    page.wait_for_load_state("domcontentloaded")
    assert "is not signed" in page.content()
    supplier.refresh_from_db()
    assert supplier.status == "certification"

    # Dual certification
    for kind in ("system", "material"):
        _open_tab(page, supplier.pk, "admission")
        page.click("#certification summary")
        page.select_option("#cert_kind", kind)
        if kind == "material":
            page.select_option("#cert_category", index=1)
        page.select_option("#cert_verdict", "pass")
        page.click("#certification form button[type=submit]")
        page.wait_for_load_state("domcontentloaded")

    # The signed agreement, as an uploaded scan
    page.goto(f"/suppliers/{supplier.pk}/agreements/scan/")
    page.select_option("select[name=agreement_type]", label="Supplier Code of Conduct")
    page.fill("input[name=signer_name]", "Zhang Wei")
    page.fill("input[name=signer_title]", "General Manager")
    page.set_input_files("input[name=scan]", pdf_file)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")

    _open_tab(page, supplier.pk, "admission")
    page.click("#supplier-transitions button:has-text('Approve')")
    page.wait_for_load_state("domcontentloaded")
    supplier.refresh_from_db()
    assert supplier.status == "qualified"

    # The history shows every step, with who did it
    _open_tab(page, supplier.pk, "history")
    history = page.locator("main").inner_text()
    assert "carla" in history
    for action in ("supplier.created", "supplier.qualification_started", "supplier.approved", "agreement.signed"):
        assert AuditEvent.objects.filter(supplier=supplier, action=action).exists()
    assert history.count("carla") >= 5


def test_the_same_pages_are_shown_in_chinese(new_page):
    compliance = make_user(Role.COMPLIANCE, username="chen")
    supplier = make_supplier(legal_name="Xiamen Solder Co., Ltd.")
    page = new_page(locale="zh-CN")
    login(page, compliance.username)
    page.goto(f"/suppliers/{supplier.pk}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    nav = page.locator("header nav").inner_text()
    assert "供应商" in nav and "Suppliers" not in nav
    page.goto("/suppliers/")
    assert "搜索" in page.locator("main").inner_text()
    # and back to English with the switcher on the page
    with page.expect_navigation():  # the switch submits its form on change
        page.select_option("#lang-select", "en")
    assert "Suppliers" in page.locator("header nav").inner_text()


def test_supplier_b_cannot_open_supplier_a_pages_or_files(new_page):
    a = make_supplier(legal_name="Alpha Cable Co., Ltd.", status="active")
    b = make_supplier(legal_name="Beta Solder Sdn. Bhd.", country="MY", status="active")
    document = make_document(a)
    make_user(Role.SUPPLIER, supplier=b, username="bob-b")
    page = new_page()
    login(page, "bob-b")
    assert "Beta Solder" in page.locator("main").inner_text()
    for url in (f"/suppliers/{a.pk}/", "/suppliers/", f"/suppliers/files/document/{document.pk}/",
                f"/api/suppliers/{a.pk}", f"/api/suppliers/{a.pk}/documents/{document.pk}/file"):
        response = page.goto(url)
        assert response.status == 404, url
    page.goto("/portal/documents/")
    assert "Alpha Cable" not in page.content()
