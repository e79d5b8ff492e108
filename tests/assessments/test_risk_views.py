"""Risk pages with the personas: who sees them, who may write, and that each write did what it says."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from supplyesg.assessments.models import RiskAssessment, WorklistItem
from supplyesg.assessments.risk import jobs
from supplyesg.assessments.risk import services as risk
from supplyesg.core.models import AuditEvent, Job
from tests.assessments.test_risk import YEAR, country_risk, high_risk_supplier, low_risk_supplier, response
from tests.factories import make_supplier

pytestmark = [pytest.mark.urls("tests.assessments.test_risk"), pytest.mark.django_db]


@pytest.fixture
def assessed(supplier_a, supplier_b, compliance):
    """Supplier A high risk (an on-site audit on the worklist), supplier B low risk, both for this year."""
    country_risk("CN", 90)
    country_risk("MY", 10)
    response(supplier_a, overall=5)
    response(supplier_b, overall=95)
    risk.assess_all(YEAR, actor=compliance)
    return {
        "a": RiskAssessment.objects.get(supplier=supplier_a, is_current=True),
        "b": RiskAssessment.objects.get(supplier=supplier_b, is_current=True),
        "item": WorklistItem.objects.get(supplier=supplier_a),
    }


def _pages(supplier_a):
    return [
        reverse("risk:overview"),
        reverse("risk:worklist"),
        reverse("risk:supplier", args=[supplier_a.pk]),
    ]


def _writes(supplier_a, item):
    return [
        (reverse("risk:recompute"), {"year": YEAR}),
        (reverse("risk:assess", args=[supplier_a.pk]), {"year": YEAR}),
        (
            reverse("risk:override", args=[supplier_a.pk]),
            {"year": YEAR, "level": "low", "justification": "x"},
        ),
        (reverse("risk:close_worklist_item", args=[item.pk]), {"note": "done"}),
    ]


# ---------------------------------------------------------------- who may do what


def test_anonymous_visitors_are_sent_to_log_in(client_for, supplier_a, assessed):
    client = client_for(None)
    for url in _pages(supplier_a):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data in _writes(supplier_a, assessed["item"]):
        assert "/accounts/login/" in client.post(url, data)["Location"], url


def test_supplier_users_never_see_risk_pages_even_their_own(
    client_for, supplier_a, supplier_a_user, assessed
):
    client = client_for(supplier_a_user)
    for url in _pages(supplier_a):
        assert client.get(url).status_code == 404, url
    for url, data in _writes(supplier_a, assessed["item"]):
        assert client.post(url, data).status_code == 404, url
    assert RiskAssessment.objects.count() == 2 and not Job.objects.exists()


def test_supplier_b_cannot_see_supplier_as_risk(client_for, supplier_a, supplier_b_user, assessed):
    assert client_for(supplier_b_user).get(reverse("risk:supplier", args=[supplier_a.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "procurement"])
def test_read_only_roles_see_the_pages_but_get_403_on_every_write(
    request, client_for, supplier_a, assessed, persona
):
    client = client_for(request.getfixturevalue(persona))
    for url in _pages(supplier_a):
        assert client.get(url).status_code == 200, url
    for url, data in _writes(supplier_a, assessed["item"]):
        assert client.post(url, data).status_code == 403, url
    assert RiskAssessment.objects.count() == 2
    assert WorklistItem.objects.get().status == WorklistItem.Status.OPEN
    assert not Job.objects.exists()


def test_an_unknown_supplier_or_worklist_item_is_404(client_for, compliance):
    client = client_for(compliance)
    assert client.get(reverse("risk:supplier", args=[999999])).status_code == 404
    assert client.post(reverse("risk:close_worklist_item", args=[999999]), {"note": "x"}).status_code == 404


# ---------------------------------------------------------------- overview and recompute


def test_the_overview_counts_levels_and_filters_by_level_tier_and_country(
    client_for, viewer, supplier_a, supplier_b, assessed
):
    client = client_for(viewer)
    page = client.get(reverse("risk:overview"), {"year": YEAR}).content.decode()
    assert supplier_a.legal_name in page and supplier_b.legal_name in page
    assert 'class="badge bad">1<' in page and 'class="badge good">1<' in page
    assert reverse("suppliers:detail", args=[supplier_a.pk]) in page
    assert "Recompute all" not in page  # a viewer may not start it

    high = client.get(reverse("risk:overview"), {"year": YEAR, "level": "high"}).content.decode()
    assert supplier_a.legal_name in high and supplier_b.legal_name not in high
    malaysia = client.get(reverse("risk:overview"), {"year": YEAR, "country": "MY"}).content.decode()
    assert supplier_b.legal_name in malaysia and supplier_a.legal_name not in malaysia
    tier2 = client.get(reverse("risk:overview"), {"year": YEAR, "tier": "2"}).content.decode()
    assert supplier_a.legal_name not in tier2 and supplier_b.legal_name not in tier2


def test_a_bad_filter_value_is_ignored_and_the_others_still_apply(
    client_for, viewer, supplier_a, supplier_b, assessed
):
    page = client_for(viewer).get(reverse("risk:overview"), {"year": YEAR, "level": "high", "tier": "nine"})
    assert page.status_code == 200
    assert (
        supplier_a.legal_name in page.content.decode() and supplier_b.legal_name not in page.content.decode()
    )
    empty_year = client_for(viewer).get(reverse("risk:overview"), {"year": YEAR - 1}).content.decode()
    assert f"Risk assessment {YEAR - 1}" in empty_year and supplier_a.legal_name not in empty_year


def test_the_overview_filter_answers_htmx_with_the_rows_only(client_for, viewer, supplier_a, assessed):
    response = client_for(viewer).get(
        reverse("risk:overview"), {"year": YEAR, "level": "high"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<h1>" not in response.content.decode() and supplier_a.legal_name in response.content.decode()


def test_the_overview_pages_through_many_suppliers(client_for, viewer, compliance):
    for n in range(55):
        make_supplier(legal_name=f"Paged Supplier {n:02d}")
    risk.assess_all(YEAR, actor=compliance)
    client = client_for(viewer)
    first = client.get(reverse("risk:overview"), {"year": YEAR}).content.decode()
    second = client.get(reverse("risk:overview"), {"year": YEAR, "page": 2}).content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second


@pytest.mark.parametrize("filters", [{}, {"level": "high"}, {"level": "low"}, {"country": "MY"}, {"level": "high", "tier": "1"}])
def test_the_overview_pages_sorted_rows_by_the_level_counts_and_they_equal_the_rows(client_for, viewer, compliance, filters):
    from supplyesg.assessments.risk import queries as risk_queries

    for n in range(7):
        make_supplier(legal_name=f"Paged Supplier {n:02d}", country="MY" if n % 2 else "CN")
    high_risk_supplier()
    risk.assess_all(YEAR, actor=compliance)
    response = client_for(viewer).get(reverse("risk:overview"), {"year": YEAR, **filters})
    page = response.context["page"]
    rows = risk_queries.latest_assessments(YEAR)
    for key, field in (("level", "risk_level"), ("country", "supplier__country"), ("tier", "supplier__tier")):
        if key in filters:
            rows = rows.filter(**{field: filters[key]})
    ordered = list(rows.order_by("-overall_score", "supplier__legal_name", "pk").values_list("pk", flat=True))
    assert page.paginator.count == len(ordered) and [a.pk for a in page] == ordered[: len(page.object_list)]
    assert all(a.risk_level and a.supplier.legal_name for a in page)


def test_compliance_recomputes_every_supplier_and_sees_the_progress(
    client_for, compliance, supplier_a, supplier_b, django_capture_on_commit_callbacks
):
    high_risk_supplier()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(compliance).post(reverse("risk:recompute"), {"year": YEAR})
    job = Job.objects.get(kind=jobs.JOB_KIND)
    assert response.status_code == 302 and response["Location"].endswith(f"?year={YEAR}&job={job.pk}")
    assert job.status == Job.Status.DONE and job.done == 3
    assert RiskAssessment.objects.filter(year=YEAR, is_current=True, kind="yearly").count() == 3
    assert AuditEvent.objects.get(action="risk.recompute_started").actor == compliance
    page = client_for(compliance).get(response["Location"]).content.decode()
    assert (
        'role="progressbar"' in page and reverse("core:job_status", args=[job.pk]) not in page
    )  # done: no polling


def test_a_running_recompute_shows_a_polling_progress_bar(client_for, auditor):
    response = client_for(auditor).post(reverse("risk:recompute"), {"year": YEAR})  # queued until commit
    job = Job.objects.get(kind=jobs.JOB_KIND)
    page = client_for(auditor).get(response["Location"]).content.decode()
    assert reverse("core:job_status", args=[job.pk]) in page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({}, "Year: This field is required."),
        ({"year": "next"}, "Year: Enter a whole number."),
        ({"year": "1800"}, "Year: Ensure this value is greater than"),
    ],
)
def test_recompute_with_a_bad_year_shows_the_error_naming_the_year(client_for, compliance, data, says):
    response = client_for(compliance).post(reverse("risk:recompute"), data)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Job.objects.exists()


def test_a_second_recompute_of_the_year_is_refused_while_one_runs(client_for, compliance):
    client = client_for(compliance)
    client.post(reverse("risk:recompute"), {"year": YEAR})
    response = client.post(reverse("risk:recompute"), {"year": YEAR})
    assert response.status_code == 400
    assert "already being recomputed" in response.content.decode()
    assert Job.objects.count() == 1


# ---------------------------------------------------------------- worklist


def test_the_worklist_shows_open_items_and_a_reviewer_closes_one_with_a_note(
    client_for, auditor, supplier_a, assessed
):
    client = client_for(auditor)
    page = client.get(reverse("risk:worklist")).content.decode()
    assert supplier_a.legal_name in page and "On-site audit required" in page
    item = assessed["item"]

    response = client.post(
        reverse("risk:close_worklist_item", args=[item.pk]), {"note": "Audit booked for 12 May."}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.closed_by) == (WorklistItem.Status.DONE, auditor)
    event = AuditEvent.objects.get(action="worklist.closed")
    assert event.supplier == supplier_a and event.reason == "Audit booked for 12 May."
    assert "Nothing on the worklist." in client.get(reverse("risk:worklist")).content.decode()
    done = client.get(reverse("risk:worklist"), {"status": "done"}).content.decode()
    assert "Audit booked for 12 May." in done


def test_closing_without_a_note_or_twice_is_refused(client_for, compliance, assessed):
    client = client_for(compliance)
    url = reverse("risk:close_worklist_item", args=[assessed["item"].pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 400 and "Note: This field is required." in response.content.decode()
    client.post(url, {"note": "Done."})
    again = client.post(url, {"note": "Again."})
    assert again.status_code == 400 and "already Done" in again.content.decode()
    assert AuditEvent.objects.filter(action="worklist.closed").count() == 1


# ---------------------------------------------------------------- one supplier


def test_the_supplier_risk_page_shows_level_categories_explanation_and_history(
    client_for, viewer, supplier_a, assessed
):
    page = client_for(viewer).get(reverse("risk:supplier", args=[supplier_a.pk])).content.decode()
    assert 'class="badge bad">High<' in page
    assert "Labour and human rights" in page and "Responsible minerals" in page
    assert "Country index for CN: 90 (Test index, 2025-01-31)." in page
    assert "No audit yet." in page and "No data: left out" in page
    assert "Left out for lack of data or weight:" in page
    assert "Assessments by year" in page and "On-site audit required" in page
    assert "Override the level" not in page and "Assess now" not in page  # read-only


def test_the_supplier_risk_page_works_in_chinese(client_for, compliance, supplier_a, assessed):
    client = client_for(compliance)
    client.post(reverse("core:set_language"), {"language": "zh-hans", "next": "/"})
    response = client.get(reverse("risk:supplier", args=[supplier_a.pk]))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_a_reviewer_assesses_a_supplier_now(client_for, compliance, supplier_b):
    country_risk("MY", 40)
    client = client_for(compliance)
    response = client.post(reverse("risk:assess", args=[supplier_b.pk]), {"year": YEAR})
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(supplier=supplier_b)
    assert (assessment.kind, assessment.computed_level, assessment.year) == ("ad_hoc", "medium", YEAR)
    assert AuditEvent.objects.get(action="risk.assessed", supplier=supplier_b).actor == compliance
    page = client.get(response["Location"]).content.decode()
    assert "was assessed for" in page and "Override the level" in page


def test_assess_now_with_a_bad_year_is_a_400_naming_the_year(client_for, compliance, supplier_b):
    response = client_for(compliance).post(reverse("risk:assess", args=[supplier_b.pk]), {"year": "1066"})
    assert response.status_code == 400 and "Year: Ensure this value" in response.content.decode()
    assert not RiskAssessment.objects.exists()


def test_a_reviewer_overrides_the_level_with_a_justification(client_for, auditor, supplier_b, assessed):
    url = reverse("risk:override", args=[supplier_b.pk])
    response = client_for(auditor).post(
        url, {"year": YEAR, "level": "high", "justification": "Fatal accident in March."}
    )
    assert response.status_code == 302
    assessment = assessed["b"]
    assessment.refresh_from_db()
    assert (assessment.level, assessment.override_reason, assessment.overridden_by) == (
        "high",
        "Fatal accident in March.",
        auditor,
    )
    event = AuditEvent.objects.get(action="risk.level_overridden")
    assert event.supplier == supplier_b and event.changes == {"level": ["low", "high"]}
    assert WorklistItem.objects.filter(supplier=supplier_b, kind="onsite_audit", status="open").exists()
    page = client_for(auditor).get(response["Location"]).content.decode()
    assert "Fatal accident in March." in page and "overridden; computed:" in page


def test_an_override_without_justification_shows_the_error_and_changes_nothing(
    client_for, compliance, supplier_b, assessed
):
    response = client_for(compliance).post(
        reverse("risk:override", args=[supplier_b.pk]), {"year": YEAR, "level": "high", "justification": ""}
    )
    assert response.status_code == 400
    assert "Justification: This field is required." in response.content.decode()
    assessed["b"].refresh_from_db()
    assert (
        assessed["b"].override_level == ""
        and not AuditEvent.objects.filter(action="risk.level_overridden").exists()
    )


def test_an_override_of_a_year_never_assessed_is_refused(client_for, compliance, supplier_b):
    response = client_for(compliance).post(
        reverse("risk:override", args=[supplier_b.pk]),
        {"year": YEAR, "level": "high", "justification": "Because."},
    )
    assert response.status_code == 400
    assert "assess the supplier first" in response.content.decode()


# ---------------------------------------------------------------- the panel for the supplier page


def test_the_risk_panel_shows_the_level_factors_and_a_link(supplier_a, assessed):
    html = render_to_string("assessments/_risk_panel.html", {"risk": assessed["a"], "supplier": supplier_a})
    assert 'class="badge bad">High<' in html
    assert "Country" in html and "No audit yet" in html
    assert reverse("risk:supplier", args=[supplier_a.pk]) in html


def test_the_risk_panel_without_an_assessment_says_so(supplier_b):
    html = render_to_string("assessments/_risk_panel.html", {"risk": None, "supplier": supplier_b})
    assert "Not assessed yet." in html and reverse("risk:supplier", args=[supplier_b.pk]) in html


def test_the_risk_panel_of_a_knocked_out_supplier_names_the_question(compliance):
    supplier = low_risk_supplier()
    response(
        supplier,
        overall=95,
        knockout={"level": "high", "triggered": [{"question": "LAB-1", "level": "high"}]},
        name="knock-out",
    )
    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)
    html = render_to_string("assessments/_risk_panel.html", {"risk": assessment, "supplier": supplier})
    assert "Knock-out answer in the questionnaire" in html and "LAB-1" in html
