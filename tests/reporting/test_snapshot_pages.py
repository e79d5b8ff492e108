"""The reporting pages of the snapshots part, the background snapshot job, the command and the API, with the
named personas: internal roles read, Cap.REVIEW changes, the viewer gets 403 on changes, supplier users 404."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from supplyesg.core.models import AuditEvent, Job
from supplyesg.reporting.models import ReportingPeriod, Snapshot
from supplyesg.reporting.services import snapshot_jobs, snapshots
from supplyesg.reporting.services.catalogue import load_catalogue
from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return load_catalogue(actor=None)


@pytest.fixture
def period(compliance, catalogue):
    return snapshots.create_period(actor=compliance, year=2026, entity="Example Solar Co., Ltd.")


@pytest.fixture
def alpha(db):
    return make_supplier(legal_name="Alpha Cable Co., Ltd.", status=Supplier.Status.ACTIVE)


def test_every_internal_role_reads_the_pages_and_the_viewer_changes_nothing(client_for, viewer, alpha, period, compliance):
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    client = client_for(viewer)
    urls = [
        reverse("reporting:home"),
        reverse("reporting:catalogue"),
        reverse("reporting:period", kwargs={"year": 2026}),
        reverse("reporting:snapshot", kwargs={"snapshot_pk": snap.pk}),
        reverse("reporting:figure", kwargs={"snapshot_pk": snap.pk, "figure_code": "KPI-SUP-1"}),
        reverse("reporting:content_index", kwargs={"snapshot_pk": snap.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    before = AuditEvent.objects.count()
    assert client.post(reverse("reporting:period", kwargs={"year": 2026}), {"entity": "X"}).status_code == 403
    assert client.post(reverse("reporting:take_snapshot", kwargs={"year": 2026})).status_code == 403
    assert client.post(reverse("reporting:publish_snapshot", kwargs={"snapshot_pk": snap.pk})).status_code == 403
    assert client.post(reverse("reporting:check_snapshot", kwargs={"snapshot_pk": snap.pk})).status_code == 403
    assert not Job.objects.filter(kind=snapshot_jobs.CHECK_JOB_KIND).exists()
    assert AuditEvent.objects.count() == before
    assert Snapshot.objects.get(pk=snap.pk).status == Snapshot.Status.DRAFT
    assert "Take a snapshot" not in client.get(urls[2]).content.decode()


def test_supplier_users_get_404_and_visitors_the_login_page(client_for, supplier_a_user, alpha, period, compliance):
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    urls = [
        reverse("reporting:period", kwargs={"year": 2026}),
        reverse("reporting:snapshot", kwargs={"snapshot_pk": snap.pk}),
        reverse("reporting:figure", kwargs={"snapshot_pk": snap.pk, "figure_code": "KPI-SUP-1"}),
        reverse("reporting:snapshot_xlsx", kwargs={"snapshot_pk": snap.pk}),
    ]
    for url in urls:
        assert client_for(supplier_a_user).get(url).status_code == 404, url
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_the_definitions_form_changes_them_through_the_audited_service(client_for, compliance, period):
    url = reverse("reporting:period", kwargs={"year": 2026})
    data = {
        "entity": "Example Solar Co., Ltd.",
        "new_supplier_basis": "created",
        "screening_sources": ["audit", "questionnaire"],
        "impact_sources": ["grade_d"],
        "impact_min_severity": "priority",
        "termination_reasons": ["rating"],
        "standard_payment_days": "45",
        "late_payment_proceedings": "2",
    }
    response = client_for(compliance).post(url, data)
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.impact_sources, period.standard_payment_days, period.termination_reasons) == (["grade_d"], 45, ["rating"])
    event = AuditEvent.objects.filter(action="reporting.definitions_changed").get()
    assert event.changes["standard_payment_days"] == [60, 45]
    assert event.changes["impact_sources"] == [["finding", "risk_high"], ["grade_d"]]

    refused = client_for(compliance).post(url, {**data, "standard_payment_days": "400"})
    assert refused.status_code == 400
    assert "standard_payment_days" in refused.context["form"].errors
    period.refresh_from_db()
    assert period.standard_payment_days == 45


def test_taking_a_snapshot_runs_as_a_job_whose_progress_the_page_shows(
    client_for, compliance, alpha, period, django_capture_on_commit_callbacks
):
    make_supplier(legal_name="Beta Solder Sdn. Bhd.", status=Supplier.Status.ACTIVE, country="MY")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(compliance).post(
            reverse("reporting:take_snapshot", kwargs={"year": 2026}), {"countries": "my", "note": "Malaysia only"}
        )
    assert response.status_code == 302
    job = Job.objects.get(kind=snapshot_jobs.JOB_KIND)
    snap = Snapshot.objects.get(period=period)
    # One step per line item computed and one per figure read back and hashed; the MY filter leaves Beta only.
    items = snap.figures.count()
    assert (job.status, job.done, job.total, job.result["snapshot_id"]) == (Job.Status.DONE, 2 * items, 2 * items, snap.pk)
    assert snap.hash_matches is True and snap.hash_checked_at is not None
    assert snap.filters == {"countries": ["MY"]} and snap.note == "Malaysia only"
    assert snap.figures.get(code="KPI-SUP-1").value == 1
    page = client_for(compliance).get(reverse("reporting:period", kwargs={"year": 2026})).content.decode()
    assert f'id="job-{job.pk}"' in page and job.result["next_url"] in page

    bad = client_for(compliance).post(reverse("reporting:take_snapshot", kwargs={"year": 2026}), {"countries": "Malaysia"})
    assert bad.status_code == 400
    assert "Not a two-letter country code: MALAYSIA" in bad.content.decode()
    assert Snapshot.objects.filter(period=period).count() == 1


def test_a_second_snapshot_job_of_the_same_period_is_refused_while_one_runs(compliance, period):
    job = Job.objects.create(kind=snapshot_jobs.JOB_KIND, status=Job.Status.RUNNING, result={"period_id": period.pk})
    with pytest.raises(Exception, match="is being taken"):
        snapshot_jobs.start_snapshot(actor=compliance, period=period)
    assert Job.objects.filter(kind=snapshot_jobs.JOB_KIND).get() == job


def test_the_snapshot_page_shows_figures_hash_and_last_years_published_value(client_for, compliance, catalogue):
    make_supplier(legal_name="Alpha Cable Co., Ltd.", status=Supplier.Status.ACTIVE)
    last = snapshots.create_period(actor=compliance, year=2025)
    published = snapshots.take_snapshot(actor=compliance, period=last)  # 1 approved supplier
    snapshots.publish_snapshot(actor=compliance, snapshot=published)
    make_supplier(legal_name="Beta Solder Sdn. Bhd.", status=Supplier.Status.ACTIVE)
    snapshots.take_snapshot(actor=compliance, period=last)  # a later draft of 2025 counts 2: not the one compared
    make_supplier(legal_name="Gamma Copper Ltd.", status=Supplier.Status.QUALIFIED)
    current = snapshots.take_snapshot(actor=compliance, period=snapshots.create_period(actor=compliance, year=2026))

    response = client_for(compliance).get(reverse("reporting:snapshot", kwargs={"snapshot_pk": current.pk}))
    row = response.content.decode().split('id="figure-kpi-sup-1"')[1].split("</tr>")[0]
    assert '<td class="value">3</td>' in row  # Alpha, Beta, Gamma are approved now
    assert '<td class="previous">1</td>' in row  # 2025's published snapshot, not its later draft (2)
    assert current.figures_hash in response.content.decode()
    assert "the stored figures matched their hash" in response.content.decode()


def test_publishing_is_a_job_that_hashes_the_figures_again_under_the_lock(
    client_for, compliance, alpha, period, django_capture_on_commit_callbacks
):
    current = snapshots.take_snapshot(actor=compliance, period=period)
    url = reverse("reporting:publish_snapshot", kwargs={"snapshot_pk": current.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(compliance).post(url)
    assert response.status_code == 302 and response["Location"].endswith("#check-job")
    job = Job.objects.get(kind=snapshot_jobs.CHECK_JOB_KIND)
    figures = current.figures.count()
    assert (job.status, job.done, job.total, job.result["publish"], job.result["matches"]) == (
        Job.Status.DONE, figures, figures, True, True
    )  # fmt: skip
    current.refresh_from_db()
    assert current.status == Snapshot.Status.PUBLISHED and current.hash_matches is True
    assert current.hash_checked_at == current.published_at
    page = client_for(compliance).get(reverse("reporting:snapshot", kwargs={"snapshot_pk": current.pk})).content.decode()
    assert f'id="job-{job.pk}"' in page and "the snapshot is published" in page
    again = client_for(compliance).post(url)
    assert again.status_code == 409 and "published already" in again.content.decode()
    assert Job.objects.filter(kind=snapshot_jobs.CHECK_JOB_KIND).count() == 1


def test_checking_the_hash_again_records_a_tampered_figure_and_publishing_then_fails(
    client_for, compliance, alpha, period, django_capture_on_commit_callbacks
):
    current = snapshots.take_snapshot(actor=compliance, period=period)
    checked_at = current.hash_checked_at
    figure = current.figures.get(code="KPI-SUP-1")
    figure.value = 99
    figure.save()  # altered behind the product's back
    page_url = reverse("reporting:snapshot", kwargs={"snapshot_pk": current.pk})
    assert "the stored figures matched their hash" in client_for(compliance).get(page_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(compliance).post(reverse("reporting:check_snapshot", kwargs={"snapshot_pk": current.pk}))
    assert response.status_code == 302
    job = Job.objects.get(kind=snapshot_jobs.CHECK_JOB_KIND)
    assert (job.status, job.result["matches"], job.message) == (
        Job.Status.FAILED, False, "The figures no longer match their hash."
    )  # fmt: skip
    current.refresh_from_db()
    assert current.hash_matches is False and current.hash_checked_at > checked_at
    event = AuditEvent.objects.filter(action="reporting.snapshot_checked").get()
    assert event.changes == {"hash": current.figures_hash, "matches": False} and event.actor == compliance
    page = client_for(compliance).get(page_url).content.decode()
    assert "the stored figures no longer matched their hash" in page

    with django_capture_on_commit_callbacks(execute=True):
        client_for(compliance).post(reverse("reporting:publish_snapshot", kwargs={"snapshot_pk": current.pk}))
    publish = Job.objects.filter(kind=snapshot_jobs.CHECK_JOB_KIND).order_by("-pk").first()
    assert publish.status == Job.Status.FAILED and "no longer match their hash" in publish.message
    current.refresh_from_db()
    assert current.status == Snapshot.Status.DRAFT and current.hash_matches is False
    assert AuditEvent.objects.filter(action="reporting.snapshot_checked").count() == 2


def test_a_second_check_of_the_same_snapshot_is_refused_while_one_runs(client_for, compliance, alpha, period):
    current = snapshots.take_snapshot(actor=compliance, period=period)
    Job.objects.create(kind=snapshot_jobs.CHECK_JOB_KIND, status=Job.Status.RUNNING, result={"snapshot_id": current.pk})
    response = client_for(compliance).post(reverse("reporting:check_snapshot", kwargs={"snapshot_pk": current.pk}))
    assert response.status_code == 409 and "is being checked" in response.content.decode()
    assert "Not checked" in response.content.decode()
    assert Job.objects.filter(kind=snapshot_jobs.CHECK_JOB_KIND).count() == 1


def test_the_snapshot_page_shows_chinese_titles_in_chinese(client_for, compliance, alpha, period):
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    client = client_for(compliance)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("reporting:snapshot", kwargs={"snapshot_pk": snap.pk})).content.decode()
    assert "合格供应商名录中的供应商数量" in page
    assert "Suppliers on the approved list" not in page


def test_a_figures_rows_keep_their_frozen_cells_and_link_to_objects_that_still_exist(client_for, compliance, alpha, period):
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    alpha.legal_name = "Alpha Cable Renamed"
    alpha.save()
    url = reverse("reporting:figure", kwargs={"snapshot_pk": snap.pk, "figure_code": "KPI-SUP-1"})
    page = client_for(compliance).get(url).content.decode()
    assert "Alpha Cable Co., Ltd." in page and "Alpha Cable Renamed" not in page
    assert reverse("suppliers:detail", kwargs={"pk": alpha.pk}) in page

    from supplyesg.reporting.models import SnapshotRow

    figure = snap.figures.get(code="KPI-SUP-1")
    gone = {"kind": "suppliers.supplier", "pk": 987654, "cells": ["T999", "Gone Ltd.", 1, "CN"]}
    SnapshotRow.objects.create(figure=figure, position=figure.row_count, data=gone)
    figure.row_count += 1
    figure.save()
    page = client_for(compliance).get(url).content.decode()
    assert "Gone Ltd." in page and "/suppliers/987654/" not in page and "not available" in page


def test_a_figures_rows_are_paginated(client_for, compliance, period):
    for n in range(55):
        make_supplier(legal_name=f"Supplier {n:02d}", status=Supplier.Status.ACTIVE)
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    url = reverse("reporting:figure", kwargs={"snapshot_pk": snap.pk, "figure_code": "KPI-SUP-1"})
    first = client_for(compliance).get(url)
    second = client_for(compliance).get(url + "?page=2")
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 5  # 55 approved suppliers, 50 a page


def test_the_command_takes_and_publishes_a_snapshot(compliance, alpha, period, capsys):
    call_command("take_report_snapshot", "--year", "2026", "--publish")
    snap = Snapshot.objects.get(period=period)
    assert snap.status == Snapshot.Status.PUBLISHED and snap.figures.get(code="KPI-SUP-1").value == 1
    assert snap.figures_hash in capsys.readouterr().out
    with pytest.raises(Exception, match="no reporting period for 2031"):
        call_command("take_report_snapshot", "--year", "2031")


def test_the_api_lists_snapshots_and_reads_figures_and_their_rows(client_for, compliance, supplier_a_user, alpha, period):
    make_supplier(legal_name="Beta Solder Sdn. Bhd.", status=Supplier.Status.ACTIVE)
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    client = client_for(compliance)
    listing = client.get("/api/reporting/snapshots?year=2026").json()
    assert [s["id"] for s in listing["items"]] == [snap.pk]
    detail = client.get(f"/api/reporting/snapshots/{snap.pk}").json()
    assert detail["verified"] is True
    by_code = {f["code"]: (f["value"], f["row_count"]) for f in detail["figures"]}
    assert by_code["KPI-SUP-1"] == (2, 2)
    assert len(by_code) == snap.figures.count()  # every line item of the catalogue
    rows = client.get(f"/api/reporting/snapshots/{snap.pk}/figures/KPI-SUP-1/rows?limit=1&offset=1").json()
    assert (rows["count"], len(rows["items"]), rows["items"][0]["cells"][1]) == (2, 1, "Beta Solder Sdn. Bhd.")
    assert client_for(supplier_a_user).get(f"/api/reporting/snapshots/{snap.pk}").status_code == 404
    assert client.get(f"/api/reporting/snapshots/{snap.pk}/figures/NOPE/rows").status_code == 404
    assert ReportingPeriod.objects.count() == 1


def test_a_figures_page_and_the_api_read_only_the_rows_they_show(client_for, compliance, period, django_assert_max_num_queries):
    from supplyesg.reporting.models import SnapshotFigure, SnapshotRow

    snap = snapshots.take_snapshot(actor=compliance, period=period)
    figure = snap.figures.get(code="KPI-SUP-1")
    rows = [{"kind": "x.none", "pk": n, "cells": [f"T{n:04d}", f"Row {n}", 1, "CN"]} for n in range(120)]
    figure.frozen_rows.all().delete()
    SnapshotRow.objects.bulk_create(SnapshotRow(figure=figure, position=n, data=row) for n, row in enumerate(rows))
    SnapshotFigure.objects.filter(pk=figure.pk).update(row_count=len(rows))
    url = reverse("reporting:figure", kwargs={"snapshot_pk": snap.pk, "figure_code": "KPI-SUP-1"})
    client = client_for(compliance)
    with django_assert_max_num_queries(12):
        last = client.get(url, {"page": 3}).content.decode()
    assert "Row 100" in last and "Row 119" in last and "Row 99<" not in last and "Page 3 of 3" in last
    first = client.get(url).content.decode()
    assert "Row 0<" in first and "Row 49<" in first and "Row 50<" not in first and "120 records" in first

    api_url = reverse("api:reporting_figure_rows", kwargs={"snapshot_id": snap.pk, "figure_code": "KPI-SUP-1"})
    api = client.get(api_url, {"offset": 115, "limit": 10}).json()
    assert api["count"] == 120 and [item["cells"][1] for item in api["items"]] == [f"Row {n}" for n in range(115, 120)]
    assert snapshots.FrozenRows(SnapshotFigure.objects.get(pk=figure.pk))[-1]["cells"][1] == "Row 119"
