"""The minerals dashboard reads stored figures that the services keep up to date, and pages and filters red flags."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supplyesg.minerals import aggregation
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import DashboardSnapshot, RiskCountry, Submission
from tests.factories import make_supplier

from .factories_minerals import cmrt_answers, make_campaign, make_request, make_risk_country, make_smelter, make_submission

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("minerals:dashboard")
CONGO_TIN = ("Tin", "CID004065", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE")
UNKNOWN_GOLD = ("Gold", "", "Nowhere Gold Refinery", "CHINA")


@pytest.fixture
def campaign(db):
    campaign = make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin", "Gold"])
    make_smelter("CID004065", "Tin", "Mining Minerals Resources SARL", CONGO_TIN[3], "CD")
    make_risk_country("CD", RiskCountry.Kind.COVERED)
    return campaign


def _flagged(campaign, name, *, country="CN", smelters=(CONGO_TIN,), status=Submission.Status.ACCEPTED):
    supplier = make_supplier(legal_name=name, country=country)
    return make_submission(
        make_request(campaign, supplier), status=status, smelters=smelters, minerals=cmrt_answers(("Tin",))
    )


def _page(client, **params):
    response = client.get(DASHBOARD, {"year": 2025, "template": "CMRT", **params})
    assert response.status_code == 200
    return response


def _names(response):
    return [entry.supplier_name for entry in response.context["red_flags"].object_list]


def test_accepting_a_declaration_updates_the_stored_figures_the_dashboard_shows(
    client_for, compliance, campaign, django_capture_on_commit_callbacks
):
    waiting = _flagged(campaign, "Waiting Tin Ltd.", status=Submission.Status.VALID)
    before = _page(client_for(compliance))
    assert before.context["figures"].accepted == 0

    with django_capture_on_commit_callbacks(execute=True):
        campaigns.accept_submission(waiting, actor=compliance)

    after = _page(client_for(compliance))
    assert after.context["figures"].accepted == 1
    assert [s.cid for s in after.context["figures"].smelters] == ["CID004065"]
    assert "Waiting Tin Ltd." in _names(after)
    assert not DashboardSnapshot.objects.get(year=2025, template="CMRT").stale


def test_returning_a_declaration_updates_the_figures(
    client_for, compliance, campaign, django_capture_on_commit_callbacks
):
    sent = _flagged(campaign, "Returned Tin Ltd.", status=Submission.Status.VALID)
    assert "smelters in covered countries (1)" in _page(client_for(compliance)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        campaigns.return_submission(sent, actor=compliance, comment="Name the smelter's country.")

    page = _page(client_for(compliance))
    assert page.context["figures"].by_status[5][2] == 1  # one request returned
    assert "Returned Tin Ltd." in _names(page)  # its latest file still has the covered-country smelter


def test_the_page_says_when_its_figures_are_being_updated(client_for, compliance, campaign):
    _flagged(campaign, "Stale Tin Ltd.")
    _page(client_for(compliance))
    DashboardSnapshot.objects.filter(year=2025).update(stale=True)  # what a queued, not yet run refresh leaves

    assert "newer declarations are being added" in _page(client_for(compliance)).content.decode()


def test_red_flags_come_fifty_to_a_page_in_name_order(client_for, compliance, campaign):
    for i in range(53):
        _flagged(campaign, f"Flagged {i:02d} Ltd.")
    first = _page(client_for(compliance))
    second = _page(client_for(compliance), page=2)

    assert _names(first) == [f"Flagged {i:02d} Ltd." for i in range(50)]
    assert _names(second) == ["Flagged 50 Ltd.", "Flagged 51 Ltd.", "Flagged 52 Ltd."]
    assert "Page 1 of 2" in first.content.decode()


def test_red_flags_filter_by_kind_metal_supplier_and_country(client_for, compliance, campaign):
    _flagged(campaign, "Congo Tin Ltd.", country="CN")
    _flagged(campaign, "Unknown Gold Sdn. Bhd.", country="MY", smelters=(UNKNOWN_GOLD,))
    make_request(campaign, make_supplier(legal_name="Silent Ltd.", country="VN"), status="requested")
    client = client_for(compliance)

    assert _names(_page(client, kind="covered_smelters")) == ["Congo Tin Ltd."]
    assert _names(_page(client, kind="unidentified")) == ["Unknown Gold Sdn. Bhd."]
    assert _names(_page(client, kind="no_declaration")) == ["Silent Ltd."]
    assert _names(_page(client, metal="Gold")) == ["Silent Ltd.", "Unknown Gold Sdn. Bhd."]
    assert _names(_page(client, supplier="congo")) == ["Congo Tin Ltd."]
    assert _names(_page(client, country="MY")) == ["Unknown Gold Sdn. Bhd."]
    empty = _page(client, country="MY", kind="covered_smelters")
    assert "No supplier has a red flag matching these filters." in empty.content.decode()


def test_the_dashboard_runs_the_same_queries_for_five_or_eighty_flagged_suppliers(client_for, compliance, campaign):
    def count():
        client = client_for(compliance)
        _page(client)  # the first view of a year stores its snapshot
        with CaptureQueriesContext(connection) as captured:
            _page(client, page=2)
        return len(captured)

    for i in range(5):
        _flagged(campaign, f"Few {i} Ltd.")
    few = count()
    for i in range(75):
        _flagged(campaign, f"Many {i} Ltd.")
    aggregation.refresh_dashboard(2025, "CMRT")
    assert count() == few


def test_a_bulk_import_refreshes_the_figures_once_at_the_end(compliance, campaign, django_capture_on_commit_callbacks):
    aggregation.refresh_dashboard(2025, "CMRT")
    waiting = [_flagged(campaign, f"Bulk {i} Ltd.", status=Submission.Status.VALID) for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with aggregation.figures_deferred():
            for submission in waiting:
                campaigns.accept_submission(submission, actor=compliance)

    refreshes = [c for c in callbacks if "figures_changed" in c.__qualname__]
    assert len(refreshes) == 1  # one refresh of 2025 CMRT, not one per file
    assert DashboardSnapshot.objects.get(year=2025, template="CMRT").figures["counts"]["accepted"] == 3


def test_the_red_flag_count_and_countries_are_kept_with_the_figures_and_read_without_counting(
    client_for, compliance, campaign
):
    for i in range(3):
        _flagged(campaign, f"Kept {i} Ltd.", country="MY" if i else "CN")
    client = client_for(compliance)
    _page(client)  # stores the snapshot
    kept = DashboardSnapshot.objects.get(year=2025, template="CMRT").figures["red_flags"]
    assert kept == {"count": 3, "countries": ["CN", "MY"]}

    with CaptureQueriesContext(connection) as captured:
        page = _page(client)
    flag_queries = [q["sql"] for q in captured if "minerals_supplierredflags" in q["sql"]]
    assert len(flag_queries) == 1 and "COUNT(" not in flag_queries[0]  # one page of rows, no count, no DISTINCT
    assert page.context["red_flags"].paginator.count == 3
    assert [value for value, _label in page.context["form"].fields["country"].choices] == ["", "CN", "MY"]
    assert _page(client, country="MY").context["red_flags"].paginator.count == 2  # a filter counts its rows


def test_a_snapshot_stored_before_the_count_was_kept_still_shows_its_red_flags(client_for, compliance, campaign):
    for i in range(2):
        _flagged(campaign, f"Older {i} Ltd.", country="VN")
    client = client_for(compliance)
    _page(client)
    snapshot = DashboardSnapshot.objects.get(year=2025, template="CMRT")
    del snapshot.figures["red_flags"]
    snapshot.save(update_fields=["figures"])

    page = _page(client)
    assert page.context["red_flags"].paginator.count == 2
    assert [value for value, _label in page.context["form"].fields["country"].choices] == ["", "VN"]


def test_a_refresh_rewrites_only_the_red_flags_that_changed(compliance, campaign, django_capture_on_commit_callbacks):
    kept = _flagged(campaign, "Kept Tin Ltd.")
    _flagged(campaign, "Also Kept Tin Ltd.")
    waiting = _flagged(campaign, "Waiting Gold Ltd.", status=Submission.Status.VALID, smelters=(UNKNOWN_GOLD,))
    snapshot = aggregation.refresh_dashboard(2025, "CMRT")
    before = dict(snapshot.red_flags.values_list("supplier_name", "pk"))

    aggregation.refresh_dashboard(2025, "CMRT")  # nothing changed: every row stays as it was
    assert dict(snapshot.red_flags.values_list("supplier_name", "pk")) == before

    with django_capture_on_commit_callbacks(execute=True):
        campaigns.return_submission(waiting, actor=compliance, comment="Name the refinery's country.")
    Submission.objects.filter(pk=kept.pk).delete()  # no declaration any more: its flag kind changes
    aggregation.refresh_dashboard(2025, "CMRT")
    after = dict(snapshot.red_flags.values_list("supplier_name", "pk"))
    assert after["Also Kept Tin Ltd."] == before["Also Kept Tin Ltd."]
    assert after["Kept Tin Ltd."] != before["Kept Tin Ltd."]
    kept_flags = snapshot.red_flags.get(supplier_name="Kept Tin Ltd.").codes
    assert kept_flags == ",no_declaration,"
    assert set(after) == {"Kept Tin Ltd.", "Also Kept Tin Ltd.", "Waiting Gold Ltd."}


def _json(value):
    import json
    from dataclasses import asdict

    return json.loads(json.dumps(asdict(value)))


def test_the_declaration_and_smelter_list_read_the_stored_figures_when_up_to_date_and_compute_them_when_not(
    client_for, compliance, campaign
):
    """The company's own declaration proposes its answers, and the company smelter list lists its smelters, from
    what the worker stored with the year's figures, equal to computing them now; while a change waits for the
    refresh they are computed now, so an accepted declaration shows at once."""
    from supplyesg.minerals.declaration import derive

    _flagged(campaign, "Counted Tin Ltd.")
    _flagged(campaign, "Unknown Gold Ltd.", smelters=(UNKNOWN_GOLD,))
    aggregation.refresh_dashboard(2025, "CMRT")
    kept = aggregation.stored_derived(2025, "CMRT")
    assert kept is not None and kept["smelters"] and kept["unresolved"]
    assert _json(derive.derived_answers(2025, "CMRT")) == _json(derive.derive_answers(2025, "CMRT"))

    client = client_for(compliance)
    smelters_url = reverse("minerals:company_smelters")
    with CaptureQueriesContext(connection) as stored_read:
        page = client.get(smelters_url, {"year": 2025, "template": "CMRT"})
    assert [s.cid for s in page.context["smelters"]] == ["CID004065"]
    assert [u.name for u in page.context["unresolved"]] == ["Nowhere Gold Refinery"]
    assert not any("minerals_submissionsmelter" in q["sql"] for q in stored_read.captured_queries)

    make_smelter("CID000001", "Tin", "Second Tin Smelter", "CHINA", "CN")
    second_tin = ("Tin", "CID000001", "Second Tin Smelter", "CHINA")
    waiting = _flagged(campaign, "New Tin Ltd.", status=Submission.Status.VALID, smelters=(second_tin,))
    campaigns.accept_submission(waiting, actor=compliance)  # on-commit refresh not run: the figures are stale
    assert aggregation.stored_derived(2025, "CMRT") is None
    live = derive.derive_answers(2025, "CMRT")
    assert {s.cid for s in live.smelters} == {"CID004065", "CID000001"}
    assert _json(derive.derived_answers(2025, "CMRT")) == _json(live)
    page = client.get(smelters_url, {"year": 2025, "template": "CMRT"})
    assert {s.cid for s in page.context["smelters"]} == {"CID004065", "CID000001"}
    declaration_page = client.get(reverse("minerals:declaration", kwargs={"year": 2025, "template": "CMRT"}))
    assert declaration_page.status_code == 200
