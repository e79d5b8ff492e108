"""The home page is the dashboard a head of compliance opens first; every figure links to its list."""

import datetime as dt
import re

import pytest
import time_machine

from supplyesg.audits.models import CorrectiveAction
from tests.assessments.factories_assessments import make_campaign as make_questionnaire_campaign
from tests.assessments.factories_assessments import make_response
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_document, make_supplier
from tests.minerals.factories_minerals import make_campaign, make_request
from tests.ratings.factories_ratings import make_rating, make_risk


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def registry(db):
    suppliers = [make_supplier(legal_name=f"Supplier {i}", status="active") for i in range(4)]
    make_risk(suppliers[0], level="high")
    make_risk(suppliers[1], level="low")
    for quarter, grades in [(2, "AABD"), (3, "ABCD")]:
        for supplier, grade in zip(suppliers, grades, strict=True):
            make_rating(supplier, year=2026, quarter=quarter, grade=grade)
    make_reported_audit(suppliers[2], report_date=dt.date(2026, 1, 10), severities=("major", "minor"))
    make_document(suppliers[3], title="Business licence", issue_date=dt.date(2025, 11, 1), expiry_date=dt.date(2026, 11, 1))
    campaign = make_campaign(name="CMRT 2025", due_date=dt.date(2027, 1, 31))
    make_request(campaign, suppliers[0], status="received_valid")
    make_request(campaign, suppliers[1])
    questionnaire = make_questionnaire_campaign(name="ESG self-assessment 2026")
    make_response(suppliers[0], questionnaire, status="submitted")
    make_response(suppliers[1], questionnaire)
    return suppliers


def dashboard(client) -> str:
    """The home page with every panel it fetches once loaded (hx-get on each placeholder) put in its place."""
    html = client.get("/").content.decode()
    for url in re.findall(r'hx-get="(/dashboard/[\w-]+/)" hx-trigger="load"', html):
        response = client.get(url)
        assert response.status_code == 200, url
        html += response.content.decode()
    return html


def _svg_bars(html, key):
    figure = html.split(f'id="chart-{key}"')[1].split("</figure>")[0]
    return figure


def test_the_dashboard_shows_each_apps_panel(client_for, compliance, registry):
    page = client_for(compliance).get("/").content.decode()
    for panel in ("suppliers", "assessments", "ratings", "audits", "minerals"):
        # the page answers with a placeholder per panel; each panel is fetched on its own once the page has loaded
        assert f'<section class="panel" id="panel-{panel}" hx-get="/dashboard/{panel}/" hx-trigger="load"' in page
        fragment = client_for(compliance).get(f"/dashboard/{panel}/").content.decode()
        assert fragment.startswith(f'<section class="panel" id="panel-{panel}">') and "<html" not in fragment
    assert client_for(compliance).get("/dashboard/nothing/").status_code == 404


def test_charts_are_accessible_svg_with_a_table_fallback(client_for, viewer, registry):
    html = dashboard(client_for(viewer))
    found = re.findall(r'<svg role="(img|group)" aria-labelledby="chart-([\w-]+)-title chart-\2-desc"', html)
    charts = {key: role for role, key in found}
    assert {"supplier-status", "risk-levels", "grades", "grade-trend", "corrective-status", "cmrt-response"} <= set(charts)
    # A bar chart's bars are links, so it is a labelled group a screen reader can enter; the trend line is an image.
    assert charts["grades"] == "group" and charts["grade-trend"] == "img"
    grades = _svg_bars(html, "grades")
    assert '<title id="chart-grades-title">Grades in 2026Q3</title>' in grades
    assert '<th scope="row"><a href="/ratings/?quarter=2026Q3&amp;grade=D">D</a></th><td class="right">1</td>' in grades


def test_each_figure_links_to_its_filtered_list(client_for, compliance, registry):
    html = dashboard(client_for(compliance))
    assert '<a href="/suppliers/?risk=high">' in html
    assert 'href="/corrective-actions/?overdue=on"><div class="n">2</div>' in html
    assert '<a href="/suppliers/?status=active">' in html


def test_campaign_response_rates_and_the_grade_trend_are_shown(client_for, compliance, registry):
    html = dashboard(client_for(compliance))
    response = _svg_bars(html, "cmrt-response")
    assert '<th scope="row"><a href="/minerals/campaigns/' in response and '<td class="right">50</td>' in response
    questionnaire = _svg_bars(html, "questionnaire-response")
    assert "ESG self-assessment 2026" in questionnaire and '<td class="right">50</td>' in questionnaire
    trend = _svg_bars(html, "grade-trend")
    assert '<th scope="row">2026Q2</th>' in trend and '<th scope="row">2026Q3</th>' in trend


def test_supplier_users_land_in_their_portal_and_anonymous_visitors_log_in(client_for, supplier_a_user):
    assert client_for(supplier_a_user).get("/")["Location"] == "/portal/"
    assert client_for(None).get("/")["Location"].startswith("/accounts/login/")


def test_the_dashboard_costs_a_bounded_number_of_queries(client_for, compliance, registry, django_assert_max_num_queries):
    for i in range(20):
        supplier = make_supplier(legal_name=f"More {i}", status="active")
        make_rating(supplier, grade="B")
        make_reported_audit(supplier, report_date=dt.date(2026, 2, 1))
    CorrectiveAction.objects.update(status=CorrectiveAction.Status.SUBMITTED)
    client = client_for(compliance)
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
    for panel in ("suppliers", "assessments", "ratings", "audits", "minerals"):
        with django_assert_max_num_queries(30):  # the same whatever the number of suppliers (bench/every_page.py)
            assert client.get(f"/dashboard/{panel}/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/inbox/", "/search/?q=supplier", "/notifications/"])
def test_the_new_pages_render_in_chinese(client_for, admin_user, registry, path):
    client = client_for(admin_user)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.get(path)
    assert response.status_code == 200 and '<html lang="zh-hans">' in response.content.decode()
