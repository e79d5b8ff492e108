"""Last year's demo CMRT and EMRT campaigns (`supplyesg load_demo_minerals`): files written by our own writer into
the blank RMI templates, checked and accepted through the services, so the outputs show something on a fresh install."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from supplyesg.core.models import AuditEvent
from supplyesg.minerals import demo, services, workbooks
from supplyesg.minerals.campaigns.models import Campaign, Submission
from supplyesg.minerals.cmrt import check_file
from tests.minerals.conftest import fixture_file


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def blanks(settings):
    settings.SUPPLYESG_CMRT_TEMPLATE = fixture_file("RMI_CMRT_6.5.xlsx")
    settings.SUPPLYESG_EMRT_TEMPLATE = fixture_file("RMI_EMRT_2.1.xlsx")
    services.load_smelter_list(fixture_file("RMI_CMRT_6.5.xlsx"))
    services.load_smelter_list(fixture_file("RMI_EMRT_2.1.xlsx"))


def test_it_asks_for_the_demo_suppliers_first(db, settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="load_demo"):
        run("load_demo_minerals")
    assert not Campaign.objects.exists()


def test_without_a_blank_template_it_says_why_and_loads_nothing(db, settings):
    settings.DEMO_MODE = True
    settings.SUPPLYESG_CMRT_TEMPLATE = settings.SUPPLYESG_EMRT_TEMPLATE = None
    run("load_demo")

    output = run("load_demo_minerals")

    assert "skipped" in output and "CMRT_TEMPLATE_PATH" in output
    assert not Campaign.objects.exists()


def test_last_years_campaigns_hold_accepted_files_our_checker_finds_valid(
    db, settings, blanks, client_for, compliance, monkeypatch
):
    monkeypatch.setattr(demo, "MAX_FILES", {"CMRT": 4, "EMRT": 3})
    settings.DEMO_MODE = True
    run("load_demo")
    last_year = timezone.localdate().year - 1

    output = run("load_demo_minerals")

    assert "Demo minerals campaigns loaded" in output
    cmrt, emrt = Campaign.objects.get(template="CMRT", reporting_year=last_year), Campaign.objects.get(template="EMRT")
    for campaign in (cmrt, emrt):
        assert campaign.reporting_year == last_year and campaign.status == Campaign.Status.CLOSED
        assert campaign.due_date < timezone.localdate()
    accepted = Submission.objects.filter(status=Submission.Status.ACCEPTED)
    assert accepted.filter(request__campaign=cmrt).exists() and accepted.filter(request__campaign=emrt).exists()
    one = accepted.filter(request__campaign=cmrt).select_related("request__supplier").first()
    assert one.company_name == one.request.supplier.legal_name
    result = check_file(workbooks.submission_bytes(one), reference=services.check_reference(), filename="x.xlsx")
    assert result.valid and result.declaration.template == "CMRT"
    assert one.smelter_rows.exclude(cid="").exists()

    dashboard = client_for(compliance).get(reverse("minerals:dashboard"), {"year": last_year, "template": "CMRT"})
    figures = dashboard.context["figures"]
    assert dashboard.status_code == 200
    assert figures.requested == cmrt.requests.count() and figures.received >= 1

    exported = run(
        "cmrt_export",
        year=last_year,
        template="CMRT",
        blank=str(fixture_file("RMI_CMRT_6.5.xlsx")),
        out=str(settings.MEDIA_ROOT) + "/ours.xlsx",
    )
    assert "company CMRT" in exported

    before = AuditEvent.objects.count()
    assert "already loaded" in run("load_demo_minerals")
    assert AuditEvent.objects.count() == before


def test_this_years_open_campaign_has_files_waiting_for_review(db, settings, blanks, client_for, compliance, monkeypatch):
    monkeypatch.setattr(demo, "MAX_FILES", {"CMRT": 2, "EMRT": 1})
    monkeypatch.setattr(demo, "WAITING_FILES", 5)
    settings.DEMO_MODE = True
    run("load_demo")

    output = run("load_demo_minerals")

    this_year = timezone.localdate().year
    campaign = Campaign.objects.get(template="CMRT", reporting_year=this_year)
    assert campaign.status == Campaign.Status.OPEN and campaign.due_date > timezone.localdate()
    files = Submission.objects.filter(request__campaign=campaign)
    assert files.count() == 5 and not files.filter(status=Submission.Status.ACCEPTED).exists()
    waiting = files.filter(status=Submission.Status.VALID)
    assert waiting.exists()
    counts = {"awaiting_review": waiting.count(), "with_errors": files.filter(status=Submission.Status.INVALID).count()}
    assert f"{counts['awaiting_review']} awaiting review, {counts['with_errors']} with errors" in output
    for submission in files:  # signed recently, by the supplier it is filed under
        assert submission.effective_date <= timezone.localdate()
        assert submission.company_name == submission.request.supplier.legal_name

    # The review desk offers them for acceptance in one go.
    url = reverse("minerals:campaign_detail", args=[campaign.pk])
    page = client_for(compliance).get(url, {"status": "received_valid"})
    assert page.status_code == 200
    assert page.content.decode().count('name="ids"') == waiting.count()
