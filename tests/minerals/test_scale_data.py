"""The minerals part of `supplyesg generate_scale_data` at a tiny size: the year's declarations written by our writer,
imported through the submission service, spread over the generated suppliers, and on the stored dashboard."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from supplyesg.core.scale import scale_generators
from supplyesg.minerals import workbooks
from supplyesg.minerals.aggregation import stored_figures
from supplyesg.minerals.aggregation.stored import stored_snapshot
from supplyesg.minerals.models import Campaign, StoredWorkbook, Submission, SubmissionRequest, SubmissionSmelter
from supplyesg.minerals.scale import PLACEHOLDER, with_company_name
from supplyesg.suppliers.models import Supplier
from tests.minerals.conftest import fixture_file

SUPPLIERS, SUBMISSIONS = 30, 12


def generate(hour: int) -> str:
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 10, 5, hour, tzinfo=dt.UTC), tick=False):
        call_command("generate_scale_data", suppliers=SUPPLIERS, submissions=SUBMISSIONS, year=2026, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.SUPPLYESG_CMRT_TEMPLATE = fixture_file("RMI_CMRT_6.5.xlsx")
    settings.SUPPLYESG_EMRT_TEMPLATE = fixture_file("RMI_EMRT_2.1.xlsx")
    return generate(9)


def declarations(template: str):
    return Submission.objects.filter(request__campaign__reporting_year=2026, request__campaign__template=template)


def test_minerals_comes_after_ratings_in_the_scale_generators():
    keys = [key for key, _fn in scale_generators()]
    assert keys.index("minerals") == keys.index("ratings") + 1


def test_the_years_declarations_are_imported_one_per_approved_supplier_shown_on_the_dashboard_and_not_twice(generated):
    assert declarations("CMRT").count() == SUBMISSIONS
    assert declarations("EMRT").count() == round(SUBMISSIONS * 0.2)
    cmrt = list(declarations("CMRT").select_related("request__supplier", "workbook"))
    assert len({s.request.supplier_id for s in cmrt}) == SUBMISSIONS
    assert all(s.request.supplier.status in Supplier.APPROVED_STATUSES for s in cmrt)
    assert all(s.company_name == s.request.supplier.legal_name for s in cmrt)
    assert SubmissionSmelter.objects.filter(submission__in=cmrt).exists()
    assert "minerals: CMRT: 12/12 declarations stored" in generated
    # The campaign asked every approved supplier; only the declaring ones have answered.
    campaign = Campaign.objects.get(name="Scale CMRT 2026")
    assert campaign.status == Campaign.Status.OPEN
    requests = SubmissionRequest.objects.filter(campaign=campaign)
    assert requests.count() == Supplier.objects.filter(code__startswith="SC2026-").approved().count() > SUBMISSIONS
    assert requests.filter(status=SubmissionRequest.Status.REQUESTED).count() == requests.count() - SUBMISSIONS
    # Statuses are what the checker and the review decided.
    for submission in cmrt:
        if submission.valid:
            assert submission.request.status in ("accepted", "received_valid")
        else:
            assert submission.request.status == "received_errors" and submission.error_count > 0
    assert "accepted" in {s.request.status for s in cmrt}
    # Every file is kept in the workbook store (the company name makes each distinct) and rebuilds exactly.
    assert StoredWorkbook.objects.count() == Submission.objects.count()
    assert all(s.workbook is not None for s in cmrt)
    assert PLACEHOLDER.encode() not in workbooks.workbook_bytes(cmrt[0].workbook)

    # The stored dashboard shows them, and a second run adds nothing (one test: generating is the slow part).
    figures = stored_figures(stored_snapshot(2026, "CMRT"))
    assert figures.received == SUBMISSIONS
    assert figures.accepted == declarations("CMRT").filter(request__status="accepted").count() > 0
    assert figures.smelters
    before = Submission.objects.count(), SubmissionRequest.objects.count(), Campaign.objects.count()

    output = generate(10)

    assert (Submission.objects.count(), SubmissionRequest.objects.count(), Campaign.objects.count()) == before
    assert "CMRT declarations of 2026 already exist; skipped" in output


def test_the_company_name_is_put_in_with_special_characters_kept(db):
    from supplyesg.minerals.cmrt.reader import read_workbook
    from supplyesg.minerals.cmrt.writer import CompanyData, write_declaration

    blank = fixture_file("RMI_CMRT_6.5.xlsx")
    data = write_declaration(blank, CompanyData(company_name=PLACEHOLDER, answers={}))
    renamed = with_company_name(data, "Wu & Sons <Metals> Co., Ltd.")
    assert read_workbook(renamed, filename="x.xlsx").company.name == "Wu & Sons <Metals> Co., Ltd."
