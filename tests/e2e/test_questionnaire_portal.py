"""Browser test: a supplier fills the self-assessment questionnaire in Chinese on a phone and submits it;
a reviewer returns one answer with a comment; the supplier corrects it and submits again; the reviewer
accepts it; the supplier's risk level is reassessed and shown with its explanation."""

import datetime as dt

import pytest

from supplyesg.assessments import questionnaires
from supplyesg.assessments.models import Response, RiskAssessment
from supplyesg.core.models import Role
from tests.assessments.factories_assessments import make_template, urlpatterns_with_assessments
from tests.e2e.conftest import login
from tests.factories import PDF_BYTES, make_supplier, make_user

urlpatterns = urlpatterns_with_assessments()
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def policy_pdf(tmp_path):
    path = tmp_path / "环境政策.pdf"
    path.write_bytes(PDF_BYTES)
    return str(path)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_supplier_answers_on_a_phone_in_chinese_corrects_a_returned_answer_and_its_risk_is_updated(
    new_page, policy_pdf
):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    supplier = make_supplier(legal_name="Huaxin Precision Cable Co., Ltd.", status="active", tier=1)
    supplier_user = make_user(Role.SUPPLIER, supplier=supplier, username="huaxin")
    campaign = questionnaires.create_campaign(
        actor=compliance,
        template=make_template(),
        name="ESG self-assessment 2026",
        due_date=dt.date.today() + dt.timedelta(days=30),
        all_suppliers=True,
    )
    questionnaires.open_campaign(campaign, actor=compliance)
    response = campaign.responses.get(supplier=supplier)

    # The supplier, on a phone in Chinese, finds the questionnaire and fills it in.
    phone = new_page(locale="zh-CN", viewport=PHONE)
    login(phone, supplier_user.username)
    phone.goto("/portal/assessments/")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    phone.click(f"#response-{response.pk} a >> nth=0")
    phone.wait_for_load_state("domcontentloaded")
    assert "贵公司是否有书面的行为准则？" in phone.locator("#question-MS-1").inner_text()
    assert fits_the_screen(phone)
    phone.check("#question-MS-1 input[value=yes]")
    phone.check("#question-MS-2 input[value=iso14001]")
    phone.check("#question-MS-3 input[value=discharge]")
    phone.fill("#a-MS-4", "1,250")
    phone.fill("#a-MS-5", "75")
    phone.fill("#a-MS-6", "2025-03-01")
    phone.set_input_files("#a-MS-7", policy_pdf)
    # The remediation question appears only once child labour is answered "yes" (htmx re-renders the section).
    assert phone.locator("#question-LAB-2").count() == 0
    phone.check("#question-LAB-1 input[value=yes]")
    phone.wait_for_selector("#question-LAB-2 textarea")
    phone.fill("#a-LAB-2", "已将一名未成年工人送回学校，并补发全部工资。")
    phone.fill("#a-LAB-3", "工会热线与意见箱")
    phone.click("#submit-response")
    phone.wait_for_load_state("domcontentloaded")
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert questionnaires.answer_values(response)["MS-4"] == 1250
    assert response.answers.get(question__code="MS-7").evidence_name == "环境政策.pdf"
    assert phone.locator("#answers-form").count() == 0  # read-only while under review

    # The reviewer returns one answer with a comment.
    desk = new_page()
    login(desk, compliance.username)
    desk.goto(f"/assessments/responses/{response.pk}/")
    assert "环境政策.pdf" in desk.locator("#answer-MS-7").inner_text()
    assert desk.locator("#knockout").count() == 1
    desk.fill("#comment-MS-4", "Please give the 2025 figure from your electricity bills.")
    desk.click("#return")
    desk.wait_for_load_state("domcontentloaded")
    response.refresh_from_db()
    assert response.status == Response.Status.RETURNED

    # The supplier sees the comment beside the answer, corrects it and submits again.
    phone.goto(f"/portal/assessments/responses/{response.pk}/")
    assert "Please give the 2025 figure" in phone.locator("#question-MS-4").inner_text()
    assert fits_the_screen(phone)
    phone.fill("#a-MS-4", "980")
    phone.click("#submit-response")
    phone.wait_for_load_state("domcontentloaded")
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert questionnaires.answer_values(response)["MS-4"] == 980

    # The reviewer accepts; the supplier is reassessed at once.
    desk.goto(f"/assessments/responses/{response.pk}/")
    assert "980" in desk.locator("#answer-MS-4").inner_text()
    desk.click("summary:has-text('Accept')")
    desk.click("button#accept")
    desk.wait_for_load_state("domcontentloaded")
    response.refresh_from_db()
    assert response.status == Response.Status.ACCEPTED
    assessment = RiskAssessment.objects.current().get(supplier=supplier)
    assert assessment.kind == RiskAssessment.Kind.AD_HOC and assessment.level == "high"  # the knock-out
    assert desk.locator("#risk-level .badge").inner_text() == "High"

    # The supplier's risk level and its explanation are shown on the supplier page (or the risk page).
    desk.goto(f"/suppliers/{supplier.pk}/")
    panel = desk.locator("#risk-panel")
    if panel.count() == 0:
        desk.goto(f"/risk/suppliers/{supplier.pk}/")
        panel = desk.locator("#current-risk")
    assert "High" in panel.inner_text()
    assert "Self-assessment questionnaire" in desk.content()
    assert "Knock-out" in desk.content()
