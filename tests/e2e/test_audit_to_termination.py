"""Browser test: an auditor plans, conducts and reports an audit; the supplier submits a corrective-action plan
per non-conformity in the portal; the auditor rejects one plan with a reason and approves the other; the
supplier resubmits; both are done with evidence and closed, and the audit closes. Then the quarter is rated:
business scores entered on the form and imported from a CSV file, the quarter computed, the D grade's
termination confirmed by procurement with a reason, and the ERP's can-order check answers no."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supplyesg.audits.models import Audit, ChecklistItem, CorrectiveAction
from supplyesg.core.models import Role
from supplyesg.ratings.models import BusinessScore, Rating
from supplyesg.ratings.quarters import Quarter
from tests.assessments.factories_assessments import make_requirement
from tests.e2e.conftest import login
from tests.factories import PDF_BYTES, make_contact, make_supplier, make_user
from tests.ratings.factories_ratings import make_risk

pytestmark = pytest.mark.django_db(transaction=True)

REJECTION = "The root cause stops at the symptom: say why overtime above 60 hours was scheduled."


@pytest.fixture
def evidence_pdf(tmp_path):
    path = tmp_path / "overtime-records-after.pdf"
    path.write_bytes(PDF_BYTES)
    return str(path)


def submit(page, selector: str) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def open_details_and_submit(page, button_id: str) -> None:
    """Review forms sit in <details>: open the one holding the button, then submit it."""
    page.click(f"details:has(#{button_id}) > summary")
    submit(page, f"#{button_id}")


# ---------------------------------------------------------------- the audit


def plan_and_conduct_audit(desk, supplier, today) -> Audit:
    desk.goto("/audits/")
    with desk.expect_navigation():
        desk.get_by_role("link", name="Plan an audit").click()
    desk.fill("input[name=supplier_code]", supplier.code)
    desk.select_option("select[name=kind]", "onsite")
    desk.fill("input[name=planned_start]", today.isoformat())
    desk.fill("input[name=planned_end]", (today + timedelta(days=1)).isoformat())
    desk.select_option("select[name=lead_auditor]", label="Aldo Auditor")
    submit(desk, "main form.panel button[type=submit]")
    desk.wait_for_url(re.compile(r"/audits/\d+/$"))
    audit = Audit.objects.get(supplier=supplier)
    assert desk.locator("#audit-status").inner_text() == "Planned"

    submit(desk, "form[action$='/start/'] button[type=submit]")
    expect(desk.locator("#audit-status")).to_have_text("In progress")
    items = {i.requirement.code: i for i in audit.checklist.select_related("requirement")}
    assert sorted(items) == ["RBA-A1", "RBA-A3", "RBA-C1"]

    # Each verdict is saved in place (htmx swaps the row, which then names who checked it).
    verdicts = {
        "RBA-A1": ("conforming", ""),
        "RBA-A3": ("nonconforming", "Time cards show 72-hour weeks in peak season."),
        "RBA-C1": ("nonconforming", "Wastewater discharge permit expired last month."),
    }
    for code, (verdict, notes) in verdicts.items():
        item_url = f"/checklist/{items[code].pk}/"
        row = desk.locator(f"#item-{items[code].pk}")
        row.locator("select[name=verdict]").select_option(verdict)
        row.locator("textarea[name=notes]").fill(notes)
        with desk.expect_response(lambda r, url=item_url: url in r.url and r.request.method == "POST"):
            row.locator("button[type=submit]").click()
        expect(desk.locator(f"#item-{items[code].pk}")).to_contain_text("Aldo Auditor")
    assert ChecklistItem.objects.filter(audit=audit, verdict="nonconforming").count() == 2

    findings = (
        ("major", "RBA-A3", "Overtime above 60 hours a week in peak season, no rest day for 14 days."),
        ("minor", "RBA-C1", "The wastewater discharge permit expired and its renewal was not applied for."),
    )
    for severity, code, description in findings:
        desk.click("#findings details > summary")
        desk.select_option("#finding-severity", severity)
        desk.select_option("#finding-checklist_item", str(items[code].pk))
        desk.fill("#finding-description", description)
        submit(desk, "form[action$='/findings/'] button[type=submit]")
    expect(desk.locator("#findings tbody tr")).to_have_count(2)
    assert "Overtime above 60 hours" in desk.locator("#findings").inner_text()

    desk.fill("#issue-report textarea[name=summary]", "Two non-conformities: working hours (major), permits (minor).")
    submit(desk, "#issue-report button[type=submit]")
    expect(desk.locator("#audit-status")).to_have_text("Report issued")
    expect(desk.locator("#result")).to_contain_text("Medium")
    expect(desk.locator("#audit-actions tbody tr")).to_have_count(2)  # the htmx fragment with the two actions
    audit.refresh_from_db()
    assert audit.status == Audit.Status.REPORTED and audit.result_level == "medium"
    return audit


def submit_plan(phone, *, corrective_text: str, completion) -> None:
    phone.fill("#plan-form textarea[name=root_cause]", "Peak-season orders were accepted without checking capacity.")
    phone.fill("#plan-form textarea[name=corrective_action]", corrective_text)
    phone.fill("#plan-form textarea[name=preventive_action]", "Monthly hours review by the HR manager; capacity check on orders.")
    phone.fill("#plan-form input[name=owner]", "Wang Fang, HR manager")
    phone.fill("#plan-form input[name=completion_date]", completion.isoformat())
    submit(phone, "#submit-plan")
    expect(phone.locator("#ca-status")).to_have_text("Plan submitted, awaiting review")


def test_an_audit_runs_to_closure_and_a_d_grade_supplier_is_terminated_so_orders_stop(new_page, evidence_pdf, tmp_path):
    today = timezone.localdate()
    for code, category, title in (
        ("RBA-A1", "labour", "Freely chosen employment"),
        ("RBA-A3", "labour", "Working hours"),
        ("RBA-C1", "environment", "Environmental permits and reporting"),
    ):
        make_requirement(code=code, risk_category=category, pillar="E" if category == "environment" else "S", title=title)
    auditor = make_user(Role.AUDITOR, username="aldo", first_name="Aldo", last_name="Auditor")
    procurement = make_user(Role.PROCUREMENT, username="petra")
    supplier = make_supplier(legal_name="Huaxin Precision Cable Co., Ltd.", status="active", tier=1)
    make_contact(supplier, email="quality@huaxin.example.com")
    supplier_user = make_user(Role.SUPPLIER, supplier=supplier, username="huaxin")
    weak = make_supplier(legal_name="Delta Solder Works Ltd.", status="active", tier=1)
    make_risk(weak, level="high", year=today.year)

    # 1. The auditor plans the audit from the programme, starts it, checks the list, records findings, reports.
    desk = new_page()
    login(desk, auditor.username)
    audit = plan_and_conduct_audit(desk, supplier, today)
    major = CorrectiveAction.objects.get(audit=audit, finding__severity="major")
    minor = CorrectiveAction.objects.get(audit=audit, finding__severity="minor")
    completion = min(major.remediation_due, minor.remediation_due, today + timedelta(days=30))

    # 2. The supplier opens each corrective action from the portal and submits a plan.
    phone = new_page(viewport={"width": 390, "height": 844})
    login(phone, supplier_user.username)
    for action, text in (
        (major, "Cap overtime at 60 hours; hire 12 temporary operators."),
        (minor, "Apply for the permit renewal."),
    ):
        phone.goto("/portal/audits/")
        with phone.expect_navigation():
            phone.click(f"#finding-{action.finding_id} a[href$='/actions/{action.pk}/']")
        submit_plan(phone, corrective_text=text, completion=completion)
    assert set(CorrectiveAction.objects.filter(audit=audit).values_list("status", flat=True)) == {"submitted"}

    # 3. The auditor rejects the working-hours plan with a reason and approves the permit plan.
    desk.goto("/corrective-actions/")
    with desk.expect_navigation():
        desk.click(f"#ca-{major.pk} td:first-child a")
    assert "Cap overtime at 60 hours" in desk.locator("#plan").inner_text()
    desk.click("details:has(#reject) > summary")
    desk.fill("form:has(#reject) textarea[name=reason]", REJECTION)
    submit(desk, "#reject")
    expect(desk.locator("#ca-status")).to_have_text("Plan rejected, to resubmit")
    desk.goto(f"/corrective-actions/{minor.pk}/")
    open_details_and_submit(desk, "approve")
    expect(desk.locator("#ca-status")).to_have_text("Plan approved, in progress")

    # 4. The supplier reads why, revises and resubmits; the auditor approves it.
    phone.goto("/portal/audits/")
    expect(phone.locator("#todo")).to_contain_text("plan rejected: resubmit")
    with phone.expect_navigation():
        phone.click(f"#todo a[href$='/actions/{major.pk}/']")
    expect(phone.locator("#rejection")).to_contain_text(REJECTION)
    revised = "Overtime capped at 60 hours, enforced by the time-card system."
    submit_plan(phone, corrective_text=revised, completion=completion)
    major.refresh_from_db()
    assert major.revision == 2
    desk.goto(f"/corrective-actions/{major.pk}/")
    assert "enforced by the time-card system" in desk.locator("#plan").inner_text()
    open_details_and_submit(desk, "approve")
    expect(desk.locator("#ca-status")).to_have_text("Plan approved, in progress")

    # 5. The supplier reports both done with evidence; the auditor closes both; the audit closes with the last.
    for action in (major, minor):
        phone.goto(f"/portal/audits/actions/{action.pk}/")
        phone.fill("#completion-form textarea[name=note]", "Done; records of the first month attached.")
        phone.set_input_files("#completion-form input[name=files]", evidence_pdf)
        submit(phone, "#submit-completion")
        expect(phone.locator("#ca-status")).to_have_text("Done, evidence submitted")
        expect(phone.locator("#ca-files")).to_contain_text("overtime-records-after.pdf")
    for action in (major, minor):
        desk.goto(f"/corrective-actions/{action.pk}/")
        expect(desk.locator("#ca-files")).to_contain_text("overtime-records-after.pdf")
        desk.click("details:has(#close) > summary")
        desk.check("form:has(#close) input[name=closure][value=evidence]")
        submit(desk, "#close")
        expect(desk.locator("#ca-status")).to_have_text("Closed")
    desk.goto(f"/audits/{audit.pk}/")
    expect(desk.locator("#audit-status")).to_have_text("Closed")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.CLOSED
    phone.goto("/portal/audits/")
    expect(phone.locator(f"#audit-{audit.pk}")).to_contain_text("closed")

    # 6. Procurement enters the quarter's business scores (one on the form, one imported) and computes it.
    period = Quarter.of(today)
    buyer = new_page()
    login(buyer, procurement.username)
    buyer.goto("/ratings/")
    with buyer.expect_navigation():
        buyer.get_by_role("link", name="Enter business scores").click()
    buyer.fill("input[name=supplier]", supplier.code)
    buyer.fill("input[name=year]", str(period.year))
    buyer.select_option("select[name=quarter]", str(period.quarter))
    for part, value in (("quality", "92"), ("delivery", "88"), ("cost", "85"), ("service", "90")):
        buyer.fill(f"input[name={part}]", value)
    submit(buyer, "main form button[type=submit]")
    buyer.wait_for_url(re.compile(rf"/ratings/suppliers/{supplier.pk}/"))
    expect(buyer.locator("#business-scores")).to_contain_text(f"{period}")

    csv_file = tmp_path / "erp-scores.csv"
    rows = ["supplier_code,period,quality,delivery,cost,service,note", f"{weak.code},{period},30,30,30,30,ERP export"]
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    buyer.goto("/ratings/scores/import/")
    buyer.set_input_files("input[name=file]", str(csv_file))
    submit(buyer, "main form[enctype='multipart/form-data'] button[type=submit]")
    expect(buyer.locator("#import-result .stat").first).to_contain_text("1")  # created
    assert buyer.locator("#import-errors").count() == 0
    assert BusinessScore.objects.get(supplier=weak, year=period.year, quarter=period.quarter).source == "import"

    buyer.goto("/ratings/")
    buyer.fill("#compute input[name=quarter]", str(period))
    submit(buyer, "#compute button[type=submit]")
    expect(buyer.locator("#rating-job")).to_contain_text("Done")
    good = Rating.objects.get(supplier=supplier, year=period.year, quarter=period.quarter)
    bad = Rating.objects.get(supplier=weak, year=period.year, quarter=period.quarter)
    expect(buyer.locator(f"#rating-{good.pk} .grade")).to_have_text("B")
    expect(buyer.locator(f"#rating-{bad.pk} .grade")).to_have_text("D")
    expect(buyer.locator(f"#rating-{bad.pk}")).to_contain_text("Terminate cooperation")
    assert (good.grade, bad.grade) == ("B", "D")
    # The audited supplier's ESG score took the closed audit's result into account.
    buyer.goto(f"/ratings/suppliers/{supplier.pk}/?quarter={period}")
    expect(buyer.locator("#rating-reasons")).to_contain_text("Latest ESG audit result")
    buyer.goto(f"/ratings/?quarter={period}")

    # 7. Procurement confirms the D grade's termination with a reason; orders stop.
    reason = "Quality 30/100 for the quarter and high ESG risk; the buyer's review agrees to end cooperation."
    with buyer.expect_navigation():
        buyer.click(f"#rating-{bad.pk} a")
    expect(buyer.locator("#rating-decision")).to_contain_text("Confirming ends cooperation")
    buyer.check("#rating-decision input[name=decision][value=confirm]")
    buyer.fill("#rating-decision textarea[name=reason]", reason)
    submit(buyer, "#rating-decision button[type=submit]")
    expect(buyer.locator("#rating-current")).to_contain_text("Confirmed")
    expect(buyer.locator("#rating-current")).to_contain_text(reason)

    answer = buyer.request.get(f"/api/suppliers/{weak.pk}/can-order")
    assert answer.status == 200
    body = answer.json()
    assert body["can_order"] is False
    assert any(reason in text for text in body["reasons"]), body["reasons"]
    assert buyer.request.get(f"/api/suppliers/{supplier.pk}/can-order").json()["can_order"] is True

    buyer.goto(f"/suppliers/{weak.pk}/")
    expect(buyer.locator("#can-order")).to_contain_text("Purchase orders blocked")
    expect(buyer.locator("#can-order")).to_contain_text(reason)
