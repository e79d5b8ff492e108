"""Audit pages with the named personas: who may open what, and what a planner or auditor sees and does."""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from python_calamine import CalamineWorkbook

from supplyesg.audits.models import Audit, AuditFile, ChecklistItem, CorrectiveAction, Finding
from supplyesg.core.models import AuditEvent
from tests.assessments.factories_assessments import make_requirement
from tests.audits.factories_audits import make_audit, make_reported_audit
from tests.factories import PDF_BYTES, make_supplier, pdf_upload

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-03-20 10:00:00+08:00", tick=False)


def attach(audit, name="evidence.pdf", **kwargs) -> AuditFile:
    evidence = AuditFile(audit=audit, original_name=name, **kwargs)
    evidence.file.save(name, ContentFile(PDF_BYTES), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def world(supplier_a, supplier_b):
    requirement = make_requirement(code="RBA-A3", risk_category="labour", title="Working hours", title_zh="工作时间")
    make_requirement(code="RBA-C1", risk_category="environment", pillar="E", title="Permits")
    reported = make_reported_audit(supplier_a, report_date=date(2026, 3, 10), severities=("major",), score=50)
    item = ChecklistItem.objects.create(audit=reported, requirement=requirement, risk_category="labour", verdict="nonconforming")
    planned = make_audit(supplier_a, planned_start=date(2026, 3, 23), planned_end=date(2026, 3, 24))
    running = make_audit(supplier_b, status=Audit.Status.IN_PROGRESS, started_on=date(2026, 3, 2))
    running_item = ChecklistItem.objects.create(audit=running, requirement=requirement, risk_category="labour")
    return {
        "reported": reported,
        "planned": planned,
        "running": running,
        "item": item,
        "running_item": running_item,
        "finding": reported.findings.get(),
        "file": attach(reported),
        "running_file": attach(running, "site-photo.pdf"),
    }


def url(name, world, **extra):
    kwargs = {
        "programme": {},
        "calendar": {},
        "generate": {},
        "plan": {},
        "disclosure": {},
        "disclosure_xlsx": {},
        "supplier_panel": {"supplier_pk": world["reported"].supplier_id},
        "file": {"file_pk": world["file"].pk},
        "remove_file": {"file_pk": world["running_file"].pk},
        "detail": {"audit_pk": world["reported"].pk},
        "edit": {"audit_pk": world["planned"].pk},
        "cancel": {"audit_pk": world["planned"].pk},
        "start": {"audit_pk": world["planned"].pk},
        "verdict": {"audit_pk": world["running"].pk, "checklist_pk": world["running_item"].pk},
        "add_finding": {"audit_pk": world["running"].pk},
        "remove_finding": {"audit_pk": world["reported"].pk, "finding_pk": world["finding"].pk},
        "upload_file": {"audit_pk": world["running"].pk},
        "upload_report": {"audit_pk": world["running"].pk},
        "report_file": {"audit_pk": world["reported"].pk},
        "issue_report": {"audit_pk": world["running"].pk},
        "close": {"audit_pk": world["reported"].pk},
        "report_pdf": {"audit_pk": world["reported"].pk},
        "report_xlsx": {"audit_pk": world["reported"].pk},
    }[name]
    return reverse(f"audits:{name}", kwargs={**kwargs, **extra})


READS = ["programme", "calendar", "disclosure", "disclosure_xlsx", "supplier_panel", "detail", "report_pdf", "report_xlsx"]
WRITE_PAGES = ["plan", "edit"]  # GET shows a form that only writers may use
POSTS = [
    "generate",
    "plan",
    "edit",
    "cancel",
    "start",
    "verdict",
    "add_finding",
    "remove_finding",
    "upload_file",
    "remove_file",
    "upload_report",
    "issue_report",
    "close",
]


@pytest.mark.parametrize("name", READS + ["file", "report_file"])
def test_anonymous_visitors_are_sent_to_log_in(client_for, world, name):
    response = client_for(None).get(url(name, world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", READS + WRITE_PAGES)
def test_internal_pages_are_not_found_for_supplier_users(client_for, world, supplier_a_user, supplier_b_user, name):
    assert client_for(supplier_a_user).get(url(name, world)).status_code == 404
    assert client_for(supplier_b_user).get(url(name, world)).status_code == 404


@pytest.mark.parametrize("name", POSTS)
def test_writes_are_not_found_for_supplier_users_and_forbidden_to_read_only_roles(
    client_for, world, supplier_b_user, viewer, procurement, name
):
    assert client_for(supplier_b_user).post(url(name, world), {}).status_code == 404
    assert client_for(viewer).post(url(name, world), {}).status_code == 403
    assert client_for(procurement).post(url(name, world), {}).status_code == 403


@pytest.mark.parametrize("name", READS)
def test_every_internal_role_reads(client_for, world, viewer, name):
    assert client_for(viewer).get(url(name, world)).status_code == 200


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_forms_are_for_roles_that_audit(client_for, world, viewer, auditor, name):
    assert client_for(viewer).get(url(name, world)).status_code == 403
    assert client_for(auditor).get(url(name, world)).status_code == 200


@pytest.mark.parametrize("name", POSTS)
def test_an_empty_post_from_an_auditor_is_answered_without_crashing(client_for, world, auditor, name):
    response = client_for(auditor).post(url(name, world), {})
    assert response.status_code in (302, 400, 409)


# ---------------------------------------------------------------- files


def test_a_supplier_user_downloads_the_files_of_its_own_reported_audit_only(client_for, world, supplier_a_user, supplier_b_user):
    own = client_for(supplier_a_user).get(url("file", world))
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"%PDF")
    assert own["Content-Disposition"].startswith("attachment") and own["Cache-Control"] == "private, no-store"
    assert client_for(supplier_b_user).get(url("file", world)).status_code == 404
    unreported = attach(world["planned"])
    assert client_for(supplier_a_user).get(reverse("audits:file", args=[unreported.pk])).status_code == 404
    assert client_for(supplier_b_user).get(reverse("audits:file", args=[world["running_file"].pk])).status_code == 404


def test_the_audit_firms_report_downloads_for_staff_and_the_supplier_once_reported(client_for, world, viewer, supplier_a_user):
    reported = world["reported"]
    reported.report_file.save("vap.pdf", ContentFile(PDF_BYTES), save=False)
    reported.report_name = "vap.pdf"
    reported.save()

    assert client_for(viewer).get(url("report_file", world)).status_code == 200
    assert client_for(supplier_a_user).get(url("report_file", world)).status_code == 200
    assert client_for(viewer).get(reverse("audits:report_file", args=[world["planned"].pk])).status_code == 404


# ---------------------------------------------------------------- programme, calendar, generate


def test_the_programme_lists_the_years_audits_with_filters(client_for, world, viewer):
    client = client_for(viewer)

    page = client.get(reverse("audits:programme"), {"year": 2026}).content.decode()
    assert "Alpha Cable Co., Ltd." in page and "Beta Solder Sdn. Bhd." in page and "Plan an audit" not in page

    only_reported = client.get(reverse("audits:programme"), {"year": 2026, "status": "reported"}).content.decode()
    assert f'id="audit-{world["reported"].pk}"' in only_reported and f'id="audit-{world["planned"].pk}"' not in only_reported

    by_name = client.get(reverse("audits:programme"), {"year": 2026, "q": "Beta"}).content.decode()
    assert f'id="audit-{world["running"].pk}"' in by_name and f'id="audit-{world["reported"].pk}"' not in by_name

    desk = client.get(reverse("audits:programme"), {"year": 2026, "kind": "desk"}).content.decode()
    assert "No audit matches these filters" in desk


def test_overdue_audits_are_flagged_and_filtered(client_for, world, compliance):
    Audit.objects.filter(pk=world["running"].pk).update(planned_end=date(2026, 3, 10))

    page = client_for(compliance).get(reverse("audits:programme"), {"year": 2026, "overdue": "on"}).content.decode()

    assert f'id="audit-{world["running"].pk}"' in page and f'id="audit-{world["planned"].pk}"' not in page
    assert "Overdue" in page and "Plan an audit" in page


def test_an_htmx_filter_gets_only_the_rows(client_for, world, viewer):
    response = client_for(viewer).get(reverse("audits:programme"), {"year": 2026}, **HTMX)

    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "Beta Solder" in response.content.decode()


def test_the_programme_costs_the_same_queries_for_few_or_many_audits(client_for, world, viewer):
    client = client_for(viewer)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("audits:programme"), {"year": 2026}).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _n in range(15):
        make_audit(make_supplier(), lead_auditor=None)
    assert queries() == few


def test_the_calendar_shows_the_months_audits_and_moves_by_month_with_htmx(client_for, world, viewer):
    client = client_for(viewer)

    march = client.get(reverse("audits:calendar"), {"year": 2026, "month": 3}).content.decode()
    assert "Alpha Cable Co., Ltd." in march and f'href="/audits/{world["planned"].pk}/"' in march
    assert "month=4" in march and "month=2" in march

    april = client.get(reverse("audits:calendar"), {"year": 2026, "month": 4}, **HTMX)
    assert april.status_code == 200 and "<html" not in april.content.decode()
    assert f"/audits/{world['planned'].pk}/" not in april.content.decode()


def test_generating_the_programme_reports_what_was_planned(client_for, compliance):
    make_supplier(status="active", tier=1)
    make_supplier(status="active", tier=2, is_key=True)

    response = client_for(compliance).post(reverse("audits:generate"), {"year": 2026}, follow=True)

    assert response.redirect_chain[-1][0] == "/audits/?year=2026"
    text = response.content.decode()
    assert "Programme 2026: 2 audits planned (1 on site, 1 desk reviews)" in text
    assert Audit.objects.filter(year=2026).count() == 2


def test_generating_for_an_impossible_year_is_refused(client_for, compliance):
    response = client_for(compliance).post(reverse("audits:generate"), {"year": 1999})

    assert response.status_code == 400 and not Audit.objects.exists()


# ---------------------------------------------------------------- plan, edit, cancel


def test_a_planner_plans_an_audit(client_for, world, compliance, auditor):
    response = client_for(compliance).post(
        reverse("audits:plan"),
        {
            "supplier_code": world["reported"].supplier.code.lower(),
            "year": 2026,
            "kind": "third_party",
            "scheme": "rba_vap",
            "planned_start": "2026-05-04",
            "planned_end": "2026-05-06",
            "lead_auditor": auditor.pk,
            "audit_firm": "ELEVATE",
            "scope": ["labour", "ethics"],
        },
    )

    audit = Audit.objects.get(audit_firm="ELEVATE")
    assert response.status_code == 302 and response["Location"] == reverse("audits:detail", args=[audit.pk])
    assert (audit.kind, audit.lead_auditor, audit.scope) == ("third_party", auditor, ["labour", "ethics"])


def test_a_plan_with_dates_in_the_wrong_order_shows_the_error_beside_the_field(client_for, world, compliance):
    response = client_for(compliance).post(
        reverse("audits:plan"),
        {
            "supplier_code": "NO-SUCH",
            "year": 2026,
            "kind": "onsite",
            "scheme": "internal",
            "planned_start": "2026-05-06",
            "planned_end": "2026-05-04",
        },
    )

    assert response.status_code == 400
    assert "No supplier has the code NO-SUCH." in response.content.decode()
    response = client_for(compliance).post(
        reverse("audits:plan"),
        {
            "supplier_code": world["reported"].supplier.code,
            "year": 2026,
            "kind": "third_party",
            "scheme": "internal",
            "planned_start": "2026-05-06",
            "planned_end": "2026-05-04",
        },
    )
    form = response.context["form"]
    assert response.status_code == 400
    assert form.errors["planned_end"] == ["the end is before the start."]
    assert form.errors["audit_firm"] == ["name the audit firm of a third-party audit."]
    assert Audit.objects.count() == 3


def test_a_planner_moves_an_audit(client_for, world, auditor):
    response = client_for(auditor).post(
        url("edit", world), {"kind": "onsite", "scheme": "internal", "planned_start": "2026-04-06", "planned_end": "2026-04-07"}
    )

    assert response.status_code == 302
    world["planned"].refresh_from_db()
    assert world["planned"].planned_start == date(2026, 4, 6)


def test_a_reported_audit_is_not_edited(client_for, world, auditor):
    response = client_for(auditor).get(reverse("audits:edit", args=[world["reported"].pk]))

    assert response.status_code == 302 and response["Location"] == reverse("audits:detail", args=[world["reported"].pk])


def test_cancelling_needs_a_reason(client_for, world, compliance):
    client = client_for(compliance)

    refused = client.post(url("cancel", world), {"reason": ""})
    assert refused.status_code == 400 and refused.context["cancel_form"].errors
    done = client.post(url("cancel", world), {"reason": "Merged with the VAP audit."})

    assert done.status_code == 302
    world["planned"].refresh_from_db()
    assert world["planned"].status == Audit.Status.CANCELLED


# ---------------------------------------------------------------- conducting


def test_the_audit_page_shows_the_result_findings_checklist_and_downloads(client_for, world, viewer):
    page = client_for(viewer).get(url("detail", world)).content.decode()

    assert "Alpha Cable Co., Ltd." in page and "Report issued" in page
    assert 'class="badge bad">Major' in page and "Overtime above 60 hours a week" in page
    assert "RBA-A3" in page and "Working hours" in page
    assert reverse("audits:report_pdf", args=[world["reported"].pk]) in page
    assert "evidence.pdf" in page and "Start the audit" not in page


def test_the_audit_page_loads_the_corrective_actions_when_that_part_is_installed(client_for, world, viewer):
    page = client_for(viewer).get(url("detail", world)).content.decode()
    try:
        expected = reverse("corrective:audit_actions", args=[world["reported"].pk])
    except NoReverseMatch:
        assert 'hx-trigger="load"' not in page
    else:
        assert f'hx-get="{expected}" hx-trigger="load"' in page


def test_starting_an_audit_builds_its_checklist(client_for, world, auditor):
    response = client_for(auditor).post(url("start", world))

    assert response.status_code == 302
    page = client_for(auditor).get(reverse("audits:detail", args=[world["planned"].pk])).content.decode()
    assert "RBA-A3" in page and "RBA-C1" in page and 'hx-post="' in page


def test_starting_a_reported_audit_is_refused_with_the_reason(client_for, world, auditor):
    response = client_for(auditor).post(reverse("audits:start", args=[world["reported"].pk]))

    assert response.status_code == 409 and "Starting is not possible" in response.content.decode()


def test_a_verdict_saved_with_htmx_returns_its_row(client_for, world, auditor):
    response = client_for(auditor).post(url("verdict", world), {"verdict": "conforming", "notes": "Time cards fine."}, **HTMX)

    text = response.content.decode()
    assert response.status_code == 200 and text.startswith(f'<tr id="item-{world["running_item"].pk}"')
    assert '<option value="conforming" selected>' in text and "Time cards fine." in text
    world["running_item"].refresh_from_db()
    assert world["running_item"].verdict == "conforming"


def test_a_refused_verdict_comes_back_in_its_row(client_for, world, auditor):
    response = client_for(auditor).post(url("verdict", world), {"verdict": "maybe"}, **HTMX)

    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert client_for(auditor).post(url("verdict", world), {"verdict": "maybe"}).status_code == 400


def test_an_auditor_records_a_finding_on_a_checklist_item(client_for, world, auditor):
    response = client_for(auditor).post(
        url("add_finding", world),
        {"severity": "minor", "checklist_item": world["running_item"].pk, "description": "Fire exit blocked"},
    )

    assert response.status_code == 302
    finding = Finding.objects.get(audit=world["running"])
    assert (finding.area, finding.requirement.code) == ("labour", "RBA-A3")


def test_a_finding_without_an_area_or_item_is_refused_beside_the_field(client_for, world, auditor):
    response = client_for(auditor).post(url("add_finding", world), {"severity": "minor", "description": "x"})

    assert response.status_code == 400 and "area" in response.context["finding_form"].errors


def test_evidence_is_uploaded_and_a_bad_file_refused(client_for, world, auditor):
    client = client_for(auditor)

    ok = client.post(url("upload_file", world), {"file": pdf_upload("payroll.pdf"), "checklist_item": world["running_item"].pk})
    bad = client.post(url("upload_file", world), {"file": io.BytesIO(b"MZ not a pdf")})

    assert ok.status_code == 302 and AuditFile.objects.filter(original_name="payroll.pdf").exists()
    assert bad.status_code == 400 and bad.context["evidence_form"].errors["file"]


def test_issuing_the_report_from_the_page(client_for, world, auditor):
    ChecklistItem.objects.filter(pk=world["running_item"].pk).update(verdict="conforming")
    client = client_for(auditor)

    refused = client.post(url("issue_report", world), {"report_date": "2026-03-21", "summary": "All fine."})
    assert refused.status_code == 400
    assert refused.context["issue_form"].errors["report_date"] == ["the report date is in the future."]
    done = client.post(url("issue_report", world), {"report_date": "2026-03-20", "summary": "All fine."})

    assert done.status_code == 302
    world["running"].refresh_from_db()
    assert (world["running"].status, world["running"].result_level) == ("reported", "low")
    assert AuditEvent.objects.filter(action="audit.reported").exists()


def test_closing_waits_for_the_corrective_actions(client_for, world, auditor):
    client = client_for(auditor)

    assert client.post(url("close", world)).status_code == 409
    CorrectiveAction.objects.update(status="closed")
    assert client.post(url("close", world)).status_code == 302
    world["reported"].refresh_from_db()
    assert world["reported"].status == "closed"


def test_the_reports_download_as_pdf_and_xlsx(client_for, world, viewer):
    client = client_for(viewer)

    pdf = client.get(url("report_pdf", world))
    xlsx = client.get(url("report_xlsx", world))

    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert book.sheet_names == ["Summary", "Checklist", "Findings", "Corrective actions"]
    assert f"audit-{world['reported'].pk}-" in xlsx["Content-Disposition"]


# ---------------------------------------------------------------- supplier panel and disclosure


def test_the_supplier_panel_lists_its_audits_and_open_corrective_actions(client_for, world, viewer, time_machine):
    response = client_for(viewer).get(url("supplier_panel", world))

    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text
    assert (response.context["open_actions"], response.context["overdue_actions"]) == (1, 0)
    assert len(response.context["audits"]) == 2 and "Report issued" in text
    time_machine.move_to("2026-03-25 10:00:00+08:00", tick=False)  # the plan was due on 24 March
    response = client_for(viewer).get(url("supplier_panel", world))
    assert (response.context["open_actions"], response.context["overdue_actions"]) == (1, 1)


def test_the_disclosure_page_and_export(client_for, world, viewer):
    client = client_for(viewer)

    page = client.get(reverse("audits:disclosure"), {"year": 2026}).content.decode()
    export = client.get(reverse("audits:disclosure_xlsx"), {"year": 2026})

    assert "Findings by severity and area" in page and "Labour and human rights" in page
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    labour = next(row for row in book.get_sheet_by_name("Findings").to_python() if row[0] == "Labour and human rights")
    assert labour[2] == 1  # one major finding
