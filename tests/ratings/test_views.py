"""Rating pages with the personas: who sees them, who may write, and that each write did what it says."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from supplyesg.core.models import AuditEvent, Job
from supplyesg.ratings import queries
from supplyesg.ratings.models import BusinessScore, Rating
from supplyesg.ratings.quarters import Quarter
from supplyesg.suppliers.models import TerminationCase
from supplyesg.suppliers.services.compliance import can_order
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_category, make_supplier
from tests.ratings.factories_ratings import frozen, make_business_score, make_rating, make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with frozen():
        yield


@pytest.fixture
def rated(supplier_a, supplier_b):
    """Supplier A graded D for 2026Q3 (B in 2026Q2), supplier B graded A."""
    make_rating(supplier_a, quarter=2, grade="B", total="80")
    return {
        "a": make_rating(
            supplier_a,
            grade="D",
            total="40.50",
            reasons=[
                {"msgid": "Risk level: %(level)s.", "params": {"level": "high"}},
                {"msgid": "%(level)s risk scores %(score)s.", "params": {"level": "high", "score": -1}},
            ],
        ),
        "b": make_rating(supplier_b, grade="A", total="95"),
    }


def pages(supplier_a):
    return [
        reverse("ratings:overview"),
        reverse("ratings:supplier", args=[supplier_a.pk]),
        reverse("ratings:supplier_panel", args=[supplier_a.pk]),
        reverse("ratings:export"),
        reverse("ratings:import_template"),
    ]


def writes(rated):
    return [
        (reverse("ratings:compute"), {"quarter": "2026Q3"}),
        (reverse("ratings:decide", args=[rated["a"].pk]), {"decision": "confirm", "reason": "Grade D"}),
        (reverse("ratings:enter_score"), {"supplier": "X", "year": 2026, "quarter": 3}),
        (reverse("ratings:import"), {}),
    ]


# ---------------------------------------------------------------- who may do what


def test_anonymous_visitors_are_sent_to_log_in(client_for, supplier_a, rated):
    client = client_for(None)
    for url in pages(supplier_a):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data in writes(rated):
        assert "/accounts/login/" in client.post(url, data)["Location"], url


def test_supplier_users_never_see_internal_rating_pages_even_their_own(client_for, supplier_a, supplier_a_user, rated):
    client = client_for(supplier_a_user)
    for url in pages(supplier_a):
        assert client.get(url).status_code == 404, url
    for url, data in writes(rated):
        assert client.post(url, data).status_code == 404, url
    assert Rating.objects.get(pk=rated["a"].pk).decision_status == "pending"


def test_supplier_b_cannot_open_supplier_as_ratings(client_for, supplier_a, supplier_b_user, rated):
    client = client_for(supplier_b_user)
    assert client.get(reverse("ratings:supplier", args=[supplier_a.pk])).status_code == 404
    assert client.get(reverse("ratings:supplier_panel", args=[supplier_a.pk])).status_code == 404


def test_a_viewer_reads_every_page_but_gets_403_on_every_write(client_for, viewer, supplier_a, rated):
    client = client_for(viewer)
    for url in pages(supplier_a):
        assert client.get(url).status_code == 200, url
    for url, data in writes(rated):
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("ratings:enter_score")).status_code == 403
    assert client.get(reverse("ratings:import")).status_code == 403
    assert not Job.objects.exists() and Rating.objects.get(pk=rated["a"].pk).decision_status == "pending"


@pytest.mark.parametrize("persona", ["compliance", "auditor"])
def test_only_procurement_and_administrators_decide(request, client_for, persona, rated):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(reverse("ratings:decide", args=[rated["a"].pk]), {"decision": "confirm", "reason": "x"})
    assert response.status_code == 403
    assert not TerminationCase.objects.exists()


def test_an_auditor_may_not_enter_scores_or_compute(client_for, auditor):
    client = client_for(auditor)
    assert client.get(reverse("ratings:enter_score")).status_code == 403
    assert client.post(reverse("ratings:compute"), {"quarter": "2026Q3"}).status_code == 403


# ---------------------------------------------------------------- the quarter


def test_the_overview_shows_the_grade_distribution_and_each_suppliers_rating(client_for, compliance, supplier_a, rated):
    response = client_for(compliance).get(reverse("ratings:overview"), {"quarter": "2026Q3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quarterly ratings 2026Q3" in html
    assert "Alpha Cable Co., Ltd." in html and "Beta Solder Sdn. Bhd." in html
    assert "40.50" in html and "Terminate cooperation" in html and "Awaiting procurement" in html
    counts = response.context["counts"]
    assert counts == {"A": 1, "B": 0, "C": 0, "D": 1}


def test_the_overview_defaults_to_the_latest_rated_quarter(client_for, compliance, rated):
    response = client_for(compliance).get(reverse("ratings:overview"))
    assert str(response.context["period"]) == "2026Q3"


def test_the_overview_filters_by_grade_and_decision_and_sorts(client_for, compliance, supplier_a, supplier_b, rated):
    client = client_for(compliance)
    only_d = client.get(reverse("ratings:overview"), {"quarter": "2026Q3", "grade": "D"})
    assert [r.supplier_id for r in only_d.context["page"]] == [supplier_a.pk]
    Rating.objects.filter(pk=rated["b"].pk).update(decision_status="confirmed", decided_action="increase")
    pending = client.get(reverse("ratings:overview"), {"quarter": "2026Q3", "decision": "pending"})
    assert [r.supplier_id for r in pending.context["page"]] == [supplier_a.pk]
    by_total = client.get(reverse("ratings:overview"), {"quarter": "2026Q3", "sort": "total"})
    assert [r.supplier_id for r in by_total.context["page"]] == [supplier_a.pk, supplier_b.pk]
    by_total_desc = client.get(reverse("ratings:overview"), {"quarter": "2026Q3", "sort": "-total"})
    assert [r.supplier_id for r in by_total_desc.context["page"]] == [supplier_b.pk, supplier_a.pk]


@pytest.mark.parametrize(
    "filters",
    [{}, {"grade": "D"}, {"grade": "B"}, {"decision": "pending"}, {"decision": "confirmed"}, {"esg": "none"},
     {"grade": "D", "decision": "pending"}, {"grade": "A", "esg": "none"}],
)  # fmt: skip
def test_the_overview_pages_by_the_quarters_counts_and_they_equal_the_listed_rows(client_for, compliance, rated, filters):
    Rating.objects.filter(pk=rated["b"].pk).update(decision_status="confirmed", decided_action="increase", esg_score=None)
    response = client_for(compliance).get(reverse("ratings:overview"), {"quarter": "2026Q3", **filters})
    paginator = response.context["page"].paginator
    listed = queries.quarter_ratings(
        Quarter(2026, 3), grade=filters.get("grade", ""), decision=filters.get("decision", ""), esg=filters.get("esg", "")
    )
    assert paginator.count == listed.count() == len(response.context["page"].object_list)


def test_bad_filter_values_are_ignored(client_for, compliance, rated):
    response = client_for(compliance).get(reverse("ratings:overview"), {"quarter": "2026Q3", "grade": "Z", "sort": "secret"})
    assert response.status_code == 200 and len(response.context["page"].object_list) == 2


def test_the_overview_pages_by_fifty_and_its_queries_do_not_grow_with_the_rows(
    client_for, compliance, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(compliance)
    for _n in range(5):
        make_rating(make_supplier(status="active"), grade="C", total="65")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("ratings:overview"), {"quarter": "2026Q3"})
    for _n in range(60):
        make_rating(make_supplier(status="active"), grade="B", total="80")
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("ratings:overview"), {"quarter": "2026Q3"})
    assert len(response.context["page"].object_list) == 50 and response.context["page"].paginator.num_pages == 2


def test_suppliers_missing_business_scores_are_listed(client_for, compliance, supplier_a):
    supplier_a.status = "active"
    supplier_a.save()
    response = client_for(compliance).get(reverse("ratings:overview"), {"quarter": "2026Q3"})
    assert response.context["missing_count"] == 1
    assert f"?supplier={supplier_a.code}&amp;quarter=2026Q3" in response.content.decode()


def test_procurement_computes_a_quarter_and_sees_the_progress(
    client_for, procurement, supplier_a, django_capture_on_commit_callbacks
):
    make_business_score(supplier_a, quality=95, delivery=95, cost=95, service=95)
    make_risk(supplier_a, "low")
    client = client_for(procurement)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ratings:compute"), {"quarter": "2026Q3"})
    job = Job.objects.get(kind="ratings_compute")
    assert response.status_code == 302 and response["Location"].endswith(f"?quarter=2026Q3&job={job.pk}")
    page = client.get(response["Location"])
    assert page.context["job"] == job and "Done" in page.content.decode()
    assert Rating.objects.get(supplier=supplier_a).grade == "A"


@pytest.mark.parametrize(
    ("quarter", "message"), [("2026Q7", "is not a quarter"), ("2030Q1", "2030Q1 has not started yet"), ("", "required")]
)
def test_computing_a_bad_quarter_says_why_and_starts_nothing(client_for, procurement, quarter, message):
    response = client_for(procurement).post(reverse("ratings:compute"), {"quarter": quarter})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Job.objects.exists()


# ---------------------------------------------------------------- one supplier and the decision


def test_the_supplier_page_shows_the_trend_the_reasons_and_the_decision_form(client_for, procurement, supplier_a, rated):
    response = client_for(procurement).get(reverse("ratings:supplier", args=[supplier_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<polyline" in html and "2026Q2" in html and "2026Q3" in html
    assert "Risk level: High." in html and "High risk scores -1." in html
    assert 'id="rating-decision"' in html and "Confirming ends cooperation" in html
    assert response.context["trend"] == "down"


def test_a_viewer_sees_no_decision_form(client_for, viewer, supplier_a, rated):
    html = client_for(viewer).get(reverse("ratings:supplier", args=[supplier_a.pk])).content.decode()
    assert 'id="rating-decision"' not in html


def test_an_earlier_quarter_can_be_shown(client_for, compliance, supplier_a, rated):
    response = client_for(compliance).get(reverse("ratings:supplier", args=[supplier_a.pk]), {"quarter": "2026Q2"})
    assert response.context["rating"].period == "2026Q2"


def test_procurement_confirms_a_d_with_a_reason_and_orders_stop(client_for, procurement, supplier_a, rated):
    supplier_a.status = "active"
    supplier_a.save()
    response = client_for(procurement).post(
        reverse("ratings:decide", args=[rated["a"].pk]), {"decision": "confirm", "reason": "Grade D again."}
    )
    assert response.status_code == 302
    rating = Rating.objects.get(pk=rated["a"].pk)
    assert (rating.decision_status, rating.decided_action) == ("confirmed", "terminate")
    assert not can_order(supplier_a).can_order
    assert TerminationCase.objects.get(supplier=supplier_a).source_ref == "rating:2026Q3"


def test_confirming_a_d_without_a_reason_names_the_field_and_changes_nothing(client_for, procurement, supplier_a, rated):
    response = client_for(procurement).post(reverse("ratings:decide", args=[rated["a"].pk]), {"decision": "confirm"})
    assert response.status_code == 400
    assert response.context["decision_form"].errors["reason"]
    assert Rating.objects.get(pk=rated["a"].pk).decision_status == "pending" and not TerminationCase.objects.exists()


def test_an_override_needs_an_action_and_a_reason(client_for, procurement, supplier_a, rated):
    response = client_for(procurement).post(reverse("ratings:decide", args=[rated["a"].pk]), {"decision": "override"})
    errors = response.context["decision_form"].errors
    assert response.status_code == 400 and set(errors) == {"action", "reason"}


def test_procurement_overrides_a_d_to_corrective_action(client_for, procurement, supplier_a, rated):
    client_for(procurement).post(
        reverse("ratings:decide", args=[rated["a"].pk]),
        {
            "decision": "override",
            "action": "corrective",
            "reason": "New management, plan accepted.",
            "owner": procurement.pk,
            "due_date": "2026-12-31",
        },
    )
    rating = Rating.objects.get(pk=rated["a"].pk)
    assert (rating.decision_status, rating.decided_action) == ("overridden", "corrective")
    assert AuditEvent.objects.get(action="rating.overridden").reason == "New management, plan accepted."


def test_the_supplier_panel_fragment_shows_the_latest_grade(client_for, viewer, supplier_a, rated):
    response = client_for(viewer).get(reverse("ratings:supplier_panel", args=[supplier_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="rating-panel"' in html and "grade-D" in html and "2026Q3" in html and "was B" in html


def test_the_panel_of_a_supplier_never_rated_says_so(client_for, viewer, supplier_b):
    html = client_for(viewer).get(reverse("ratings:supplier_panel", args=[supplier_b.pk])).content.decode()
    assert "Not rated yet." in html


# ---------------------------------------------------------------- business scores


def test_procurement_enters_business_scores(client_for, procurement, supplier_a):
    client = client_for(procurement)
    form = client.get(reverse("ratings:enter_score"), {"supplier": supplier_a.code, "quarter": "2026Q2"})
    assert form.context["form"].initial == {"year": 2026, "quarter": 2, "supplier": supplier_a.code}
    data = {
        "supplier": supplier_a.code.lower(),
        "year": 2026,
        "quarter": 3,
        "quality": "91",
        "delivery": "80",
        "cost": "70",
        "service": "60",
        "note": "QBR",
    }
    response = client.post(reverse("ratings:enter_score"), data)
    assert response.status_code == 302 and response["Location"] == reverse("ratings:supplier", args=[supplier_a.pk])
    assert BusinessScore.objects.get(supplier=supplier_a, year=2026, quarter=3).quality == Decimal("91.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quality": "105"}, "quality"),
        ({"cost": "abc"}, "cost"),
        ({"supplier": "NOPE"}, "supplier"),
        ({"year": "2027", "quarter": "1"}, "quarter"),
        ({"quarter": "5"}, "quarter"),
    ],
)
def test_a_bad_business_score_names_the_field_and_stores_nothing(client_for, procurement, supplier_a, changes, field):
    data = {
        "supplier": supplier_a.code,
        "year": 2026,
        "quarter": 3,
        "quality": "90",
        "delivery": "80",
        "cost": "70",
        "service": "60",
        **changes,
    }
    response = client_for(procurement).post(reverse("ratings:enter_score"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not BusinessScore.objects.exists()


def test_the_import_page_lists_every_error_and_imports_nothing(client_for, procurement, supplier_a):
    make_business_score(supplier_a, quality=11)
    upload = SimpleUploadedFile(
        "erp.csv",
        f"supplier_code,period,quality,delivery,cost,service\n{supplier_a.code},2026Q3,105,80,80,80\nX9,2026Q3,1,1,1,1\n".encode(),
    )
    response = client_for(procurement).post(reverse("ratings:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "row 2: quality 105 is outside 0-100" in html and "row 3: supplier code &quot;X9&quot; is not a known supplier" in html
    assert BusinessScore.objects.get().quality == Decimal("11.00")


def test_the_import_page_imports_a_good_file(client_for, procurement, supplier_a):
    upload = SimpleUploadedFile(
        "erp.csv", f"供应商编码,期间,质量,交付,成本,服务\n{supplier_a.code},2026Q3,90,80,70,60\n".encode()
    )
    response = client_for(procurement).post(reverse("ratings:import"), {"file": upload})
    assert response.status_code == 200 and response.context["result"].created == 1
    assert BusinessScore.objects.get().source == "import"


def test_the_import_page_refuses_a_file_of_another_type(client_for, procurement):
    upload = SimpleUploadedFile("erp.pdf", b"%PDF-1.4 x")
    response = client_for(procurement).post(reverse("ratings:import"), {"file": upload})
    assert response.status_code == 400 and response.context["form"].errors["file"]


def test_the_template_is_an_xlsx_workbook(client_for, viewer):
    response = client_for(viewer).get(reverse("ratings:import_template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Scores" in workbook.sheetnames


# ---------------------------------------------------------------- the QBR export


def test_the_qbr_export_has_a_summary_and_a_row_per_supplier_with_formulas_escaped(client_for, viewer, supplier_a, rated):
    supplier_a.legal_name = '=HYPERLINK("http://evil.example","x")'
    supplier_a.save()
    supplier_a.categories.set([make_category(name="Cables")])
    make_reported_audit(supplier_a, severities=("major", "minor"))
    response = client_for(viewer).get(reverse("ratings:export"), {"quarter": "2026Q3"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('qbr-2026Q3.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Summary", "Ratings"]
    summary = [[c for c in row] for row in workbook["Summary"].iter_rows(values_only=True)]
    assert ["A", 1, "Increase supply share"] in [list(r[:3]) for r in summary]
    assert ["D", 1, "Terminate cooperation"] in [list(r[:3]) for r in summary]
    rows = list(workbook["Ratings"].iter_rows(values_only=True))
    header = rows[0]
    record = next(dict(zip(header, row, strict=True)) for row in rows[1:] if row[0] == supplier_a.code)
    assert record["Supplier"] == supplier_a.legal_name  # a plain string cell: never run, no apostrophe
    assert record["Grade"] == "D" and record["Categories"] == "Cables"
    assert record["Previous grade"] == "B" and record["Trend"] == "worse"
    assert record["Open corrective actions"] == 2 and record["Quality"] == 80
    assert "Risk level: High." in record["ESG reasons"]
    assert len(rows) == 3


def test_a_large_quarters_qbr_is_prepared_by_the_worker_with_the_same_rows(
    client_for, viewer, rated, monkeypatch, django_capture_on_commit_callbacks
):
    from supplyesg.core import exports

    direct = client_for(viewer).get(reverse("ratings:export"), {"quarter": "2026Q3"})
    in_request = list(load_workbook(io.BytesIO(b"".join(direct.streaming_content)))["Ratings"].iter_rows(values_only=True))
    monkeypatch.setattr(exports, "IN_REQUEST_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(viewer).get(reverse("ratings:export"), {"quarter": "2026Q3"})
    job = Job.objects.get(kind=exports.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("core:export", kwargs={"pk": job.pk})
    assert (job.status, job.done, job.total, job.result["filename"]) == (Job.Status.DONE, 2, 2, "qbr-2026Q3.xlsx")
    assert "Quarterly business review 2026Q3: 2 suppliers" in client_for(viewer).get(response["Location"]).content.decode()
    file = client_for(viewer).get(reverse("core:export_file", kwargs={"pk": job.pk}))
    prepared = list(load_workbook(io.BytesIO(b"".join(file.streaming_content)))["Ratings"].iter_rows(values_only=True))
    assert prepared == in_request and len(prepared) == 3


def test_the_qbr_carries_the_latest_audit_result_and_the_self_assessment_score(client_for, viewer, supplier_a):
    """ASUS: audit and annual survey results go into the QBR that order allocation is decided on."""
    from supplyesg.assessments.models import Response
    from supplyesg.ratings.models import Rating as RatingModel
    from tests.assessments.factories_assessments import make_response

    make_rating(
        supplier_a,
        grade="C",
        total="65",
        inputs={"risk_level": "medium", "audit": {"id": 1, "level": "high", "report_date": "2026-08-03"}},
    )
    make_response(supplier_a, status=Response.Status.ACCEPTED, scores={"overall": "72.5"})
    response = client_for(viewer).get(reverse("ratings:export"), {"quarter": "2026Q3"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Ratings"].iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Latest audit result"] == "High" and record["Audit report date"] == dt.datetime(2026, 8, 3)
    assert record["Self-assessment score"] == 72.5 and record["Risk level"] == "Medium"
    assert RatingModel.objects.count() == 1


@pytest.mark.parametrize(
    ("grade", "decided", "allocation"),
    [
        ("A", "", "Increase order share"),
        ("B", "", "Keep order share"),
        ("C", "", "Decrease order share"),
        ("D", "", "No new orders"),
        ("D", "corrective", "Decrease order share"),
    ],
)
def test_asus_the_qbr_carries_the_recommended_allocation_change_per_supplier(
    client_for, viewer, supplier_a, grade, decided, allocation
):
    make_rating(supplier_a, grade=grade, total="70", decided_action=decided)
    response = client_for(viewer).get(reverse("ratings:export"), {"quarter": "2026Q3"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Ratings"].iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Recommended allocation change"] == allocation


def test_esg_manual_suppliers_without_an_esg_result_are_a_worklist_on_the_overview(client_for, viewer, supplier_a, supplier_b):
    make_rating(supplier_a, esg_score=None, esg_source="none", total="80")
    make_rating(supplier_b, esg_score=1, esg_source="audit", total="82")
    response = client_for(viewer).get(reverse("ratings:overview"), {"quarter": "2026Q3"})
    assert response.context["no_esg_count"] == 1 and "no ESG result" in response.content.decode()
    listed = client_for(viewer).get(reverse("ratings:overview"), {"quarter": "2026Q3", "esg": "none"})
    assert [r.supplier_id for r in listed.context["page"]] == [supplier_a.pk]


def test_aiko_grade_c_improvement_action_is_visible_to_the_supplier_in_the_portal_and_not_to_another(
    client_for, procurement, supplier_a, supplier_b, supplier_a_user, supplier_b_user
):
    rating = make_rating(supplier_a, grade="C", total="65")
    make_rating(supplier_b, grade="C", total="65")
    response = client_for(procurement).post(
        reverse("ratings:decide", args=[rating.pk]),
        {
            "decision": "confirm",
            "owner": procurement.pk,
            "due_date": "2026-12-31",
            "description": "Overtime records",
            "training_topic": "Working hours",
        },
    )
    assert response.status_code == 302
    page = client_for(procurement).get(response["Location"]).content.decode()
    assert 'id="improvement-action"' in page and "Overtime records" in page
    portal = client_for(supplier_a_user).get(reverse("ratings_portal:ratings")).content.decode()
    assert "Corrective action with support" in portal and "Overtime records" in portal and "Working hours" in portal
    other = client_for(supplier_b_user).get(reverse("ratings_portal:ratings")).content.decode()
    assert "Overtime records" not in other
    history = client_for(supplier_a_user).get(reverse("api:ratings_supplier_history", args=[supplier_a.pk])).json()
    assert history["items"][0]["improvement_action"]["training_topic"] == "Working hours"
    assert history["items"][0]["improvement_action"]["due_date"] == "2026-12-31"


# ---------------------------------------------------------------- the portal


def test_a_supplier_user_sees_its_own_ratings_and_reasons_but_not_the_deliberation(client_for, supplier_a_user, rated):
    response = client_for(supplier_a_user).get(reverse("ratings_portal:ratings"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2026Q3" in html and "2026Q2" in html and "grade-D" in html and "Risk level: High." in html
    assert "Terminate cooperation" not in html and "Awaiting procurement" not in html
    assert "Beta Solder" not in html


def test_supplier_b_sees_only_its_own_rating(client_for, supplier_b_user, rated):
    response = client_for(supplier_b_user).get(reverse("ratings_portal:ratings"))
    assert [row["rating"].pk for row in response.context["rows"]] == [rated["b"].pk]


@pytest.mark.parametrize("persona", ["compliance", "viewer"])
def test_internal_users_get_404_in_the_portal(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(reverse("ratings_portal:ratings")).status_code == 404


def test_a_c_or_d_grade_is_on_the_portal_home_as_something_to_do(client_for, supplier_a_user, supplier_b_user, rated):
    home_a = client_for(supplier_a_user).get(reverse("portal:home")).content.decode()
    assert "Your rating for 2026Q3 is grade D" in home_a
    home_b = client_for(supplier_b_user).get(reverse("portal:home")).content.decode()
    assert "Your rating for" not in home_b and "Quarterly rating" in home_b
