"""Own-workforce figures: entered per year (page, API, import), per-capita hours computed from them, and a figure
not entered reported as None with a flag, never as 0."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from supplyesg.reporting.models import AnnualFigures
from supplyesg.reporting.services import inputs, snapshots
from supplyesg.reporting.services.catalogue import load_catalogue

pytestmark = pytest.mark.django_db


def snapshot_figures(actor, year=2024) -> dict:
    load_catalogue(actor=actor)
    period = snapshots.create_period(actor=actor, year=year)
    return {f.code: f for f in snapshots.take_snapshot(actor=actor, period=period).figures.all()}


def test_aikos_training_hours_give_13_92_hours_per_capita(compliance):
    inputs.save_annual_figures(
        actor=compliance, year=2024, headcount=9252, training_hours=Decimal("128790.46"), satisfaction_score=Decimal("90")
    )
    got = snapshot_figures(compliance)
    # 128,790.46 h / 9,252 employees = 13.9203 -> 13.92
    assert got["KPI-WF-2"].value == "13.92"
    assert got["KPI-WF-1"].value == "128790.46"
    assert got["KPI-WF-5"].value == "90.00"
    assert got["KPI-WF-2"].flags == []


def test_a_figure_not_entered_is_none_with_a_flag_never_zero(compliance):
    inputs.save_annual_figures(actor=compliance, year=2024, training_hours=Decimal("500"), grievances_received=0)
    got = snapshot_figures(compliance)
    assert got["KPI-WF-2"].value is None
    assert got["KPI-WF-2"].flags == ["employees (headcount at year end) for 2024 has not been entered."]
    assert got["KPI-WF-3"].value is None
    assert got["KPI-WF-3"].flags == ["training person-times for 2024 has not been entered."]
    # a real zero stays a zero
    assert got["KPI-WF-6"].value == 0
    assert got["KPI-WF-6"].flags == []


def test_a_year_with_no_figures_at_all_gives_none_everywhere(compliance):
    got = snapshot_figures(compliance, year=2023)
    assert {code: got[code].value for code in ("KPI-WF-1", "KPI-WF-2", "KPI-WF-4", "KPI-WF-5")} == dict.fromkeys(
        ("KPI-WF-1", "KPI-WF-2", "KPI-WF-4", "KPI-WF-5")
    )


def test_the_form_shows_field_errors_and_saves_a_year(client_for, compliance):
    client = client_for(compliance)
    bad = client.post(
        reverse("reporting:workforce"),
        {"year": 2024, "satisfaction_score": "120", "grievances_received": 2, "grievances_resolved": 3},
    )
    assert bad.status_code == 400
    form = bad.context["form"]
    assert "satisfaction_score" in form.errors
    assert not AnnualFigures.objects.exists()
    unresolved = client.post(reverse("reporting:workforce"), {"year": 2024, "grievances_received": 2, "grievances_resolved": 3})
    assert unresolved.context["form"].errors["grievances_resolved"] == ["More grievances resolved than received."]
    ok = client.post(reverse("reporting:workforce"), {"year": 2024, "headcount": 100, "training_hours": "250.5"})
    assert ok.status_code == 302
    again = client.post(reverse("reporting:workforce"), {"year": 2024, "headcount": 120, "training_hours": "250.5"})
    assert again.status_code == 302
    assert AnnualFigures.objects.get(year=2024).headcount == 120


def test_the_viewer_reads_the_figures_but_cannot_save_and_a_supplier_user_gets_404(client_for, viewer, supplier_b_user):
    assert client_for(viewer).get(reverse("reporting:workforce")).status_code == 200
    assert client_for(viewer).post(reverse("reporting:workforce"), {"year": 2024, "headcount": 5}).status_code == 403
    assert (
        client_for(viewer).put("/api/reporting/workforce/2024", {"headcount": 5}, content_type="application/json").status_code
        == 403
    )
    assert client_for(supplier_b_user).get(reverse("reporting:workforce")).status_code == 404
    assert not AnnualFigures.objects.exists()


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Workforce"
    for row in rows:
        ws.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    return SimpleUploadedFile("workforce.xlsx", handle.getvalue())


HEADER = [
    "year",
    "headcount",
    "training_hours",
    "training_person_times",
    "satisfaction_score",
    "grievances_received",
    "grievances_resolved",
    "source",
]


def test_a_workforce_import_with_a_bad_cell_changes_nothing(compliance):
    inputs.save_annual_figures(actor=compliance, year=2024, headcount=10)
    result = inputs.import_workforce(
        xlsx([HEADER, [2025, 12.5, 100, None, 101, 3, 4, "HR"], [2024, 20, None, None, None, None, None, ""]]), actor=compliance
    )
    assert result.errors == [
        "Workforce!B2: headcount 12.5 is not a whole number",
        "Workforce!E2: satisfaction_score 101 is above 100",
        "Workforce!G2: more grievances resolved than received",
    ]
    assert list(AnnualFigures.objects.values_list("year", "headcount")) == [(2024, 10)]


def test_a_workforce_import_replaces_each_years_figures(client_for, compliance):
    inputs.save_annual_figures(actor=compliance, year=2024, headcount=10, training_hours=Decimal(5))
    upload = xlsx([HEADER, [2025, 9252, 128790.46, 21480, 90, 3, 2, "HR report"], [2024, 20, None, None, None, None, None, None]])
    response = client_for(compliance).post(reverse("reporting:workforce_import"), {"file": upload})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated) == (1, 1)
    assert AnnualFigures.objects.get(year=2025).training_hours == Decimal("128790.46")
    replaced = AnnualFigures.objects.get(year=2024)
    assert (replaced.headcount, replaced.training_hours) == (20, None)


def test_the_api_enters_and_lists_a_years_figures(client_for, compliance, viewer):
    put = client_for(compliance).put(
        "/api/reporting/workforce/2024", {"headcount": 9252, "training_hours": "128790.46"}, content_type="application/json"
    )
    assert put.status_code == 200
    listed = client_for(viewer).get("/api/reporting/workforce").json()
    assert listed[0]["year"] == 2024 and listed[0]["headcount"] == 9252 and listed[0]["satisfaction_score"] is None
    wrong = client_for(compliance).put(
        "/api/reporting/workforce/2024", {"grievances_received": 1, "grievances_resolved": 2}, content_type="application/json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["field"] == "grievances_resolved"
