"""Browser tests: a supplier writing a corrective-action plan is warned before an idle session ends, can stay
signed in, and when the session does end the half-written plan waits in the browser and comes back after
logging in again; the questionnaire's progress count follows the answers as they are given."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from supplyesg.audits.models import CorrectiveAction
from supplyesg.core.middleware import IDLE_SEEN
from supplyesg.core.models import Role
from tests.audits.factories_audits import make_reported_audit
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)

DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('supplyesg:draft:'))"


def end_session_on_the_server(page):
    """What SESSION_IDLE_MINUTES without a request does: the server-side stamp is that old."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=cookie["value"])
    session[IDLE_SEEN] = session[IDLE_SEEN] - settings.SESSION_IDLE_MINUTES * 60 - 1
    session.save()


@pytest.fixture
def plan_page(new_page):
    supplier = make_supplier(legal_name="Huaxin Precision Cable Co., Ltd.", status="active")
    user = make_user(Role.SUPPLIER, supplier=supplier, username="huaxin")
    audit = make_reported_audit(supplier, report_date=dt.date.today())
    action = audit.corrective_actions.get()
    page = new_page()
    page.clock.install()
    login(page, user.username)
    url = reverse("audits_portal:action", args=[action.pk])
    page.goto(url)
    # The header's notification count loads by htmx after the page; its answer restarts the warning's countdown
    # (X-Session-Seconds-Left). Wait for it, or on a loaded machine it lands after the clock jump and hides the warning.
    page.wait_for_load_state("networkidle")
    return page, action, url


def test_the_warning_comes_before_the_idle_time_and_staying_signed_in_keeps_the_session(plan_page):
    page, _action, url = plan_page
    idle, warn = settings.SESSION_IDLE_MINUTES * 60, settings.SESSION_WARNING_MINUTES * 60
    assert page.locator("#session-warning").count() == 0

    # Jump into the warning period with the clock stopped there: the countdown no longer redraws the warning every
    # second while Playwright waits for the button to be stable (on a loaded machine the click timed out).
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + idle - warn + 4)  # seconds since the epoch
    page.clock.run_for(1000)  # the countdown's one tick, now 5 s into the warning

    warning = page.locator("#session-warning")
    warning.wait_for(state="visible")
    assert "Your session ends in 1:" in warning.inner_text()  # about 1:55 left
    page.click("#stay-signed-in")
    warning.wait_for(state="hidden")
    assert page.url.endswith(url)


def test_a_half_written_plan_survives_the_end_of_the_session_and_is_restored_after_logging_in(plan_page):
    page, action, url = plan_page
    page.fill("#id_root_cause", "Peak season overtime was not tracked.")
    page.fill("#id_corrective_action", "Weekly hours report to the plant manager.")
    page.wait_for_function(f"{DRAFTS}.length === 1")

    end_session_on_the_server(page)
    page.clock.fast_forward(settings.SESSION_IDLE_MINUTES * 60 * 1000)

    page.wait_for_url("**/accounts/login/**")
    assert "without activity" in page.locator(".messages").inner_text()
    page.fill("input[name=username]", "huaxin")
    page.fill("input[name=password]", "pw-Secret-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{url}")
    assert page.input_value("#id_root_cause") == ""  # nothing was sent: the server has no plan
    page.click(".draft-restore")
    assert page.input_value("#id_root_cause") == "Peak season overtime was not tracked."
    assert page.input_value("#id_corrective_action") == "Weekly hours report to the plant manager."

    page.fill("#id_preventive_action", "Overtime cap in the scheduling tool.")
    page.fill("#id_owner", "HR manager")
    page.fill("#id_completion_date", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.click("#submit-plan")
    page.wait_for_load_state("domcontentloaded")
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.SUBMITTED
    assert action.root_cause == "Peak season overtime was not tracked."
    assert page.evaluate(DRAFTS) == []  # sent and accepted: the draft is gone


def test_logging_out_takes_the_drafts_with_it(plan_page):
    page, _action, _url = plan_page
    page.fill("#id_root_cause", "Draft that must not outlive the session.")
    page.wait_for_function(f"{DRAFTS}.length === 1")

    page.click("header form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/**")

    assert page.evaluate(DRAFTS) == []


def test_a_draft_for_one_user_is_not_offered_to_another(plan_page, new_page):
    page, action, url = plan_page
    page.fill("#id_root_cause", "Only for huaxin.")
    page.wait_for_function(f"{DRAFTS}.length === 1")
    key = page.evaluate(f"{DRAFTS}[0]")
    draft = page.evaluate(f"localStorage.getItem({json.dumps(key)})")
    colleague = make_user(Role.SUPPLIER, supplier=action.audit.supplier, username="huaxin-2")

    page.context.clear_cookies()
    login(page, colleague.username)
    page.goto(url)

    assert page.locator(".draft-offer").count() == 0
    assert page.evaluate(f"localStorage.getItem({json.dumps(key)})") == draft  # kept for its owner


def test_the_questionnaire_count_follows_the_answers_as_they_are_given(new_page):
    from supplyesg.assessments import questionnaires
    from tests.assessments.factories_assessments import make_template

    compliance = make_user(Role.COMPLIANCE, username="carla")
    supplier = make_supplier(legal_name="Huaxin Precision Cable Co., Ltd.", status="active", tier=1)
    user = make_user(Role.SUPPLIER, supplier=supplier, username="huaxin")
    campaign = questionnaires.create_campaign(
        actor=compliance, template=make_template(), name="ESG self-assessment 2026",
        due_date=dt.date.today() + dt.timedelta(days=30), all_suppliers=True,
    )
    questionnaires.open_campaign(campaign, actor=compliance)
    response = campaign.responses.get(supplier=supplier)
    page = new_page()
    login(page, user.username)
    page.goto(reverse("assessments_portal:fill", args=[response.pk]))
    count = page.locator("#progress-text")
    assert count.inner_text() == "0 of 5 required questions answered"

    page.check("#question-MS-1 input[value=yes]")
    assert count.inner_text() == "1 of 5 required questions answered"
    page.fill("#a-MS-4", "1,250")
    page.check("#question-MS-3 input[value=discharge]")  # optional: not counted
    assert count.inner_text() == "2 of 5 required questions answered"
    page.fill("#a-MS-4", "")
    assert count.inner_text() == "1 of 5 required questions answered"

    # "yes" to child labour shows the required remediation question (an htmx swap): one more to answer.
    page.check("#question-LAB-1 input[value=yes]")
    page.wait_for_selector("#question-LAB-2 textarea")
    page.wait_for_function("document.getElementById('progress-text').textContent.endsWith('6 required questions answered')")
    assert count.inner_text() == "2 of 6 required questions answered"
    page.fill("#a-LAB-2", "Sent back to school, wages paid.")
    assert count.inner_text() == "3 of 6 required questions answered"

    # Submitting now: the summary takes the focus and links to each question still to answer.
    page.click("#submit-response")
    page.wait_for_load_state("domcontentloaded")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    links = page.locator("#error-summary a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "#question-MS-2", "#question-MS-4", "#question-MS-5"
    ]
    assert count.inner_text() == "3 of 6 required questions answered"
    links.nth(1).click()
    assert page.url.endswith("#question-MS-4")
    assert page.get_attribute("#a-MS-4", "aria-invalid") == "true"
    assert page.get_attribute("#a-MS-4", "aria-describedby") == "error-MS-4"
