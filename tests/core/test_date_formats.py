"""Dates read the same way in English and Chinese: ISO 8601 (2026-03-10) on pages, in forms, PDFs and e-mails,
never Django's US default (03/10/2026, Mar. 10, 2026) nor its Chinese long form (2026年3月10日)."""

import datetime as dt

import pytest
from django import forms
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from supplyesg.audits.forms.audits import DATE
from supplyesg.audits.forms.corrective import ApproveForm, PlanForm
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_contact

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
MOMENT = dt.datetime(2026, 3, 10, 14, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("value", "name", "expected"),
    [
        (DAY, "SHORT_DATE_FORMAT", "2026-03-10"),
        (DAY, "DATE_FORMAT", "2026-03-10"),
        (MOMENT, "SHORT_DATETIME_FORMAT", "2026-03-10 14:05"),
        (MOMENT, "DATETIME_FORMAT", "2026-03-10 14:05"),
    ],
)
def test_every_named_date_format_is_iso_in_both_languages(language, value, name, expected):
    with translation.override(language):
        shown = Template('{{ value|date:"' + name + '" }}|{{ value }}').render(Context({"value": value}))

    assert shown.split("|")[0] == expected
    assert "年" not in shown and "Mar" not in shown and "/" not in shown


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_date_input_carries_an_iso_value_in_both_languages(language):
    """<input type="date"> only takes YYYY-MM-DD: Django's Chinese default (2026/03/10) left it blank."""
    with translation.override(language):
        plain = forms.DateInput(attrs={"type": "date"}).render("due", DAY)
        approve = ApproveForm(initial={"completion_date": DAY})["completion_date"].as_widget()
        audit = DATE.render("planned", DAY)

    for html in (plain, approve, audit):
        assert 'value="2026-03-10"' in html, html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("typed", ["2026-03-10", "2026/03/10", "2026.03.10", "2026年03月10日"])
def test_every_form_reads_iso_and_chinese_written_dates_in_both_languages(language, typed):
    with translation.override(language):
        form = PlanForm({"completion_date": typed})

        assert form.is_valid(), form.errors
    assert form.cleaned_data["completion_date"] == DAY


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_ambiguous_us_date_is_refused_rather_than_misread(language):
    with translation.override(language):
        form = PlanForm({"completion_date": "03/10/2026"})

        assert not form.is_valid()
    assert "completion_date" in form.errors


@pytest.fixture
def action(supplier_a):
    audit = make_reported_audit(supplier_a, report_date=DAY)
    return audit.corrective_actions.get()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_supplier_sees_the_corrective_action_dates_in_iso_in_its_language(language, action, supplier_a_user, client_for):
    client = client_for(supplier_a_user)
    client.post(reverse("core:set_language"), {"language": language, "next": "/"})

    page = client.get(reverse("audits_portal:action", args=[action.pk]))

    assert page.headers["Content-Language"] == language
    html = page.content.decode()
    assert "2026-03-10" in html  # the audit's report date
    assert action.plan_due.isoformat() in html
    assert action.remediation_due.isoformat() in html
    assert "Mar. 10, 2026" not in html and "2026年3月10日" not in html


def test_a_chinese_e_mail_gives_its_due_date_in_iso(supplier_a, compliance, django_capture_on_commit_callbacks):
    from supplyesg.engagement.services.required import assign_training

    make_contact(supplier_a, email="li@alpha.example")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        assign_training(supplier_a, topic="工时", due_date=dt.date(2026, 12, 31), actor=compliance)

    assert mail.outbox, "no e-mail was sent"
    assert "2026-12-31" in mail.outbox[-1].body
    assert "2026年12月31日" not in mail.outbox[-1].body
